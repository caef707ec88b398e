using System.Collections.Frozen;
using System.Globalization;

namespace Pforte.Core.AuthCodes;

/// <summary>
/// Rules a 4-digit code must pass (domain.md §6), named by stable rule ids that the API returns as reason codes.
/// The general rules are data: a list of codes, each tagged with the first rule that produced it, built once from
/// the families below (docs/weak-codes.md lists the families, their sources and the list's size). The
/// person-specific rules (birth date, postcode, house number, KVNR, card number, previous code) are checked
/// against the person's own data.
/// </summary>
public static class WeakCodes
{
    public const string RepeatedDigit = "repeated-digit";
    public const string Sequence = "sequence";
    public const string NearSequence = "near-sequence";
    public const string RepeatedPair = "repeated-pair";
    public const string DoubledDigits = "doubled-digits";
    public const string Mirrored = "mirrored";
    public const string KeypadLine = "keypad-line";
    public const string KeypadCornersOrCross = "keypad-corners";
    public const string KeypadStroke = "keypad-stroke";
    public const string KeypadWord = "keypad-word";
    public const string NumberSlang = "number-slang";
    public const string Year = "year";
    public const string Date = "date";
    public const string BirthDate = "birth-date";
    public const string PostalCode = "postal-code";
    public const string HouseNumber = "house-number";
    public const string KvnrDigits = "kvnr-digits";
    public const string CardDigits = "card-digits";
    public const string PreviousCode = "previous-code";

    /// <summary>Rule ids in the order they are tried; the first match names the reason.</summary>
    public static readonly IReadOnlyList<string> GeneralRules =
    [
        RepeatedDigit, Sequence, NearSequence, RepeatedPair, DoubledDigits, Mirrored, KeypadLine,
        KeypadCornersOrCross, KeypadStroke, KeypadWord, NumberSlang, Year, Date,
    ];

    // Phone keypad (ITU E.161): 1 2 3 / 4 5 6 / 7 8 9 / _ 0 _ ; positions as (row, column).
    private static readonly FrozenDictionary<char, (int Row, int Col)> Keypad = new Dictionary<char, (int, int)>
    {
        ['1'] = (0, 0), ['2'] = (0, 1), ['3'] = (0, 2),
        ['4'] = (1, 0), ['5'] = (1, 1), ['6'] = (1, 2),
        ['7'] = (2, 0), ['8'] = (2, 1), ['9'] = (2, 2),
        ['0'] = (3, 1),
    }.ToFrozenDictionary();

    /// <summary>Words people spell on the keypad (E.161 letters), English and German, plus number slang.</summary>
    private static readonly string[] KeypadWords =
    [
        "LOVE", "HOPE", "BABY", "COOL", "SEXY", "GOLD", "GOTT", "LIEB", "HERZ", "HASE", "MAUS", "GELD", "ANNA",
        "MAMA", "PAPA", "OPAS", "OMAS", "HAUS", "AUTO", "BIER", "JULI", "JUNI", "MARS", "STAR", "KING", "GIRL",
        "BOYS", "CARD", "CODE", "PASS", "WORD", "SAFE", "BANK", "HOME", "NEIN", "JAJA", "TINA", "LENA", "LARA",
        "ERIK", "JENS", "TIMO", "NICO", "PAUL", "LUKA", "LISA", "EMMA", "MAXI", "OTTO", "ADAM", "EVAS",
    ];

    /// <summary>Number slang and famous numbers: leet, 0815, 4711, emergency numbers, film and pop culture.</summary>
    private static readonly string[] Slang =
    [
        "1337", "0815", "4711", "0110", "0112", "1100", "1120", "1312", "0007", "0070", "6969", "0420", "4200",
        "0666", "1004", "1001", "0911", "0360", "0101", "1010", "2580", "5555", "0000", "1111", "8008", "5318",
        "0007", "0042", "4242", "0911", "1122", "1212", "6789", "2021", "2222", "1230", "0123", "7777",
    ];

    private static readonly FrozenDictionary<string, string> General = BuildGeneral();

    /// <summary>How many of the 10,000 codes the general list blocks.</summary>
    public static int GeneralCount => General.Count;

    public static IEnumerable<KeyValuePair<string, string>> GeneralList => General;

    /// <summary>The rule a code breaks by its shape alone, or null.</summary>
    public static string? GeneralRule(string code) => General.TryGetValue(code, out var rule) ? rule : null;

