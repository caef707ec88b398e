using System.Globalization;
using System.Text;
using Pforte.Core.Common;

namespace Pforte.Benchmarks;

/// <summary>How the generator draws KVNRs and card serials.</summary>
public enum ImportKeyOrder
{
    /// <summary>
    /// As a core-system export: KVNRs drawn at random over the whole space (letter A–Z, eight digits, the check digit
    /// computed by <see cref="Kvnr.Create"/>) and random 10-digit card serials, unique, in the order drawn. Every
    /// index insert lands on a random page. The default.
    /// </summary>
    Random,

    /// <summary>
    /// The old benchmark file, kept only as a labelled comparison: KVNR n = letter (n mod 26) + n, card serial n —
    /// ascending keys, every index insert appends to the right-most page.
    /// </summary>
    Sequential,
}

/// <summary>
/// Writes a valid insured-master-data CSV of N rows for the import benchmark (bench/import/run.sh):
/// every 4th person is family-insured with the previous member as main member, every 10th has an ended
/// insurance, every row has a test card (issuer 88301). Deterministic: the same N, key order and seed give the same
/// file (and the same persons in the same order for every CHANGE_EVERY).
/// With <c>changeEvery</c> = k &gt; 0 the file is a later delivery: every k-th person has moved (new street) and
/// every (2k)-th has a new card (issuer 88302, same serial), the rest is identical.
/// </summary>
public static class ImportFileGenerator
{
    /// <summary>The seed of the benchmark's files, so that runs on different days import the same persons.</summary>
    public const int DefaultSeed = 17;

    private const long KvnrSpace = 26L * 100_000_000L;
    private const long SerialSpace = 10_000_000_000L;

    private static readonly string[] FamilyNames = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann"];
    private static readonly string[] GivenNames = ["Anna", "Lukas", "Sophie", "Jonas", "Marie", "Leon", "Emma", "Finn", "Mia", "Paul", "Hannah", "Elias", "Lea", "Ben", "Jürgen", "Günther", "Käthe", "Özlem", "Zoë", "Noah"];
    private static readonly string[] Streets = ["Hauptstraße", "Schulstraße", "Gartenweg", "Bahnhofstraße", "Am Markt", "Lindenallee", "Bergstraße", "Kirchplatz"];
    private static readonly string[] Cities = ["Frankfurt am Main", "Köln", "München", "Hamburg", "Berlin", "Düsseldorf", "Leipzig", "Dresden"];

    public static void Write(string path, int count, int changeEvery = 0, ImportKeyOrder keys = ImportKeyOrder.Random, int seed = DefaultSeed)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        Write(writer, count, changeEvery, keys, seed);
    }

    public static void Write(TextWriter writer, int count, int changeEvery = 0, ImportKeyOrder keys = ImportKeyOrder.Random, int seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        writer.NewLine = "\n";
        writer.WriteLine("kvnr;family_name;given_name;birth_date;insurance_kind;main_member_kvnr;insurance_start;insurance_end;street;house_number;postal_code;city;country;card_number;card_issued_on;deceased_on");
        var ci = CultureInfo.InvariantCulture;
        var draw = new KeyDraw(keys, seed, count);
        string? member = null;
        var baseDate = new DateOnly(1940, 1, 1);
        for (var i = 1; i <= count; i++)
        {
            var (kvnr, serial) = draw.Next(i);
            var family = i % 4 == 0 && member is not null;
            var birth = baseDate.AddDays((int)((uint)(i * 7919) % 30000));
            var start = birth.AddYears(family ? 0 : 18);
            if (start.Year < 1990)
            {
                start = new DateOnly(1990, 1, 1).AddDays(i % 365);
            }
            if (start < birth)
            {
                start = birth;
            }
            var end = i % 10 == 0 ? start.AddYears(5).ToString("yyyy-MM-dd", ci) : "";
            var name = FamilyNames[i % FamilyNames.Length];
            writer.Write(kvnr); writer.Write(';');
            writer.Write(name); writer.Write(';');
            writer.Write(GivenNames[(i / 3) % GivenNames.Length]); writer.Write(';');
            writer.Write(birth.ToString("yyyy-MM-dd", ci)); writer.Write(';');
            writer.Write(family ? "family;" : "member;");
            writer.Write(family ? member : ""); writer.Write(';');
            writer.Write(start.ToString("yyyy-MM-dd", ci)); writer.Write(';');
            writer.Write(end); writer.Write(';');
            var moved = changeEvery > 0 && i % changeEvery == 0;
            var newCard = changeEvery > 0 && i % (2 * changeEvery) == 0;
            writer.Write(moved ? "Neue Straße" : Streets[i % Streets.Length]); writer.Write(';');
            writer.Write((i % 200 + 1).ToString(ci)); writer.Write(';');
            writer.Write((10000 + i % 89999).ToString("D5", ci)); writer.Write(';');
            writer.Write(Cities[i % Cities.Length]); writer.Write(";DE;");
            writer.Write(CardNumber.Create(newCard ? 88302 : 88301, serial).Value); writer.Write(';');
            writer.Write(new DateOnly(2020, 1, 1).AddDays(i % 1500).ToString("yyyy-MM-dd", ci)); writer.Write(';');
            writer.WriteLine();
            if (!family)
            {
                member = kvnr;
            }
        }
    }

    /// <summary>Draws the n-th person's KVNR and card serial; random draws repeat until unused (a set of both keys).</summary>
    private sealed class KeyDraw(ImportKeyOrder order, int seed, int count)
    {
        private readonly Random _random = new(seed);
        private readonly HashSet<long> _kvnrs = order == ImportKeyOrder.Random ? new(count) : [];
        private readonly HashSet<long> _serials = order == ImportKeyOrder.Random ? new(count) : [];

        public (string Kvnr, long Serial) Next(int n)
        {
            if (order == ImportKeyOrder.Sequential)
            {
                return (Kvnr.Create((char)('A' + n % 26), n).Value, n);
            }
            long key;
            do
            {
                key = _random.NextInt64(KvnrSpace);
            }
            while (!_kvnrs.Add(key));
            long serial;
            do
            {
                serial = _random.NextInt64(SerialSpace);
            }
            while (!_serials.Add(serial));
            return (Kvnr.Create((char)('A' + key / 100_000_000L), (int)(key % 100_000_000L)).Value, serial);
        }
    }
}
