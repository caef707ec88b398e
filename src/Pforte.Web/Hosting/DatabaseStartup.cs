using Pforte.Core.Persistence;

namespace Pforte.Web.Hosting;

public static class DatabaseStartup
{
    /// <summary>
    /// The embedded SQLite database is migrated at start so that one command starts the product on a fresh clone.
    /// PostgreSQL is migrated by operations (<c>pforte db migrate</c>) before a release, never by several web nodes at once.
    /// </summary>
    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        if (db.IsSqlite)
        {
            await DatabaseSetup.MigrateAsync(db).ConfigureAwait(false);
        }
    }
}
