using Microsoft.Extensions.DependencyInjection;
using OtpNet;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Insured;
using Pforte.Core.Insured.Import;
using Pforte.Core.Persistence;

namespace Pforte.Testing.Accounts;

/// <summary>An insured person with a card and an active code the test knows, as a registration needs one.</summary>
public sealed record CodedPerson(Guid PersonId, string Kvnr, string CardNumber, string Code)
{
    /// <summary>The card number as the portal asks for it (all 20 digits).</summary>
    public string PortalCard => CardNumber;
}

/// <summary>Builders for portal-account tests (both the Core and the browser tests use them).</summary>
public static class AccountTestData
{
    /// <summary>Creates person <paramref name="n"/> of the Kasse with a current card and sets <paramref name="code"/> active.</summary>
    public static async Task<CodedPerson> PersonWithCodeAsync(IServiceProvider services, Guid kasseId, int n, string code = "7391", string givenName = "Jürgen")
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        var clock = scope.ServiceProvider.GetRequiredService<TimeProvider>();
        var kvnr = TestData.Kvnr(n);
        var card = TestData.Card(n);
        var upsert = new UpsertInsured(db, new AuditLog(db, clock), clock);
        var record = new InsuredRecord(kvnr, "Müßig", givenName, new DateOnly(1980, 2, 29), InsuranceKind.Member, null, new DateOnly(2000, 1, 1), null,
            "Lindenstraße", "5a", "60311", "Frankfurt am Main", "DE", card, new DateOnly(2024, 1, 1), null);
        var person = (await upsert.ExecuteAsync(kasseId, record, AuditContext.System("test")).ConfigureAwait(false)).Value.Person;
        await SetCodeAsync(scope.ServiceProvider, kasseId, person.Id, code).ConfigureAwait(false);
        return new CodedPerson(person.Id, kvnr, card, code);
    }

    /// <summary>Makes <paramref name="code"/> the person's active code (as if its letter had been handed over).</summary>
    public static async Task SetCodeAsync(IServiceProvider services, Guid kasseId, Guid personId, string code)
    {
        ArgumentNullException.ThrowIfNull(services);
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<PforteDbContext>();
        var hash = scope.ServiceProvider.GetRequiredService<CodeHasher>().Hash(personId, code);
        var row = await db.AuthCodes.FindAsync(personId).ConfigureAwait(false);
        if (row is null)
        {
            row = new AuthCode { PersonId = personId, KasseId = kasseId };
            db.AuthCodes.Add(row);
        }
        row.State = AuthCodeState.Active;
        row.CodeHash = hash.Hash;
        row.KeyVersion = hash.KeyVersion;
        row.Failures = 0;
        row.StateSince = DateTimeOffset.UtcNow;
        row.Reason = AuthCodeReasons.FirstIssue;
        await db.SaveChangesAsync().ConfigureAwait(false);
    }

    /// <summary>What an authenticator app shows for a base32 key at <paramref name="at"/> (default: now).</summary>
    public static string TotpCode(string base32Key, DateTimeOffset? at = null) =>
        new OtpNet.Totp(Base32Encoding.ToBytes(base32Key)).ComputeTotp((at ?? DateTimeOffset.UtcNow).UtcDateTime);

    /// <summary>The code of the next 30-second step (a code is accepted once, so a second sign-in needs the next).</summary>
    public static string NextTotpCode(string base32Key, DateTimeOffset? at = null) => TotpCode(base32Key, (at ?? DateTimeOffset.UtcNow).AddSeconds(30));
}
