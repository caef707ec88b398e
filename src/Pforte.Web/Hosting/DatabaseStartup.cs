using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Demo;
using Pforte.Core.Persistence;
using Pforte.Core.Staff;

namespace Pforte.Web.Hosting;

public static partial class DatabaseStartup
{
    /// <summary>Configuration key: seed demo data into an empty embedded database at start (default true).</summary>
    public const string SeedEmptyDatabaseKey = "Pforte:Demo:SeedEmptyDatabase";

    /// <summary>Persons seeded on first start: enough to show every case, quick to create.</summary>
    public const int FirstStartPersons = 200;

    /// <summary>
    /// The embedded SQLite database is migrated at start so that one command starts the product on a fresh clone;
    /// if it is still empty (no Kasse at all), it gets demo data so that the product can be tried at once.
    /// PostgreSQL is migrated by operations (<c>pforte db migrate</c>) before a release, never by several web nodes at
    /// once, and is never seeded automatically: a production database must not receive demo data by accident.
    /// A database the host cannot work on — another application's, a newer Pforte's, a file that is no database, an
    /// unmigrated or outdated PostgreSQL schema — stops the start with its <c>PF-DB-…</c> error (returned, for
    /// Program.cs to print), and nothing is written to it.
    /// </summary>
    public static async Task<Error?> PrepareDatabaseAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        if (!db.IsSqlite)
        {
            var notReady = await DatabaseSchema.EnsureCurrentAsync(db).ConfigureAwait(false);
            if (notReady?.Code == ErrorCodes.DbUnreachable)
            {
                // A database server that is down (or not up yet) is not a wrong database: the host starts, /health/ready
                // answers 503 until it is reachable, and requests fail meanwhile. Only a reachable database that is not
                // Pforte's current schema stops the start.
                LogDatabaseUnreachable(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseStartup).FullName!), notReady.Code, notReady.Message);
                return null;
            }
            return notReady;
        }
        if (!(await DatabaseSchema.InspectAsync(db).ConfigureAwait(false)).TryGetValue(out _, out var refused))
        {
            return refused;
        }
        await DatabaseSetup.MigrateAsync(db).ConfigureAwait(false);
        if (!app.Configuration.GetValue(SeedEmptyDatabaseKey, true) || await db.Kassen.AnyAsync().ConfigureAwait(false))
        {
            return null;
        }

        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(DatabaseStartup).FullName!);
        var result = await scope.ServiceProvider.GetRequiredService<SeedDemoData>()
            .ExecuteAsync(FirstStartPersons, AuditContext.System("first-start-demo-seed")).ConfigureAwait(false);
        if (!result.TryGetValue(out var seeded, out var error))
        {
            LogDemoSeedRefused(logger, error.Code, error.Message);
            return null;
        }
        LogDemoSeeded(logger, seeded.PersonsAdded, seeded.Kasse.Name, seeded.Kasse.Ik);
        foreach (var client in seeded.Clients.Where(c => c.Key is not null))
        {
            // Printed on purpose (issue 2, point 7): demo keys belong to synthetic data only, never to real clients.
            LogDemoKey(logger, client.Name, client.Scopes, client.Key!);
        }
        foreach (var account in seeded.PortalAccounts.Where(a => a.AuthenticatorKey is not null))
        {
            // Likewise on purpose (issue 12, point 8): demo portal accounts of synthetic persons, docs/demo-data.md.
            LogDemoAccount(logger, account.UserName, account.Password, account.Name, account.Kvnr, account.AuthenticatorKey!);
        }
        foreach (var staff in seeded.StaffAccounts.Where(a => a.Created))
        {
            // The workspace's demo accounts (one per role; password and key documented in docs/demo-data.md).
            LogDemoStaff(logger, staff.UserName, staff.DisplayName, SeedDemoStaff.Password, SeedDemoStaff.AuthenticatorKey);
        }
        return null;
    }

    [LoggerMessage(EventId = 9005, Level = LogLevel.Information,
        Message = "Leere Datenbank: Demodaten angelegt ({Persons} Versicherte in der Demo-Kasse {KasseName}, IK {Ik}).")]
    private static partial void LogDemoSeeded(ILogger logger, int persons, string kasseName, string ik);

    [LoggerMessage(EventId = 9006, Level = LogLevel.Information, Message = "Demo-API-Schlüssel für {ClientName} ({Scopes}): {DemoKey}")]
    private static partial void LogDemoKey(ILogger logger, string clientName, string scopes, string demoKey);

    [LoggerMessage(EventId = 9009, Level = LogLevel.Information,
        Message = "Demo-Portalkonto {UserName} / Passwort {Password} ({PersonName}, KVNR {Kvnr}); Schlüssel für die Authenticator-App: {AuthenticatorKey}")]
    private static partial void LogDemoAccount(ILogger logger, string userName, string password, string personName, string kvnr, string authenticatorKey);

    [LoggerMessage(EventId = 9010, Level = LogLevel.Information,
        Message = "Demo-Mitarbeiterkonto {UserName} ({DisplayName}) / Passwort {Password}; Schlüssel für die Authenticator-App: {AuthenticatorKey}")]
    private static partial void LogDemoStaff(ILogger logger, string userName, string displayName, string password, string authenticatorKey);

    [LoggerMessage(EventId = 9008, Level = LogLevel.Warning, Message = "Start ohne erreichbare Datenbank (/health/ready meldet 503, bis sie erreichbar ist): {Code}: {Reason}")]
    private static partial void LogDatabaseUnreachable(ILogger logger, string code, string reason);

    [LoggerMessage(EventId = 9007, Level = LogLevel.Warning, Message = "Demodaten nicht angelegt: {Code}: {Reason}")]
    private static partial void LogDemoSeedRefused(ILogger logger, string code, string reason);
}
