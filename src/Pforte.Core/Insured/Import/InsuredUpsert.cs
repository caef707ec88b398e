using System.Text;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Insured.Import;

/// <summary>What an upsert did to one existing person. Field NAMES only: audit entries never carry the values.</summary>
internal sealed class PersonChange
{
    public List<string> PersonFields { get; } = [];

    public List<string> AddressFields { get; } = [];

    public bool InsuranceEnded { get; set; }

    public bool DeathRecorded { get; set; }

    public HealthCard? EndedCard { get; set; }

    public HealthCard? NewCard { get; set; }

    /// <summary>The address before the change, when it changed: it gets a confirmation letter too.</summary>
    public Letters.PostalAddress? OldAddress { get; set; }

    public bool Any => PersonFields.Count > 0 || AddressFields.Count > 0 || InsuranceEnded || DeathRecorded || NewCard is not null;
}

/// <summary>Who holds a card number already: the person (by Kasse and KVNR) and whether it is their current card.</summary>
internal sealed record CardOwner(string CardNumber, Guid KasseId, string Kvnr, bool Current);

/// <summary>
/// The upsert rules shared by the CSV import and the API, so both treat a record the same way:
/// compare, apply, order the card writes, and say what the audit must record.
/// </summary>
internal static class InsuredUpsert
{
    public static InsuredPerson NewPerson(Guid kasseId, InsuredRecord r, DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        KasseId = kasseId,
        Kvnr = r.Kvnr,
        FamilyName = r.FamilyName,
        GivenName = r.GivenName,
        BirthDate = r.BirthDate,
        InsuranceKind = r.InsuranceKind,
        MainMemberKvnr = r.MainMemberKvnr,
        InsuranceStart = r.InsuranceStart,
        InsuranceEnd = r.InsuranceEnd,
        Street = r.Street,
        HouseNumber = r.HouseNumber,
        PostalCode = r.PostalCode,
        City = r.City,
        Country = r.Country,
        DeceasedOn = r.DeceasedOn,
        CreatedAt = now,
        UpdatedAt = now,
    };

    public static HealthCard? NewCard(Guid personId, InsuredRecord r, DateTimeOffset now) =>
        r.CardNumber is null ? null : new HealthCard
        {
            Id = Guid.CreateVersion7(now),
            PersonId = personId,
            CardNumber = r.CardNumber,
            IssuedOn = r.CardIssuedOn,
            RecordedAt = now,
        };

