using System.Globalization;
using System.Text;
using Pforte.Core.Common;

namespace Pforte.Benchmarks;

/// <summary>
/// Writes a valid insured-master-data CSV of N rows for the import benchmark (bench/import/run.sh):
/// every 4th person is family-insured with the previous member as main member, every 10th has an ended
/// insurance, every row has a test card (issuer 88301). Deterministic: the same N gives the same file.
/// With <c>changeEvery</c> = k &gt; 0 the file is a later delivery: every k-th person has moved (new street) and
/// every (2k)-th has a new card, the rest is identical.
/// </summary>
public static class ImportFileGenerator
{
    private static readonly string[] FamilyNames = ["Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann"];
    private static readonly string[] GivenNames = ["Anna", "Lukas", "Sophie", "Jonas", "Marie", "Leon", "Emma", "Finn", "Mia", "Paul", "Hannah", "Elias", "Lea", "Ben", "Jürgen", "Günther", "Käthe", "Özlem", "Zoë", "Noah"];
    private static readonly string[] Streets = ["Hauptstraße", "Schulstraße", "Gartenweg", "Bahnhofstraße", "Am Markt", "Lindenallee", "Bergstraße", "Kirchplatz"];
    private static readonly string[] Cities = ["Frankfurt am Main", "Köln", "München", "Hamburg", "Berlin", "Düsseldorf", "Leipzig", "Dresden"];

    public static void Write(string path, int count, int changeEvery = 0)
    {
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 16);
        writer.NewLine = "\n";
        writer.WriteLine("kvnr;family_name;given_name;birth_date;insurance_kind;main_member_kvnr;insurance_start;insurance_end;street;house_number;postal_code;city;country;card_number;card_issued_on;deceased_on");
        var ci = CultureInfo.InvariantCulture;
        string? member = null;
        var baseDate = new DateOnly(1940, 1, 1);
        for (var i = 1; i <= count; i++)
        {
            var kvnr = Kvnr.Create((char)('A' + i % 26), i).Value;
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
            writer.Write(CardNumber.Create(newCard ? 88302 : 88301, i).Value); writer.Write(';');
            writer.Write(new DateOnly(2020, 1, 1).AddDays(i % 1500).ToString("yyyy-MM-dd", ci)); writer.Write(';');
            writer.WriteLine();
            if (!family)
            {
                member = kvnr;
            }
        }
    }
}