    /// <summary>
    /// The rule a code breaks for this person, or null. The previous code is not known in clear; the caller
    /// checks it against the stored keyed hash.
    /// </summary>
    public static string? PersonalRule(string code, PersonFacts person)
    {
        ArgumentNullException.ThrowIfNull(code);
        ArgumentNullException.ThrowIfNull(person);
        var birth = person.BirthDate;
        string[] birthParts =
        [
            birth.ToString("ddMM", CultureInfo.InvariantCulture),
            birth.ToString("MMdd", CultureInfo.InvariantCulture),
            birth.ToString("yyyy", CultureInfo.InvariantCulture),
            birth.ToString("yyMM", CultureInfo.InvariantCulture),
            birth.ToString("MMyy", CultureInfo.InvariantCulture),
            birth.ToString("ddyy", CultureInfo.InvariantCulture),
        ];
        if (birthParts.Contains(code, StringComparer.Ordinal))
        {
            return BirthDate;
        }
        if (Windows(DigitsOf(person.PostalCode)).Contains(code, StringComparer.Ordinal))
        {
            return PostalCode;
        }
        var house = new string(person.HouseNumber.TakeWhile(char.IsAsciiDigit).ToArray());
        if (house.Length is > 0 and <= 4 && (code == house.PadLeft(4, '0') || (house.Length == 4 && code == house) || code.StartsWith(house, StringComparison.Ordinal) && house.Length >= 3))
        {
            return HouseNumber;
        }
        if (Windows(DigitsOf(person.Kvnr)).Contains(code, StringComparer.Ordinal))
        {
            return KvnrDigits;
        }
        if (person.CardNumber is { Length: >= 10 } card && Windows(card[^10..]).Contains(code, StringComparer.Ordinal))
        {
            return CardDigits;
        }
        return null;
    }

    /// <summary>The rule a code breaks (general first, then personal), or null when it may be used.</summary>
    public static string? Check(string code, PersonFacts person) => GeneralRule(code) ?? PersonalRule(code, person);

    private static string DigitsOf(string value) => new(value.Where(char.IsAsciiDigit).ToArray());

    private static IEnumerable<string> Windows(string digits)
    {
        for (var i = 0; i + 4 <= digits.Length; i++)
        {
            yield return digits.Substring(i, 4);
        }
    }

