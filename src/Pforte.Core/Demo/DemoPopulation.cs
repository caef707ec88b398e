using System.Buffers.Binary;
using System.Globalization;
using Pforte.Core.Common;
using Pforte.Core.Insured;

namespace Pforte.Core.Demo;

/// <summary>One generated person with the representatives that act for them.</summary>
public sealed record DemoPerson(InsuredPerson Person, IReadOnlyList<HealthCard> Cards, IReadOnlyList<Representative> Representatives);

/// <summary>
/// Synthetic, reproducible insured persons for demos. The same seed and day always give the same sequence, and
/// person number i always has the same KVNR, card and id; so seeding can be topped up later by skipping what
/// exists. Households come first with the cases a demo needs (age limits 14/15/17/18 on today's date, children
/// of every age, representatives, ended insurance, a death), then random households.
/// </summary>
public sealed class DemoPopulation
{
    /// <summary>Test cards: issuer numbers 883xx are reserved for test cards (domain.md §3).</summary>
    public const int CardIssuer = 88390;

    private const int Seed = 20_260_402;

    private static readonly string[] FamilyNames =
    [
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
        "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
        "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Schmitz", "Krause", "Meier",
        "Lehmann", "Schmid", "Schulze", "Maier", "Köhler", "Herrmann", "König", "Walter", "Mayer", "Huber",
        "Kaiser", "Fuchs", "Peters", "Lang", "Scholz", "Möller", "Weiß", "Jung", "Hahn", "Schubert",
        "Vogel", "Friedrich", "Keller", "Günther", "Frank", "Berger", "Winkler", "Roth", "Beck", "Lorenz",
        "Baumann", "Franke", "Albrecht", "Schuster", "Simon", "Ludwig", "Böhm", "Winter", "Kraus", "Martin",
        "Schumacher", "Krämer", "Vogt", "Stein", "Jäger", "Otto", "Sommer", "Groß", "Seidel", "Heinrich",
        "Brandt", "Haas", "Schreiber", "Graf", "Schulte", "Dietrich", "Ziegler", "Kuhn", "Kühn", "Pohl",
        "Engel", "Horn", "Busch", "Bergmann", "Thomas", "Voigt", "Sauer", "Arnold", "Wolff", "Pfeiffer",
        "Strauß", "Gärtner", "Löffler", "Nüßlein", "Bäcker", "Rößler", "Größer", "Dörfler", "Täuber", "Öztürk",
        "Yılmaz", "Kowalski", "Nowak", "Papadopoulos", "Rossi", "Ünal", "Weißenbörn", "Süß", "Blöß", "Fußmann",
    ];

    private static readonly string[] FemaleNames =
    [
        "Anna", "Maria", "Sophie", "Marie", "Lena", "Hannah", "Emma", "Mia", "Lea", "Laura", "Julia", "Sarah",
        "Katharina", "Johanna", "Charlotte", "Greta", "Frieda", "Ida", "Anne-Kathrin", "Käthe", "Lotte", "Ursula",
        "Brigitte", "Renate", "Monika", "Sabine", "Petra", "Andrea", "Claudia", "Susanne", "Birgit", "Jördis",
        "Zoë", "Chloé", "Ayşe", "Elif", "Ilse", "Gisela", "Hildegard", "Dörte", "Bärbel", "Änne",
    ];

    private static readonly string[] MaleNames =
    [
        "Jürgen", "Jörg", "Uwe", "Günter", "Klaus", "Hans", "Peter", "Michael", "Thomas", "Andreas", "Stefan",
        "Frank", "Markus", "Christian", "Alexander", "Maximilian", "Paul", "Leon", "Lukas", "Felix", "Jonas",
        "Ben", "Noah", "Elias", "Finn", "Emil", "Anton", "Theo", "Matthäus", "Björn", "Sören", "Malte",
        "Hauke", "Götz", "Jan-Ole", "René", "Zoltán", "Mehmet", "Can", "Wolfgang", "Dieter", "Horst",
    ];

