using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;

namespace Pforte.Testing;

/// <summary>Small builders shared by the test projects.</summary>
public static class TestData
{
    public const string Ik = "260326822";
    public const string OtherIk = "109500969";

    public static async Task<Kasse> CreateKasseAsync(PforteDbContext db, string ik = Ik, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        clock ??= TimeProvider.System;
        var result = await new CreateKasse(db, new AuditLog(db, clock), clock)
            .ExecuteAsync(new NewKasse(ik, "Testkasse " + ik, "Musterstraße", "1", "60311", "Frankfurt am Main"), AuditContext.System("test"))
            .ConfigureAwait(false);
        return result.Value;
    }

    /// <summary>A valid KVNR for a running number (different numbers give different KVNRs).</summary>
    public static string Kvnr(int n) => Pforte.Core.Common.Kvnr.Create((char)('A' + n % 26), n).Value;

    /// <summary>A test card number (issuer 88301) for a running number.</summary>
    public static string Card(long n) => CardNumber.Create(88301, n).Value;
}
