using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Letters;
using Pforte.Core.Persistence;

namespace Pforte.Core.SelfService;

/// <summary>The account the Kasse pays refunds and benefits to (one per person), as the person gave it in the portal.</summary>
public sealed class BankAccount
{
    public Guid PersonId { get; set; }

    public Guid KasseId { get; set; }

    /// <summary>Electronic form, no spaces (<see cref="SelfService.Iban"/>).</summary>
    public required string Iban { get; set; }

    public required string AccountHolder { get; set; }

    public DateTimeOffset ChangedAt { get; set; }
}

public sealed record BankDetailsChanged(string MaskedIban, Guid LetterId);

/// <summary>
/// The person gives or changes the bank details (domain.md §4: only through the portal, in writing or in person; the
/// portal asks for the second factor again first). A confirmation without the account number goes by letter to the
/// registered address, so that a change the person did not make is noticed where the attacker cannot intercept it.
/// </summary>
public sealed class ChangeBankDetails(PforteDbContext db, LetterOutbox outbox, AuditLog audit, TimeProvider clock)
{
    public const int MaxHolderLength = InsuredLimits.Name * 2;

    public async Task<Result<BankDetailsChanged>> ExecuteAsync(Guid kasseId, Guid personId, string? iban, string? accountHolder, AuditContext context, CancellationToken cancellationToken = default)
    {
        if (Validate(iban, accountHolder) is [var first, ..])
        {
            return first.Error;
        }
        var clean = Iban.Parse(iban).Value;
        var holder = TextInput.Required("accountHolder", accountHolder, MaxHolderLength).Value;
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var person = await db.InsuredPersons.AsNoTracking().SingleOrDefaultAsync(p => p.KasseId == kasseId && p.Id == personId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The signed-in person does not exist in this Kasse.");
        var account = await db.Set<BankAccount>().AsTracking().SingleOrDefaultAsync(a => a.PersonId == personId, cancellationToken).ConfigureAwait(false);
        if (account is null)
        {
            account = new BankAccount { PersonId = personId, KasseId = kasseId, Iban = clean, AccountHolder = holder };
            db.Add(account);
        }
        account.Iban = clean;
        account.AccountHolder = holder;
        account.ChangedAt = clock.GetUtcNow();
        var letter = await outbox.QueueAsync(person, LetterKinds.BankDetailsChanged, context, cancellationToken: cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.BankDetailsChanged, AuditOutcome.Success, person.Id, person.Kvnr,
            Details: System.Text.Json.JsonSerializer.Serialize(new { iban = Iban.Masked(clean), letter = letter.Id })), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new BankDetailsChanged(Iban.Masked(clean), letter.Id);
    }

    /// <summary>Every refusal of the form, each naming its field (iban, accountHolder).</summary>
    public static IReadOnlyList<FieldError> Validate(string? iban, string? accountHolder)
    {
        var errors = new List<FieldError>();
        if (Iban.Parse(iban).Error is { } ibanError)
        {
            errors.Add(new FieldError("iban", ibanError));
        }
        if (string.IsNullOrWhiteSpace(accountHolder) && (accountHolder is null || TextInput.FirstForbidden(accountHolder) is null))
        {
            errors.Add(new FieldError("accountHolder", new Error(ErrorCodes.SelfAccountHolder)));
        }
        else if (TextInput.Required("accountHolder", accountHolder, MaxHolderLength).Error is not null)
        {
            errors.Add(new FieldError("accountHolder", new Error(ErrorCodes.SelfAccountHolderInvalid, MaxHolderLength)));
        }
        return errors;
    }
}