    private static readonly string[] Streets =
    [
        "Hauptstraße", "Schulstraße", "Gartenstraße", "Bahnhofstraße", "Dorfstraße", "Bergstraße", "Birkenweg",
        "Lindenstraße", "Kirchstraße", "Waldstraße", "Ringstraße", "Schillerstraße", "Goethestraße", "Mühlenweg",
        "Am Mühlbach", "Jahnstraße", "Rosenstraße", "Friedrich-Ebert-Straße", "Königsallee", "Schloßstraße",
        "Grüner Weg", "Brückenstraße", "Am Sportplatz", "Talstraße", "Feldstraße", "Mozartstraße", "Blumenstraße",
        "Kastanienallee", "Fröbelstraße", "Lößnitzgrund", "Große Bäckerstraße", "Weißdornweg", "Straße des 17. Juni",
        "Ährenfeld", "Hölderlinstraße", "Ölmühle", "Übelgönne", "An der Fußgängerbrücke", "Rüdesheimer Platz",
    ];

    private static readonly (string PostalCode, string City)[] Places =
    [
        ("10115", "Berlin"), ("10969", "Berlin"), ("20095", "Hamburg"), ("22765", "Hamburg"), ("80331", "München"),
        ("81675", "München"), ("50667", "Köln"), ("60311", "Frankfurt am Main"), ("60594", "Frankfurt am Main"),
        ("70173", "Stuttgart"), ("40213", "Düsseldorf"), ("04109", "Leipzig"), ("01067", "Dresden"),
        ("30159", "Hannover"), ("90402", "Nürnberg"), ("28195", "Bremen"), ("44135", "Dortmund"), ("45127", "Essen"),
        ("97070", "Würzburg"), ("79098", "Freiburg im Breisgau"), ("48143", "Münster"), ("53111", "Bonn"),
        ("65183", "Wiesbaden"), ("55116", "Mainz"), ("66111", "Saarbrücken"), ("24103", "Kiel"), ("18055", "Rostock"),
        ("99084", "Erfurt"), ("39104", "Magdeburg"), ("14467", "Potsdam"), ("19053", "Schwerin"),
        ("06108", "Halle (Saale)"), ("37073", "Göttingen"), ("35390", "Gießen"), ("63065", "Offenbach am Main"),
        ("91054", "Erlangen"), ("86150", "Augsburg"), ("93047", "Regensburg"), ("88045", "Friedrichshafen"),
        ("82467", "Garmisch-Partenkirchen"), ("96047", "Bamberg"), ("07743", "Jena"), ("34117", "Kassel"),
        ("33602", "Bielefeld"), ("26122", "Oldenburg (Oldb)"), ("23552", "Lübeck"), ("17489", "Greifswald"),
        ("03046", "Cottbus"), ("09111", "Chemnitz"), ("68159", "Mannheim"), ("69117", "Heidelberg"),
        ("76133", "Karlsruhe"), ("89073", "Ulm"), ("72070", "Tübingen"), ("78462", "Konstanz"), ("94032", "Passau"),
        ("87435", "Kempten (Allgäu)"), ("36037", "Fulda"), ("52062", "Aachen"), ("35037", "Marburg"),
    ];

    private readonly Guid _kasseId;
    private readonly DateOnly _today;
    private readonly DateTimeOffset _now;
    private readonly Random _random = new(Seed);
    private int _next;

    public DemoPopulation(Guid kasseId, DateOnly today, DateTimeOffset now)
    {
        _kasseId = kasseId;
        _today = today;
        _now = now;
    }

    /// <summary>The deterministic id of person number <paramref name="index"/> (so later runs can refer to earlier ones).</summary>
    public static Guid PersonId(int index)
    {
        Span<byte> bytes = stackalloc byte[16];
        // Fixed "demo" prefix, version/variant bits of a v8 (custom) UUID, then the index.
        BinaryPrimitives.WriteUInt64BigEndian(bytes, 0x64656D6F_00008000UL);
        BinaryPrimitives.WriteUInt64BigEndian(bytes[8..], 0x8000000000000000UL | (uint)index);
        return new Guid(bytes, bigEndian: true);
    }

    /// <summary>Persons in order; stops after <paramref name="count"/>.</summary>
    public IEnumerable<DemoPerson> Generate(int count)
    {
        var produced = 0;
        foreach (var household in FixedHouseholds().Concat(RandomHouseholds()))
        {
            foreach (var person in household)
            {
                if (produced == count)
                {
                    yield break;
                }
                produced++;
                yield return person;
            }
        }
    }

