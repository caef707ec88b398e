using Microsoft.EntityFrameworkCore;
using NpgsqlTypes;
using Pforte.Core.Audit;
using Pforte.Core.Insured;
using Pforte.Core.Letters;
using Pforte.Core.Persistence;

namespace Pforte.Core.AuthCodes;

/// <summary>
/// Gives a person a new code inside the caller's transaction: draws it, stores only its keyed hash in state
/// "letter pending", and queues the letter with the code sealed. The clear code lives only in this method's frame.
/// The previous code, if any, is gone the moment this commits.
/// </summary>
public sealed class CodeIssuer(PforteDbContext db, CodeGenerator generator, CodeHasher hasher, CodeSealer sealer, LetterOutbox outbox, AuditLog audit, TimeProvider clock)
{
    /// <param name="known">
    /// What a batch caller already loaded for this person (current card; whether the code row, if any, is tracked),
    /// so that issuing for thousands of persons does not cost two queries each.
    /// </param>
    public async Task<OutboxLetter> IssueAsync(InsuredPerson person, string letterKind, string reason, AuditContext context, KnownForIssue? known = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(person);
        CheckKind(letterKind);
        var currentCard = known is not null
            ? known.CurrentCard
            : await db.HealthCards.AsNoTracking()
                .Where(c => c.PersonId == person.Id && c.EndedAt == null).Select(c => c.CardNumber)
                .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        CodeHash hash = default;
        var letter = await outbox.QueueAsync(person, letterKind, context, seal: id => Draw(person, currentCard, id, out hash), audited: false, cancellationToken: cancellationToken).ConfigureAwait(false);

        var now = clock.GetUtcNow();
        var row = known is not null
            ? known.TrackedRow
            : db.AuthCodes.Local.FirstOrDefault(a => a.PersonId == person.Id)
              ?? await db.AuthCodes.AsTracking().SingleOrDefaultAsync(a => a.PersonId == person.Id, cancellationToken).ConfigureAwait(false);
        if (row is null)
        {
            row = new AuthCode { PersonId = person.Id, KasseId = person.KasseId };
            db.AuthCodes.Add(row);
        }
        if (row.PendingLetterId is { } previousLetter && previousLetter != letter.Id)
        {
            // The letter still on its way would print a code that no longer exists: cancel it (audited).
            await LetterCancellation.CancelUnprintedAsync(db, audit, previousLetter, LetterCancellation.Superseded, context, letter.Id, cancellationToken).ConfigureAwait(false);
        }
        Pending(row, hash, letter.Id, reason, now);
        await audit.AppendAsync(person.KasseId, context, Issued(person, letter, hash, reason), cancellationToken).ConfigureAwait(false);
        return letter;
    }

    /// <summary>
    /// The roll-out's bulk path: issues codes to persons who have NO code row yet (never had a code), inside the
    /// caller's transaction, with the same rows and audit entries as <see cref="IssueAsync"/> but written with
    /// <see cref="BulkInsert"/> (three statements per person on SQLite, three COPYs per call on PostgreSQL) instead of
    /// the change tracker. A person who has a row (a deleted code, a locked one) goes through <see cref="IssueAsync"/>.
    /// </summary>
    public async Task<int> IssueToNewAsync(IReadOnlyList<(InsuredPerson Person, string? CurrentCard)> persons, string letterKind, string reason, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(persons);
        CheckKind(letterKind);
        var letters = new List<OutboxLetter>(persons.Count);
        var rows = new List<AuthCode>(persons.Count);
        var events = new List<(Guid, AuditEvent)>(persons.Count);
        foreach (var (person, currentCard) in persons)
        {
            var now = clock.GetUtcNow();
            var letter = LetterOutbox.NewLetter(person, letterKind, now);
            letter.SealedCode = Draw(person, currentCard, letter.Id, out var hash);
            letters.Add(letter);
            var row = new AuthCode { PersonId = person.Id, KasseId = person.KasseId };
            Pending(row, hash, letter.Id, reason, now);
            rows.Add(row);
            events.Add((person.KasseId, Issued(person, letter, hash, reason)));
        }
        var entries = await BulkAudit.AppendAsync(db, audit, context, events, cancellationToken).ConfigureAwait(false);
        await outbox.WriteAsync(letters, cancellationToken).ConfigureAwait(false);
        await BulkInsert.WriteAsync(db, "auth_codes", RowColumns, rows, cancellationToken).ConfigureAwait(false);
        await BulkAudit.WriteAsync(db, entries, cancellationToken).ConfigureAwait(false);
        return letters.Count;
    }

    public static PersonFacts Facts(InsuredPerson person, string? cardNumber)
    {
        ArgumentNullException.ThrowIfNull(person);
        return new PersonFacts(person.BirthDate, person.PostalCode, person.HouseNumber, person.Kvnr, cardNumber);
    }

    private static readonly BulkColumn<AuthCode>[] RowColumns =
    [
        new("person_id", NpgsqlDbType.Uuid, a => a.PersonId),
        new("kasse_id", NpgsqlDbType.Uuid, a => a.KasseId),
        new("state", NpgsqlDbType.Varchar, a => a.State.ToString()),
        new("code_hash", NpgsqlDbType.Bytea, a => a.CodeHash),
        new("key_version", NpgsqlDbType.Integer, a => a.KeyVersion),
        new("failures", NpgsqlDbType.Integer, a => a.Failures),
        new("state_since", NpgsqlDbType.TimestampTz, a => a.StateSince),
        new("pending_letter_id", NpgsqlDbType.Uuid, a => a.PendingLetterId),
        new("locked_at", NpgsqlDbType.TimestampTz, a => a.LockedAt),
        new("reason", NpgsqlDbType.Varchar, a => a.Reason),
    ];

    private static void CheckKind(string letterKind)
    {
        if (!LetterKinds.CarriesCode(letterKind))
        {
            throw new ArgumentOutOfRangeException(nameof(letterKind), letterKind, "Not a code letter.");
        }
    }

    /// <summary>Draws a code the person may get, keeps only its hash and returns it sealed into the letter.</summary>
    private byte[] Draw(InsuredPerson person, string? currentCard, Guid letterId, out CodeHash hash)
    {
        var code = generator.Generate(Facts(person, currentCard));
        hash = hasher.Hash(person.Id, code);
        return sealer.Seal(letterId, code);
    }

    private static void Pending(AuthCode row, CodeHash hash, Guid letterId, string reason, DateTimeOffset now)
    {
        row.State = AuthCodeState.Pending;
        row.CodeHash = hash.Hash;
        row.KeyVersion = hash.KeyVersion;
        row.Failures = 0;
        row.StateSince = now;
        row.PendingLetterId = letterId;
        row.Reason = reason;
    }

    private static AuditEvent Issued(InsuredPerson person, OutboxLetter letter, CodeHash hash, string reason) =>
        new(AuditAction.CodeIssued, AuditOutcome.Success, person.Id, person.Kvnr,
            ReasonCode: reason, Details: $"{{\"letter\":\"{letter.Id}\",\"kind\":\"{letter.Kind}\",\"key_version\":{hash.KeyVersion}}}");
}

/// <summary>For batch callers: the person's current card and their tracked code row (null when there is none).</summary>
public sealed record KnownForIssue(string? CurrentCard, AuthCode? TrackedRow);
