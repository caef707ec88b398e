using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Clients;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;

namespace Pforte.Core.Demo;

/// <summary>A demo client and its key: the key only when the client was created by this run (keys are shown once).</summary>
public sealed record DemoClientKey(string Name, string Scopes, string? Key);

public sealed record DemoSeedResult(Kasse Kasse, bool KasseCreated, int PersonsAdded, int PersonsTotal, IReadOnlyList<DemoClientKey> Clients)
{
    /// <summary>The demo portal accounts (docs/demo-data.md); their authenticator keys only when created by this run.</summary>
    public IReadOnlyList<Accounts.DemoAccount> PortalAccounts { get; init; } = [];

    /// <summary>The demo staff accounts of the workspace, one per role (docs/demo-data.md: documented password and key).</summary>
    public IReadOnlyList<Staff.DemoStaffAccount> StaffAccounts { get; init; } = [];
}

/// <summary>
/// Fills a demo database: a demo Kasse, synthetic insured persons (<see cref="DemoPopulation"/>), the demo API
/// clients, demo portal accounts and one demo staff account per workspace role. Tops up to the requested count: a second run adds only the persons not there yet (none if the count
/// was reached) and only the clients that are missing. Refuses any database that holds a real (non-demo) Kasse,
/// so that demo data can never mix with insured persons' data.
/// </summary>
public sealed class SeedDemoData(PforteDbContext db, CreateKasse createKasse, CreateApiClient createClient, Accounts.SeedDemoAccounts demoAccounts, Staff.SeedDemoStaff demoStaff, AuditLog audit, TimeProvider clock)
{
    public const int MaxCount = 10_000_000;
    public const string DemoKasseName = "Pforte Demo-BKK";

    /// <summary>Persons per INSERT round and ChangeTracker lifetime: keeps memory flat for millions.</summary>
    private const int BatchSize = 2000;

    /// <summary>109999999…: a number no real Kasse uses (region 99), completed with its check digit.</summary>
    public static string DemoIk => Ik.Create("10999999").Value;

    public static readonly IReadOnlyList<(string Name, string[] Scopes)> DemoClients =
    [
        ("ivr-demo", [ApiScopes.MachineAuth]),
        ("core-system-demo", [ApiScopes.InsuredRead, ApiScopes.InsuredWrite]),
        ("portal-demo", [ApiScopes.Portal, ApiScopes.MachineAuth, ApiScopes.InsuredRead]),
        ("print-service-demo", [ApiScopes.Letters]),
        ("staff-demo", [ApiScopes.Staff, ApiScopes.InsuredRead, ApiScopes.AuditRead]),
    ];

    public async Task<Result<DemoSeedResult>> ExecuteAsync(int count, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (count is < 1 or > MaxCount)
        {
            return new Error(ErrorCodes.DemoCountRange);
        }
        if (await db.Kassen.AnyAsync(k => !k.IsDemo, cancellationToken).ConfigureAwait(false))
        {
            return new Error(ErrorCodes.DemoRealData);
        }

        var kasse = await db.Kassen.AsNoTracking().SingleOrDefaultAsync(k => k.Ik == DemoIk, cancellationToken).ConfigureAwait(false);
        var kasseCreated = false;
        if (kasse is null)
        {
            var created = await createKasse.ExecuteAsync(
                new NewKasse(DemoIk, DemoKasseName, "Große Bleichenstraße", "17a", "60313", "Frankfurt am Main", IsDemo: true),
                context, cancellationToken).ConfigureAwait(false);
            if (!created.TryGetValue(out kasse, out var error))
            {
                return error;
            }
            kasseCreated = true;
        }

        var existing = await db.InsuredPersons.CountAsync(p => p.KasseId == kasse.Id, cancellationToken).ConfigureAwait(false);
        var added = await AddPersonsAsync(kasse.Id, existing, count, cancellationToken).ConfigureAwait(false);

        var clients = new List<DemoClientKey>(DemoClients.Count);
        foreach (var (name, scopes) in DemoClients)
        {
            if (await db.ApiClients.AnyAsync(c => c.KasseId == kasse.Id && c.Name == name, cancellationToken).ConfigureAwait(false))
            {
                clients.Add(new DemoClientKey(name, string.Join(' ', scopes), null));
                continue;
            }
            var created = await createClient.ExecuteAsync(kasse.Id, name, scopes, context, isDemo: true, cancellationToken).ConfigureAwait(false);
            if (!created.TryGetValue(out var client, out var error))
            {
                return error;
            }
            clients.Add(new DemoClientKey(name, client.Client.Scopes, client.Key));
        }

        var portalAccounts = await demoAccounts.ExecuteAsync(kasse.Id, context, cancellationToken).ConfigureAwait(false);
        var staffAccounts = await demoStaff.ExecuteAsync(kasse.Id, context, cancellationToken).ConfigureAwait(false);
        var total = existing + added;
        await using (var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false))
        {
            var details = string.Create(CultureInfo.InvariantCulture,
                $"{{\"requested\":{count},\"added\":{added},\"total\":{total},\"clientsCreated\":{clients.Count(c => c.Key is not null)}}}");
            await audit.AppendAsync(kasse.Id, context, new AuditEvent(AuditAction.DemoSeeded, AuditOutcome.Success, Details: details), cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        return new DemoSeedResult(kasse, kasseCreated, added, total, clients) { PortalAccounts = portalAccounts, StaffAccounts = staffAccounts };
    }

    /// <summary>
    /// Inserts persons number <paramref name="existing"/> … count-1 of the deterministic sequence, in batches with
    /// their own transactions; an interrupted run leaves a complete prefix, which the next run tops up.
    /// </summary>
    private async Task<int> AddPersonsAsync(Guid kasseId, int existing, int count, CancellationToken cancellationToken)
    {
        if (existing >= count)
        {
            return 0;
        }
        var population = new DemoPopulation(kasseId, BerlinCalendar.Today(clock), clock.GetUtcNow());
        var autoDetect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            var added = 0;
            var inBatch = 0;
            foreach (var generated in population.Generate(count).Skip(existing))
            {
                db.InsuredPersons.Add(generated.Person);
                db.HealthCards.AddRange(generated.Cards);
                db.Representatives.AddRange(generated.Representatives);
                added++;
                if (++inBatch == BatchSize)
                {
                    await SaveBatchAsync(cancellationToken).ConfigureAwait(false);
                    inBatch = 0;
                }
            }
            if (inBatch > 0)
            {
                await SaveBatchAsync(cancellationToken).ConfigureAwait(false);
            }
            return added;
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = autoDetect;
        }
    }

    private async Task SaveBatchAsync(CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        db.ChangeTracker.Clear();
    }
}