    private IEnumerable<IEnumerable<DemoPerson>> FixedHouseholds()
    {
        // Children of every age 0–17, three per family; 14, 15 and 17 have their birthday today.
        for (var family = 0; family < 6; family++)
        {
            yield return Family(childAges: [family, family + 6, family + 12], exactBirthdayToday: [14, 15, 17]);
        }
        // Young adults: one turns 18 today (family-insured student), one turns 18 tomorrow, one is 22.
        yield return Family(childAges: [18, 22], exactBirthdayToday: [18], turnsTomorrow: 17);
        // The age limits for members: exactly 15 and 18 today (apprentices), and 14 turning 15 tomorrow.
        yield return [Single(BirthdayToday(15), "Azubi")];
        yield return [Single(BirthdayToday(18), "Azubi")];
        yield return [Single(BirthdayToday(14), "Schülerjob")];
        yield return [Single(_today.AddDays(1).AddYears(-15), "Schülerjob")];
        yield return [Single(BirthdayToday(17), "Azubi")];
        yield return WithBetreuer();
        yield return WithBevollmaechtigte();
        yield return [Deceased()];
        yield return [EndedInsurance()];
        yield return [Single(new DateOnly(1984, 2, 29), "Schaltjahr")];
    }

    private IEnumerable<IEnumerable<DemoPerson>> RandomHouseholds()
    {
        while (true)
        {
            var roll = _random.Next(100);
            if (roll < 40)
            {
                yield return [Single(RandomBirthDate(18, 90), null)];
            }
            else if (roll < 55)
            {
                yield return Family(childAges: [], exactBirthdayToday: []);
            }
            else if (roll < 90)
            {
                var children = _random.Next(1, 5);
                var ages = Enumerable.Range(0, children).Select(_ => _random.Next(0, 25)).ToArray();
                yield return Family(ages, exactBirthdayToday: []);
            }
            else if (roll < 94)
            {
                yield return [EndedInsurance()];
            }
            else if (roll < 96)
            {
                yield return WithBetreuer();
            }
            else if (roll < 98)
            {
                yield return WithBevollmaechtigte();
            }
            else if (roll < 99)
            {
                yield return [Deceased()];
            }
            else
            {
                yield return [Single(RandomBirthDate(15, 17), "Azubi")];
            }
        }
    }

    private DateOnly BirthdayToday(int years) => _today.AddYears(-years);

    private DateOnly RandomBirthDate(int minAge, int maxAge)
    {
        // Latest birth date for minAge, earliest for maxAge, a random day in between.
        var latest = _today.AddYears(-minAge);
        var earliest = _today.AddYears(-maxAge - 1).AddDays(1);
        var span = latest.DayNumber - earliest.DayNumber;
        return DateOnly.FromDayNumber(earliest.DayNumber + _random.Next(span + 1));
    }

    private IEnumerable<DemoPerson> Family(int[] childAges, int[] exactBirthdayToday, int? turnsTomorrow = null)
    {
        var familyName = Pick(FamilyNames);
        var (street, house, postal, city) = Address();
        var oldestChild = childAges.Length == 0 ? 0 : childAges.Max();
        var memberBirth = RandomBirthDate(Math.Max(oldestChild + 20, 22), Math.Max(oldestChild + 40, 55));
        var memberIsFemale = _random.Next(2) == 0;
        var member = NewPerson(familyName, memberIsFemale ? Pick(FemaleNames) : Pick(MaleNames), memberBirth, InsuranceKind.Member, null, (street, house, postal, city));
        yield return Wrap(member);
        var spouse = NewPerson(familyName, memberIsFemale ? Pick(MaleNames) : Pick(FemaleNames),
            RandomBirthDate(Math.Max(oldestChild + 20, 22), Math.Max(oldestChild + 40, 55)), InsuranceKind.Family, member.Kvnr, (street, house, postal, city));
        yield return Wrap(spouse);
        foreach (var age in childAges)
        {
            var birth = exactBirthdayToday.Contains(age) ? BirthdayToday(age) : RandomBirthDate(age, age);
            var child = NewPerson(familyName, _random.Next(2) == 0 ? Pick(FemaleNames) : Pick(MaleNames), birth, InsuranceKind.Family, member.Kvnr, (street, house, postal, city));
            yield return Wrap(child, ParentsFor(child, member, spouse));
        }
        if (turnsTomorrow is int years)
        {
            var birth = _today.AddDays(1).AddYears(-(years + 1));
            var child = NewPerson(familyName, Pick(FemaleNames), birth, InsuranceKind.Family, member.Kvnr, (street, house, postal, city));
            yield return Wrap(child, ParentsFor(child, member, spouse));
        }
    }

