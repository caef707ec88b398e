using Microsoft.EntityFrameworkCore.Design;
using Pforte.Core.Persistence;

namespace Pforte.Migrations.Sqlite;

/// <summary>Lets <c>dotnet ef migrations add</c> build the SQLite model without a host.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<PforteDbContext>
{
    public PforteDbContext CreateDbContext(string[] args) =>
        new(DatabaseSetup.BuildOptions(DatabaseProvider.Sqlite, "Data Source=design-time.db"));
}
