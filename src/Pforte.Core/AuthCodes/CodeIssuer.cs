using Microsoft.EntityFrameworkCore;
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
        if (!LetterKinds.CarriesCode(letterKind))
        {
            throw new ArgumentOutOfRangeException(nameof(letterKind), letterKind, "Not a code letter.");
        }
        var currentCard = known is not null
            ? known.CurrentCard
            : await db.HealthCards.AsNoTracking()
                .Where(c => c.PersonId == person.Id && c.EndedAt == null).Select(c => c.CardNumber)
                .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        var code = generator.Generate(Facts(person, currentCard));
        var hash = hasher.Hash(person.Id, code);
        var letter = await outbox.QueueAsync(person, letterKind, context, seal: id => sealer.Seal(id, code), audited: false, cancellationToken: cancellationToken).ConfigureAwait(false);

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
            // The letter still on its way would print a code that no longer exists: take the code out of it.
            await db.Letters.Where(l => l.Id == previousLetter && l.ExportedAt == null)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.SealedCode, (byte[]?)null), cancellationToken).ConfigureAwait(false);
        }
        row.State = AuthCodeState.Pending;
        row.CodeHash = hash.Hash;
        row.KeyVersion = hash.KeyVersion;
        row.Failures = 0;
        row.StateSince = now;
        row.PendingLetterId = letter.Id;
        row.Reason = reason;

        await audit.AppendAsync(person.KasseId, context, new AuditEvent(AuditAction.CodeIssued, AuditOutcome.Success, person.Id, person.Kvnr,
            ReasonCode: reason, Details: $"{{\"letter\":\"{letter.Id}\",\"kind\":\"{letterKind}\",\"key_version\":{hash.KeyVersion}}}"), cancellationToken).ConfigureAwait(false);
        return letter;
    }

    public static PersonFacts Facts(InsuredPerson person, string? cardNumber)
    {
        ArgumentNullException.ThrowIfNull(person);
        return new PersonFacts(person.BirthDate, person.PostalCode, person.HouseNumber, person.Kvnr, cardNumber);
    }
}

/// <summary>For batch callers: the person's current card and their tracked code row (null when there is none).</summary>
public sealed record KnownForIssue(string? CurrentCard, AuthCode? TrackedRow);
