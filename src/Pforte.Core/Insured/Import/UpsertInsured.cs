using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Insured.Import;

public enum UpsertKind
{
    Created = 1,
    Updated = 2,
    Unchanged = 3,
}

public sealed record UpsertOutcome(UpsertKind Kind, InsuredPerson Person, HealthCard? CurrentCard);

/// <summary>
/// The online upsert of one person (<c>PUT /api/v1/insured/{kvnr}</c>): the same rules as the CSV import
/// (<see cref="InsuredUpsert"/>), one transaction, audited per call. Refusal: the card belongs to someone else
/// (<see cref="ErrorCodes.CardTakenByOther"/>, reported on the field card_number).
/// </summary>
public sealed class UpsertInsured(PforteDbContext db, AuditLog audit, TimeProvider clock)
{
    public async Task<Result<UpsertOutcome>> ExecuteAsync(Guid kasseId, InsuredRecord record, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(context);
        var now = clock.GetUtcNow();
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        if (record.CardNumber is not null)
        {
            var owners = await InsuredUpsert.CardOwnersAsync(db, [record.CardNumber], cancellationToken).ConfigureAwait(false);
            if (InsuredUpsert.CardConflicts(owners.GetValueOrDefault(record.CardNumber), kasseId, record.Kvnr))
            {
                return new Error(ErrorCodes.CardTakenByOther);
            }
        }
        var person = await db.InsuredPersons.AsTracking()
            .SingleOrDefaultAsync(p => p.KasseId == kasseId && p.Kvnr == record.Kvnr, cancellationToken).ConfigureAwait(false);
        if (person is null)
        {
            person = InsuredUpsert.NewPerson(kasseId, record, now);
            var card = InsuredUpsert.NewCard(person.Id, record, now);
            db.InsuredPersons.Add(person);
            if (card is not null)
            {
                db.HealthCards.Add(card);
            }
            await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.InsuredCreated, AuditOutcome.Success,
                SubjectPersonId: person.Id, SubjectKvnr: person.Kvnr, Details: card is null ? "{\"card\":false}" : "{\"card\":true}"), cancellationToken).ConfigureAwait(false);
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new UpsertOutcome(UpsertKind.Created, person, card);
        }

        var current = await db.HealthCards.AsTracking()
            .SingleOrDefaultAsync(c => c.PersonId == person.Id && c.EndedAt == null, cancellationToken).ConfigureAwait(false);
        var change = InsuredUpsert.Apply(person, current, record, now);
        if (!change.Any)
        {
            return new UpsertOutcome(UpsertKind.Unchanged, person, current);
        }
        await InsuredUpsert.SaveExistingAsync(db, audit, kasseId, context, [(person, change)], now, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new UpsertOutcome(UpsertKind.Updated, person, change.NewCard ?? current);
    }
}
