using Microsoft.EntityFrameworkCore.Design;
using Pforte.Core.Persistence;

namespace Pforte.Migrations.Postgres;

/// <summary>Lets <c>dotnet ef migrations add</c> build the PostgreSQL model without a host or a server.</summary>
public sealed class DesignTimeFactory : IDesignTimeDbContextFactory<PforteDbContext>
{
    public PforteDbContext CreateDbContext(string[] args) =>
        new(DatabaseSetup.BuildOptions(DatabaseProvider.Postgres, "Host=localhost;Database=pforte_design"));
}