    private Representative[] ParentsFor(InsuredPerson child, InsuredPerson member, InsuredPerson spouse)
    {
        var adult = child.BirthDate.AddYears(18);
        if (adult <= _today)
        {
            return [];
        }
        return
        [
            Representation(child, RepresentativeKind.GesetzlicherVertreter, member, Representative.AllRequestKinds, child.BirthDate, adult.AddDays(-1), "Geburtsurkunde " + child.BirthDate.Year.ToString(CultureInfo.InvariantCulture), false),
            Representation(child, RepresentativeKind.GesetzlicherVertreter, spouse, Representative.AllRequestKinds, child.BirthDate, adult.AddDays(-1), "Geburtsurkunde " + child.BirthDate.Year.ToString(CultureInfo.InvariantCulture), false),
        ];
    }

    private DemoPerson Single(DateOnly birth, string? note)
    {
        _ = note;
        var person = NewPerson(Pick(FamilyNames), _random.Next(2) == 0 ? Pick(FemaleNames) : Pick(MaleNames), birth, InsuranceKind.Member, null, Address());
        return Wrap(person);
    }

    /// <summary>An elderly person with a court-appointed Betreuer (not insured here) and Einwilligungsvorbehalt.</summary>
    private DemoPerson[] WithBetreuer()
    {
        var person = NewPerson(Pick(FamilyNames), Pick(FemaleNames), RandomBirthDate(75, 95), InsuranceKind.Member, null, Address());
        var betreuer = new Representative
        {
            Id = Guid.CreateVersion7(),
            KasseId = _kasseId,
            RepresentedPersonId = person.Id,
            Kind = RepresentativeKind.Betreuer,
            FamilyName = Pick(FamilyNames),
            GivenName = Pick(MaleNames),
            BirthDate = RandomBirthDate(35, 65),
            Scope = Representative.AllRequestKinds,
            ValidFrom = _today.AddDays(-_random.Next(30, 2000)),
            ValidTo = null,
            ProofReference = string.Create(CultureInfo.InvariantCulture, $"Betreuerausweis AG {Pick(Places).City} {_random.Next(1, 99)} XVII {_random.Next(100, 999)}/{_today.Year % 100:D2}"),
            Einwilligungsvorbehalt = true,
            CreatedAt = _now,
        };
        return [Wrap(person, [betreuer])];
    }

    /// <summary>A daughter (insured here too) holds a limited Vollmacht with an end date for her parent.</summary>
    private DemoPerson[] WithBevollmaechtigte()
    {
        var familyName = Pick(FamilyNames);
        var daughter = NewPerson(familyName, Pick(FemaleNames), RandomBirthDate(40, 60), InsuranceKind.Member, null, Address());
        var parent = NewPerson(familyName, Pick(MaleNames), RandomBirthDate(75, 92), InsuranceKind.Member, null, Address());
        var vollmacht = Representation(parent, RepresentativeKind.Bevollmaechtigter, daughter, "insurance-status,address-change,documents",
            _today.AddDays(-_random.Next(30, 700)), _today.AddDays(_random.Next(30, 700)),
            string.Create(CultureInfo.InvariantCulture, $"Vollmacht vom {_today.AddDays(-_random.Next(30, 700)):dd.MM.yyyy}"), false);
        return [Wrap(daughter), Wrap(parent, [vollmacht])];
    }

    private DemoPerson Deceased()
    {
        var person = NewPerson(Pick(FamilyNames), Pick(MaleNames), RandomBirthDate(70, 95), InsuranceKind.Member, null, Address());
        var died = _today.AddDays(-_random.Next(10, 700));
        person.DeceasedOn = died;
        person.InsuranceEnd = died;
        return Wrap(person, [], cardEnded: true);
    }

    private DemoPerson EndedInsurance()
    {
        var person = NewPerson(Pick(FamilyNames), Pick(FemaleNames), RandomBirthDate(25, 70), InsuranceKind.Member, null, Address());
        person.InsuranceEnd = _today.AddDays(-_random.Next(1, 1500));
        if (person.InsuranceEnd < person.InsuranceStart)
        {
            person.InsuranceEnd = person.InsuranceStart;
        }
        return Wrap(person, [], cardEnded: true);
    }

