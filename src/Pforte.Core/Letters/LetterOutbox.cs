using NpgsqlTypes;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Disclosure;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;

namespace Pforte.Core.Letters;

/// <summary>
/// Queues letters in the durable outbox, inside the caller's transaction. Code letters are queued by
/// <see cref="CodeIssuer"/>, which seals the code; nothing but the print hand-over unseals it.
/// </summary>
public sealed class LetterOutbox(PforteDbContext db, AuditLog audit, OutboundGuard guard, TimeProvider clock)
{
    /// <summary>A letter to the person's current address, or to <paramref name="address"/> (e.g. the old one).</summary>
    public static OutboxLetter NewLetter(InsuredPerson person, string kind, DateTimeOffset now, PostalAddress? address = null)
    {
        ArgumentNullException.ThrowIfNull(person);
        var to = address ?? PostalAddress.Of(person);
        return new OutboxLetter
        {
            Id = Guid.CreateVersion7(now),
            KasseId = person.KasseId,
            PersonId = person.Id,
            Kind = kind,
            Kvnr = person.Kvnr,
            FamilyName = person.FamilyName,
            GivenName = person.GivenName,
            Street = to.Street,
            HouseNumber = to.HouseNumber,
            PostalCode = to.PostalCode,
            City = to.City,
            Country = to.Country,
            QueuedAt = now,
        };
    }

    /// <param name="audited">False when the caller records the letter in its own entry (a code issue names its letter).</param>
    /// <param name="address">Where it goes when not to the person's current address (a copy of a lost letter goes where the lost one went).</param>
    public async Task<OutboxLetter> QueueAsync(InsuredPerson person, string kind, AuditContext context, Func<Guid, byte[]>? seal = null, bool audited = true, PostalAddress? address = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(person);
        if (!LetterKinds.All.Contains(kind, StringComparer.Ordinal))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown letter kind.");
        }
        EnsureLettersMayLeave(person.Id, person.Kvnr, kind);
        var letter = NewLetter(person, kind, clock.GetUtcNow(), address);
        var id = letter.Id;
        letter.SealedCode = seal?.Invoke(id);
        db.Letters.Add(letter);
        if (!audited)
        {
            return letter;
        }
        await audit.AppendAsync(person.KasseId, context, new AuditEvent(AuditAction.LetterQueued, AuditOutcome.Success, person.Id, person.Kvnr,
            Details: $"{{\"letter\":\"{id}\",\"kind\":\"{kind}\"}}"), cancellationToken).ConfigureAwait(false);
        return letter;
    }

    /// <summary>Bulk path: writes new letters (built with <see cref="NewLetter"/>) in the caller's transaction, unaudited like <c>audited: false</c>.</summary>
    internal Task WriteAsync(IReadOnlyList<OutboxLetter> letters, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(letters);
        foreach (var kind in letters.Select(l => l.Kind).Distinct(StringComparer.Ordinal))
        {
            EnsureLettersMayLeave(null, null, kind);
        }
        return InsertAsync(db, letters, cancellationToken);
    }

    /// <summary>
    /// The bulk insert itself, for writers whose letter kinds need no outbound check of their own (the import's
    /// address-change confirmations: master-data letters that carry no code).
    /// </summary>
    internal static Task InsertAsync(PforteDbContext db, IReadOnlyList<OutboxLetter> letters, CancellationToken cancellationToken) =>
        BulkInsert.WriteAsync(db, "letters", Columns, letters, cancellationToken);

    /// <summary>
    /// Letters leave the Kasse like everything else: through the outbound guard (post carries personal data; the
    /// start-up validation refuses a configuration in which it could not). The letter's own audit entry records it.
    /// </summary>
    private void EnsureLettersMayLeave(Guid? personId, string? kvnr, string kind)
    {
        if (!guard.Check(new OutboundMessage(Channels.Letter, ContainsPersonalData: true, personId, kvnr, "letter:" + kind)).TryGetValue(out _, out var refused))
        {
            throw new InvalidOperationException($"The outbound guard refuses letters: {refused.Code}.");
        }
    }

    private static readonly BulkColumn<OutboxLetter>[] Columns =
    [
        new("id", NpgsqlDbType.Uuid, l => l.Id),
        new("kasse_id", NpgsqlDbType.Uuid, l => l.KasseId),
        new("person_id", NpgsqlDbType.Uuid, l => l.PersonId),
        new("kind", NpgsqlDbType.Varchar, l => l.Kind),
        new("kvnr", NpgsqlDbType.Varchar, l => l.Kvnr),
        new("family_name", NpgsqlDbType.Varchar, l => l.FamilyName),
        new("given_name", NpgsqlDbType.Varchar, l => l.GivenName),
        new("street", NpgsqlDbType.Varchar, l => l.Street),
        new("house_number", NpgsqlDbType.Varchar, l => l.HouseNumber),
        new("postal_code", NpgsqlDbType.Varchar, l => l.PostalCode),
        new("city", NpgsqlDbType.Varchar, l => l.City),
        new("country", NpgsqlDbType.Varchar, l => l.Country),
        new("queued_at", NpgsqlDbType.TimestampTz, l => l.QueuedAt),
        new("sealed_code", NpgsqlDbType.Bytea, l => l.SealedCode),
        new("exported_at", NpgsqlDbType.TimestampTz, l => l.ExportedAt),
        new("batch_id", NpgsqlDbType.Uuid, l => l.BatchId),
        new("returned_at", NpgsqlDbType.TimestampTz, l => l.ReturnedAt),
    ];
}
