using Microsoft.EntityFrameworkCore;
using Pforte.Core.AuthCodes;
using Pforte.Core.Insured;
using Pforte.Core.Letters;
using Pforte.Core.Persistence;

namespace Pforte.Core.SelfService;

/// <summary>"Meine Daten": what the Kasse holds about the person, as the person may see it.</summary>
public sealed record MyData(
    string Kvnr,
    string GivenName,
    string FamilyName,
    DateOnly BirthDate,
    InsuranceKind InsuranceKind,
    DateOnly InsuranceStart,
    DateOnly? InsuranceEnd,
    PostalAddress Address,
    ScheduledAddressChange? ScheduledAddress,
    string? CardLastDigits,
    AuthCodeState CodeState,
    string? MaskedIban,
    string? AccountHolder,
    string? ContactEmail,
    string? PendingContactEmail);

public sealed class GetMyData(PforteDbContext db)
{
    /// <summary>The card number is shown by its last four digits only, the IBAN masked: enough to recognise, too little to misuse.</summary>
    public async Task<MyData> ExecuteAsync(Guid kasseId, Guid personId, CancellationToken cancellationToken = default)
    {
        var person = await db.InsuredPersons.AsNoTracking().SingleAsync(p => p.KasseId == kasseId && p.Id == personId, cancellationToken).ConfigureAwait(false);
        var card = await db.HealthCards.AsNoTracking().Where(c => c.PersonId == personId && c.EndedAt == null).Select(c => c.CardNumber).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        var code = await db.AuthCodes.AsNoTracking().Where(a => a.PersonId == personId).Select(a => (AuthCodeState?)a.State).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        var scheduled = await db.Set<ScheduledAddressChange>().AsNoTracking().FirstOrDefaultAsync(s => s.PersonId == personId, cancellationToken).ConfigureAwait(false);
        var bank = await db.Set<BankAccount>().AsNoTracking().FirstOrDefaultAsync(b => b.PersonId == personId, cancellationToken).ConfigureAwait(false);
        var email = await db.Set<ContactEmail>().AsNoTracking().Where(e => e.PersonId == personId).Select(e => e.Address).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        var pending = await db.Set<EmailConfirmation>().AsNoTracking().Where(e => e.PersonId == personId).Select(e => e.Address).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        return new MyData(person.Kvnr, person.GivenName, person.FamilyName, person.BirthDate, person.InsuranceKind, person.InsuranceStart, person.InsuranceEnd,
            PostalAddress.Of(person), scheduled, card?[^4..], code ?? AuthCodeState.None, bank is null ? null : Iban.Masked(bank.Iban), bank?.AccountHolder,
            email, pending);
    }
}