    /// <summary>
    /// Applies <paramref name="r"/> to a tracked person. An empty card_number keeps the current card: ending a
    /// card is security-relevant (it stops being a factor) and must not happen because a column was left empty.
    /// </summary>
    public static PersonChange Apply(InsuredPerson p, HealthCard? current, InsuredRecord r, DateTimeOffset now)
    {
        var change = new PersonChange();
        Set(p.FamilyName, r.FamilyName, v => p.FamilyName = v, InsuredColumns.FamilyName, change.PersonFields);
        Set(p.GivenName, r.GivenName, v => p.GivenName = v, InsuredColumns.GivenName, change.PersonFields);
        Set(p.BirthDate, r.BirthDate, v => p.BirthDate = v, InsuredColumns.BirthDate, change.PersonFields);
        Set(p.InsuranceKind, r.InsuranceKind, v => p.InsuranceKind = v, InsuredColumns.InsuranceKind, change.PersonFields);
        Set(p.MainMemberKvnr, r.MainMemberKvnr, v => p.MainMemberKvnr = v, InsuredColumns.MainMemberKvnr, change.PersonFields);
        Set(p.InsuranceStart, r.InsuranceStart, v => p.InsuranceStart = v, InsuredColumns.InsuranceStart, change.PersonFields);
        var oldAddress = Letters.PostalAddress.Of(p);
        Set(p.Street, r.Street, v => p.Street = v, InsuredColumns.Street, change.AddressFields);
        Set(p.HouseNumber, r.HouseNumber, v => p.HouseNumber = v, InsuredColumns.HouseNumber, change.AddressFields);
        Set(p.PostalCode, r.PostalCode, v => p.PostalCode = v, InsuredColumns.PostalCode, change.AddressFields);
        Set(p.City, r.City, v => p.City = v, InsuredColumns.City, change.AddressFields);
        Set(p.Country, r.Country, v => p.Country = v, InsuredColumns.Country, change.AddressFields);
        if (change.AddressFields.Count > 0)
        {
            change.OldAddress = oldAddress;
        }
        if (p.InsuranceEnd != r.InsuranceEnd)
        {
            // Setting or moving the end is the security-relevant event; removing it (re-instatement) is an ordinary update.
            if (r.InsuranceEnd is not null)
            {
                change.InsuranceEnded = true;
            }
            else
            {
                change.PersonFields.Add(InsuredColumns.InsuranceEnd);
            }
            p.InsuranceEnd = r.InsuranceEnd;
        }
        if (p.DeceasedOn != r.DeceasedOn)
        {
            if (r.DeceasedOn is not null)
            {
                change.DeathRecorded = true;
            }
            else
            {
                change.PersonFields.Add(InsuredColumns.DeceasedOn);
            }
            p.DeceasedOn = r.DeceasedOn;
        }
        if (r.CardNumber is not null)
        {
            if (current is not null && current.CardNumber == r.CardNumber)
            {
                if (current.IssuedOn != r.CardIssuedOn)
                {
                    current.IssuedOn = r.CardIssuedOn;
                    change.PersonFields.Add(InsuredColumns.CardIssuedOn);
                }
            }
            else
            {
                if (current is not null)
                {
                    current.EndedAt = now;
                    change.EndedCard = current;
                }
                change.NewCard = NewCard(p.Id, r, now);
            }
        }
        if (change.Any)
        {
            p.UpdatedAt = now;
        }
        return change;
    }

    private static void Set<T>(T current, T value, Action<T> set, string column, List<string> changed)
    {
        if (!EqualityComparer<T>.Default.Equals(current, value))
        {
            set(value);
            changed.Add(column);
        }
    }

    /// <summary>Is the card free for this person? Card numbers are unique across the installation, history included.</summary>
    public static bool CardConflicts(CardOwner? owner, Guid kasseId, string kvnr) =>
        owner is not null && (owner.KasseId != kasseId || owner.Kvnr != kvnr || !owner.Current);

    public static async Task<Dictionary<string, CardOwner>> CardOwnersAsync(PforteDbContext db, IReadOnlyCollection<string> cardNumbers, CancellationToken ct)
    {
        if (cardNumbers.Count == 0)
        {
            return [];
        }
        var owners = await (from c in db.HealthCards.AsNoTracking()
                            join p in db.InsuredPersons.AsNoTracking() on c.PersonId equals p.Id
                            where EF.Parameter(cardNumbers).Contains(c.CardNumber)
                            select new CardOwner(c.CardNumber, p.KasseId, p.Kvnr, c.EndedAt == null))
            .ToListAsync(ct).ConfigureAwait(false);
        return owners.ToDictionary(o => o.CardNumber, StringComparer.Ordinal);
    }

