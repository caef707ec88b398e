using Microsoft.EntityFrameworkCore;
using Pforte.Core.Persistence;

namespace Pforte.Core.Insured.Import;

/// <summary>
/// What the Kasse holds at the start of an import, compressed to 24 bytes per person: KVNR key → fingerprint of
/// the master data, current card and its issue date. A re-delivered unchanged row is recognised without a database
/// round trip (the common case of a monthly full export); only new and changed rows cost database work.
/// A fingerprint match with different data would need a 64-bit FNV collision between a person's old and new row.
/// </summary>
internal sealed class ImportSnapshot
{
    internal readonly record struct Entry(ulong Fingerprint, long CardKey, int CardIssuedDay);

    public const long NoCard = -1;
    public const int NoDate = int.MinValue;

    private readonly Dictionary<long, Entry> _entries;

    private ImportSnapshot(Dictionary<long, Entry> entries) => _entries = entries;

    public int Count => _entries.Count;

    public bool TryGet(long kvnrKey, out Entry entry) => _entries.TryGetValue(kvnrKey, out entry);

    public static async Task<ImportSnapshot> LoadAsync(PforteDbContext db, Guid kasseId, CancellationToken ct)
    {
        // Sized up front: growing a dictionary of a million entries holds the old and the new arrays at once.
        var entries = new Dictionary<long, Entry>(await db.InsuredPersons.CountAsync(p => p.KasseId == kasseId, ct).ConfigureAwait(false));
        var rows = from p in db.InsuredPersons.AsNoTracking().Where(p => p.KasseId == kasseId)
                   from c in db.HealthCards.AsNoTracking().Where(c => c.PersonId == p.Id && c.EndedAt == null).DefaultIfEmpty()
                   select new
                   {
                       Person = p,
                       CardNumber = c == null ? null : c.CardNumber,
                       IssuedOn = c == null ? null : c.IssuedOn,
                   };
        await foreach (var row in rows.AsAsyncEnumerable().WithCancellation(ct).ConfigureAwait(false))
        {
            var p = row.Person;
            var record = new InsuredRecord(p.Kvnr, p.FamilyName, p.GivenName, p.BirthDate, p.InsuranceKind, p.MainMemberKvnr,
                p.InsuranceStart, p.InsuranceEnd, p.Street, p.HouseNumber, p.PostalCode, p.City, p.Country, null, null, p.DeceasedOn);
            entries[ImportKeys.Kvnr(p.Kvnr)] = new Entry(Fingerprint(record),
                row.CardNumber is null ? NoCard : ImportKeys.Card(row.CardNumber), Day(row.IssuedOn));
        }
        return new ImportSnapshot(entries);
    }

    /// <summary>Would <see cref="InsuredUpsert.Apply"/> change nothing? Same rules: an empty card keeps the current one.</summary>
    public static bool Unchanged(Entry entry, InsuredRecord r) =>
        entry.Fingerprint == Fingerprint(r)
        && (r.CardNumber is null || (entry.CardKey == ImportKeys.Card(r.CardNumber) && entry.CardIssuedDay == Day(r.CardIssuedOn)));

    public static int Day(DateOnly? date) => date?.DayNumber ?? NoDate;

    /// <summary>FNV-1a 64 over every master-data field except the card (compared separately, see <see cref="Unchanged"/>).</summary>
    public static ulong Fingerprint(InsuredRecord r)
    {
        var h = 14695981039346656037UL;
        h = Add(h, r.Kvnr);
        h = Add(h, r.FamilyName);
        h = Add(h, r.GivenName);
        h = Add(h, Day(r.BirthDate));
        h = Add(h, (int)r.InsuranceKind);
        h = Add(h, r.MainMemberKvnr);
        h = Add(h, Day(r.InsuranceStart));
        h = Add(h, Day(r.InsuranceEnd));
        h = Add(h, r.Street);
        h = Add(h, r.HouseNumber);
        h = Add(h, r.PostalCode);
        h = Add(h, r.City);
        h = Add(h, r.Country);
        h = Add(h, Day(r.DeceasedOn));
        return h;
    }

    private static ulong Add(ulong h, string? value)
    {
        if (value is null)
        {
            return Step(Step(h, 0xFFFF), 0x1E);
        }
        foreach (var c in value)
        {
            h = Step(h, c);
        }
        // Separator: "ab"+"c" and "a"+"bc" must not hash alike.
        return Step(h, 0x1F);
    }

    private static ulong Add(ulong h, int value)
    {
        h = Step(h, (uint)value & 0xFFFF);
        h = Step(h, (uint)value >> 16);
        return Step(h, 0x1F);
    }

    private static ulong Step(ulong h, uint value) => (h ^ value) * 1099511628211UL;
}

internal static class ImportKeys
{
    /// <summary>A KVNR as a number: letter index × 10⁹ + the nine digits. 8 bytes per row instead of a string.</summary>
    public static long Kvnr(string kvnr) => (kvnr[0] - 'A') * 1_000_000_000L + long.Parse(kvnr.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>An eGK number's 15 digits after the fixed prefix 80276 fit a long.</summary>
    public static long Card(string card) => long.Parse(card.AsSpan(Common.CardNumber.EgkPrefix.Length), System.Globalization.CultureInfo.InvariantCulture);
}