    private Representative Representation(InsuredPerson represented, RepresentativeKind kind, InsuredPerson by, string scope, DateOnly from, DateOnly? to, string proof, bool einwilligungsvorbehalt) => new()
    {
        Id = Guid.CreateVersion7(),
        KasseId = _kasseId,
        RepresentedPersonId = represented.Id,
        Kind = kind,
        RepresentativePersonId = by.Id,
        FamilyName = by.FamilyName,
        GivenName = by.GivenName,
        BirthDate = by.BirthDate,
        Scope = scope,
        ValidFrom = from,
        ValidTo = to,
        ProofReference = proof,
        Einwilligungsvorbehalt = einwilligungsvorbehalt,
        CreatedAt = _now,
    };

    private InsuredPerson NewPerson(string familyName, string givenName, DateOnly birth, InsuranceKind kind, string? mainMember, (string Street, string House, string Postal, string City) address)
    {
        var index = _next++;
        // Insurance began at birth for those born after 1995, else on a day since 1995 (when the demo Kasse opened).
        var earliest = new DateOnly(1995, 1, 1);
        var start = birth > earliest ? birth : DateOnly.FromDayNumber(earliest.DayNumber + _random.Next(Math.Max(1, _today.DayNumber - earliest.DayNumber - 30)));
        return new InsuredPerson
        {
            Id = PersonId(index),
            KasseId = _kasseId,
            Kvnr = KvnrFor(index, familyName),
            FamilyName = familyName,
            GivenName = givenName,
            BirthDate = birth,
            InsuranceKind = kind,
            MainMemberKvnr = mainMember,
            InsuranceStart = start,
            Street = address.Street,
            HouseNumber = address.House,
            PostalCode = address.Postal,
            City = address.City,
            Country = "DE",
            CreatedAt = _now,
            UpdatedAt = _now,
        };
    }

    /// <summary>The letter follows the family name's initial (as real KVNRs often do); the digits are the running number, so KVNRs never collide.</summary>
    public static string KvnrFor(int index, string familyName)
    {
        ArgumentNullException.ThrowIfNull(familyName);
        var initial = familyName.Normalize(System.Text.NormalizationForm.FormD)[0];
        var letter = char.ToUpperInvariant(initial) is >= 'A' and <= 'Z' ? char.ToUpperInvariant(initial) : 'X';
        return Kvnr.Create(letter, 10_000_000 + index).Value;
    }

    private DemoPerson Wrap(InsuredPerson person, Representative[]? representatives = null, bool cardEnded = false)
    {
        var index = (int)(BinaryPrimitives.ReadUInt64BigEndian(person.Id.ToByteArray(bigEndian: true).AsSpan(8)) & 0xFFFFFFFF);
        var cards = new List<HealthCard>(2);
        // Every 10th person has had a previous card, so the card history is not empty in demos.
        if (index % 10 == 3)
        {
            cards.Add(new HealthCard
            {
                Id = Guid.CreateVersion7(),
                PersonId = person.Id,
                CardNumber = CardNumber.Create(CardIssuer, 5_000_000_000L + index).Value,
                IssuedOn = person.InsuranceStart,
                RecordedAt = _now,
                EndedAt = _now,
            });
        }
        cards.Add(new HealthCard
        {
            Id = Guid.CreateVersion7(),
            PersonId = person.Id,
            CardNumber = CardNumber.Create(CardIssuer, 1_000_000_000L + index).Value,
            IssuedOn = _today.AddDays(-_random.Next(1, 1800)) is var issued && issued > person.BirthDate ? issued : person.BirthDate,
            RecordedAt = _now,
            EndedAt = cardEnded ? _now : null,
        });
        return new DemoPerson(person, cards, representatives ?? []);
    }

    private (string Street, string House, string Postal, string City) Address()
    {
        var (postal, city) = Pick(Places);
        var house = _random.Next(1, 180).ToString(CultureInfo.InvariantCulture) + (_random.Next(8) == 0 ? "a" : "");
        return (Pick(Streets), house, postal, city);
    }

    private T Pick<T>(T[] items) => items[_random.Next(items.Length)];
}