    private static FrozenDictionary<string, string> BuildGeneral()
    {
        var list = new Dictionary<string, string>(StringComparer.Ordinal);
        void Add(string code, string rule)
        {
            if (code.Length == 4 && code.All(char.IsAsciiDigit))
            {
                list.TryAdd(code, rule);
            }
        }

        static string Code(int a, int b, int c, int d) => string.Create(4, (a, b, c, d), (span, t) =>
        {
            span[0] = (char)('0' + t.a);
            span[1] = (char)('0' + t.b);
            span[2] = (char)('0' + t.c);
            span[3] = (char)('0' + t.d);
        });

        for (var d = 0; d <= 9; d++)
        {
            Add(Code(d, d, d, d), RepeatedDigit);
        }

        // Runs up and down, also cyclic (8901, 2109) and the keyboard row 1234567890 (7890, 0987).
        for (var a = 0; a <= 9; a++)
        {
            Add(Code(a, (a + 1) % 10, (a + 2) % 10, (a + 3) % 10), Sequence);
            Add(Code(a, (a + 9) % 10, (a + 8) % 10, (a + 7) % 10), Sequence);
        }
        Add("7890", Sequence);
        Add("0987", Sequence);

        // Near-runs: a run with one step of 0 or 2 (1233, 1235, 1245, 9864), and runs in steps of 2 or 3 (1357, 2468, 0369).
        for (var a = 0; a <= 9; a++)
        {
            foreach (var sign in new[] { 1, -1 })
            {
                for (var odd = 0; odd < 3; odd++)
                {
                    foreach (var oddStep in new[] { 0, 2 })
                    {
                        var digits = new int[4];
                        digits[0] = a;
                        var valid = true;
                        for (var i = 0; i < 3; i++)
                        {
                            digits[i + 1] = digits[i] + sign * (i == odd ? oddStep : 1);
                            valid &= digits[i + 1] is >= 0 and <= 9;
                        }
                        if (valid)
                        {
                            Add(Code(digits[0], digits[1], digits[2], digits[3]), NearSequence);
                        }
                    }
                }
                foreach (var step in new[] { 2, 3 })
                {
                    var last = a + sign * 3 * step;
                    if (last is >= 0 and <= 9)
                    {
                        Add(Code(a, a + sign * step, a + sign * 2 * step, last), NearSequence);
                    }
                }
            }
        }

        for (var a = 0; a <= 9; a++)
        {
            for (var b = 0; b <= 9; b++)
            {
                Add(Code(a, b, a, b), RepeatedPair);
                Add(Code(a, a, b, b), DoubledDigits);
                Add(Code(a, b, b, a), Mirrored);
            }
        }

        // Straight lines across the keypad, both directions (2580, 1470, 3690, 1590, 3570, 0852 …), extended rows.
        foreach (var line in new[] { "1470", "2580", "3690", "1590", "3570", "7530", "9510", "1230", "4560", "7890", "1590", "3578", "7532", "1598", "3572" })
        {
            Add(line, KeypadLine);
            Add(new string(line.Reverse().ToArray()), KeypadLine);
        }

        // The four corners and the four edge middles in any order (1379, 1397, 1793 …; 2486, 2684 …).
        foreach (var set in new[] { "1379", "2468" })
        {
            foreach (var p in Permutations(set))
            {
                Add(p, KeypadCornersOrCross);
            }
        }

        // Strokes: four different keys, each next to the one before (orthogonally), with at most one turn:
        // L-shapes and bends such as 1478, 3698, 1596 (diagonal start), 2589.
        var keys = Keypad.Keys.ToArray();
        foreach (var k1 in keys)
        {
            foreach (var k2 in keys)
            {
                foreach (var k3 in keys)
                {
                    foreach (var k4 in keys)
                    {
                        var path = new[] { k1, k2, k3, k4 };
                        if (path.Distinct().Count() == 4 && IsStroke(path))
                        {
                            Add(new string(path), KeypadStroke);
                        }
                    }
                }
            }
        }
        foreach (var example in new[] { "1478", "1472", "3698", "1596", "2589", "3214", "7412", "9632", "1254", "3256" })
        {
            Add(example, KeypadStroke);
        }

        foreach (var word in KeypadWords)
        {
            Add(Spell(word), KeypadWord);
        }
        foreach (var slang in Slang)
        {
            Add(slang, NumberSlang);
        }

        for (var year = 1900; year <= 2099; year++)
        {
            Add(year.ToString(CultureInfo.InvariantCulture), Year);
        }

        // Every day of the year as DDMM and MMDD (29 February included).
        for (var day = new DateOnly(2000, 1, 1); day.Year == 2000; day = day.AddDays(1))
        {
            Add(day.ToString("ddMM", CultureInfo.InvariantCulture), Date);
            Add(day.ToString("MMdd", CultureInfo.InvariantCulture), Date);
        }

        return list.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static bool Adjacent(char a, char b)
    {
        var (r1, c1) = Keypad[a];
        var (r2, c2) = Keypad[b];
        return Math.Abs(r1 - r2) + Math.Abs(c1 - c2) == 1;
    }

    /// <summary>Orthogonal neighbours all the way, and at most one change of direction.</summary>
    private static bool IsStroke(char[] path)
    {
        for (var i = 0; i < 3; i++)
        {
            if (!Adjacent(path[i], path[i + 1]))
            {
                return false;
            }
        }
        var turns = 0;
        for (var i = 0; i < 2; i++)
        {
            var (r0, c0) = Keypad[path[i]];
            var (r1, c1) = Keypad[path[i + 1]];
            var (r2, c2) = Keypad[path[i + 2]];
            if ((r1 - r0, c1 - c0) != (r2 - r1, c2 - c1))
            {
                turns++;
            }
        }
        return turns <= 1;
    }

    private static string Spell(string word) => new(word.Select(letter => letter switch
    {
        >= 'A' and <= 'C' => '2',
        >= 'D' and <= 'F' => '3',
        >= 'G' and <= 'I' => '4',
        >= 'J' and <= 'L' => '5',
        >= 'M' and <= 'O' => '6',
        >= 'P' and <= 'S' => '7',
        >= 'T' and <= 'V' => '8',
        _ => '9',
    }).ToArray());

    private static IEnumerable<string> Permutations(string set)
    {
        if (set.Length <= 1)
        {
            yield return set;
            yield break;
        }
        for (var i = 0; i < set.Length; i++)
        {
            foreach (var rest in Permutations(set.Remove(i, 1)))
            {
                yield return set[i] + rest;
            }
        }
    }
}

/// <summary>What the personal rules look at: the person's own data, never the code.</summary>
public sealed record PersonFacts(DateOnly BirthDate, string PostalCode, string HouseNumber, string Kvnr, string? CardNumber);

/// <summary>The German (or English) words for a weak-code rule, from the error text resources.</summary>
public static class WeakCodeTexts
{
    public static string Describe(string rule, System.Globalization.CultureInfo? culture = null) =>
        Common.ErrorTexts.Template("WEAK-" + rule, culture ?? Common.ErrorTexts.German) ?? rule;
}