    /// <summary>
    /// Writes the changes of tracked existing persons, in the caller's transaction. Old cards are ended and saved
    /// BEFORE the new ones are inserted: the filtered unique index allows one current card per person at any moment.
    /// The updates go through the change tracker (only the changed columns); what a change adds — new cards,
    /// confirmation letters, audit entries — is written in bulk (a delivery changes 100,000 persons at once: through
    /// SaveChanges those 400,000 new rows cost most of its time, ADR 0002).
    /// </summary>
    public static async Task SaveExistingAsync(PforteDbContext db, AuditLog audit, Guid kasseId, AuditContext context,
        IReadOnlyList<(InsuredPerson Person, PersonChange Change)> changed, DateTimeOffset now, CancellationToken ct)
    {
        if (changed.Count == 0)
        {
            return;
        }
        // The import runs with AutoDetectChanges off (bulk speed); changes made here must be detected explicitly.
        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
        // Mail to the old address came back? The new one may be written to again: one statement for all persons of
        // the batch who moved (it was one per person — a round trip each for the 100,000 movers of a delivery).
        var moved = changed.Where(c => c.Change.OldAddress is not null).Select(c => c.Person.Id).ToList();
        if (moved.Count > 0)
        {
            await db.AuthCodes.Where(a => EF.Parameter(moved).Contains(a.PersonId) && a.State == AuthCodes.AuthCodeState.None && a.Reason == AuthCodes.AuthCodeReasons.LetterReturned)
                .ExecuteUpdateAsync(u => u.SetProperty(a => a.Reason, AuthCodes.AuthCodeReasons.AddressChanged), ct).ConfigureAwait(false);
        }
        var cards = new List<HealthCard>();
        var letters = new List<Letters.OutboxLetter>();
        var events = new List<(Guid KasseId, AuditEvent Event)>();
        foreach (var (person, change) in changed)
        {
            if (change.NewCard is not null)
            {
                cards.Add(change.NewCard);
            }
            events.AddRange(AuditEvents(person, change).Select(e => (kasseId, e)));
            if (change.OldAddress is { } oldAddress)
            {
                // domain.md §4: an address change is confirmed by letter to the new AND the old address (a known
                // attack changes the address and then receives codes and cards at the new one).
                letters.Add(Letters.LetterOutbox.NewLetter(person, Letters.LetterKinds.AddressChanged, now));
                letters.Add(Letters.LetterOutbox.NewLetter(person, Letters.LetterKinds.AddressChanged, now, oldAddress));
            }
        }
        cards.Sort((a, b) => string.CompareOrdinal(a.CardNumber, b.CardNumber));
        await InsuredBulkWriter.WriteAsync(db, [], cards, ct).ConfigureAwait(false);
        await Letters.LetterOutbox.InsertAsync(db, letters, ct).ConfigureAwait(false);
        await BulkAudit.WriteAsync(db, await BulkAudit.AppendAsync(db, audit, context, events, ct).ConfigureAwait(false), ct).ConfigureAwait(false);
        // Rare (an insurance ended, a death recorded): the revocation and its entries through the change tracker,
        // after the bulk entries, so each chain's sequence stays in order.
        foreach (var (person, change) in changed)
        {
            if (change.InsuranceEnded || change.DeathRecorded)
            {
                await AuthCodes.CodeRevocation.RevokeIfIneligibleAsync(db, audit, person, now, context, ct).ConfigureAwait(false);
            }
        }
        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(ct).ConfigureAwait(false);
    }

    public static IEnumerable<AuditEvent> AuditEvents(InsuredPerson p, PersonChange c)
    {
        if (c.NewCard is not null)
        {
            yield return Event(AuditAction.CardRecorded, p, c.EndedCard is null ? "{\"previous_card_ended\":false}" : "{\"previous_card_ended\":true}");
        }
        if (c.AddressFields.Count > 0)
        {
            yield return Event(AuditAction.AddressChanged, p, FieldsJson(c.AddressFields));
        }
        if (c.InsuranceEnded)
        {
            yield return Event(AuditAction.InsuranceEnded, p, null);
        }
        if (c.DeathRecorded)
        {
            yield return Event(AuditAction.DeathRecorded, p, null);
        }
        if (c.PersonFields.Count > 0)
        {
            yield return Event(AuditAction.InsuredUpdated, p, FieldsJson(c.PersonFields));
        }
    }

    private static AuditEvent Event(AuditAction action, InsuredPerson p, string? details) =>
        new(action, AuditOutcome.Success, SubjectPersonId: p.Id, SubjectKvnr: p.Kvnr, Details: details);

    /// <summary>Column names are fixed ASCII identifiers, so no JSON escaping is needed.</summary>
    private static string FieldsJson(List<string> fields)
    {
        var sb = new StringBuilder("{\"fields\":[");
        for (var i = 0; i < fields.Count; i++)
        {
            sb.Append(i == 0 ? "\"" : ",\"").Append(fields[i]).Append('"');
        }
        return sb.Append("]}").ToString();
    }
}
