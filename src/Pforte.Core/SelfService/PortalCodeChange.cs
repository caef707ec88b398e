using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Authentication;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;
using Pforte.Core.Persistence;

namespace Pforte.Core.SelfService;

/// <summary>
/// The code change of the portal (domain.md §5.4): the machine procedure's own <see cref="ChangeAuthCode"/> on the
/// portal channel, so a wrong current code counts and locks, and the source (the person's IP) is throttled exactly as
/// on the API. Signed in, KVNR and card come from the record; on the public page the person types them. The portal
/// checks the input as the API does (the same codes), and the new code against the weak-code rules — the outcome
/// names the rule so the page can explain it.
/// </summary>
public sealed class PortalCodeChange(PforteDbContext db, ChangeAuthCode change, DisclosurePolicy policy, IOptions<AuthCodeOptions> codeOptions)
{
    public int CardDigits => codeOptions.Value.CardDigitsFor(MachineChannels.Portal);

    public async Task<Result<ChangeOutcome>> ForPersonAsync(Guid kasseId, Guid clientId, Guid personId, string? code, string? newCode, string? ip, AuditContext context, CancellationToken cancellationToken = default)
    {
        if (ValidateCodes(code, newCode) is [var first, ..])
        {
            return first.Error;
        }
        if (policy.Offers(MachineChannels.Portal, AuthenticationMethods.MachineCode) is { } notOffered)
        {
            return notOffered;
        }
        var facts = await db.InsuredPersons.AsNoTracking().Where(p => p.KasseId == kasseId && p.Id == personId)
            .Select(p => new { p.Kvnr, Card = p.Cards.Where(c => c.EndedAt == null).Select(c => c.CardNumber).FirstOrDefault() })
            .SingleAsync(cancellationToken).ConfigureAwait(false);
        if (facts.Card is null)
        {
            // Without a current card there is no machine procedure (domain.md §5); the record says why, the person calls.
            return new Error(ErrorCodes.MachineAuthFailed);
        }
        return await RunAsync(kasseId, clientId, facts.Kvnr, facts.Card, code!, newCode!, ip, context, cancellationToken).ConfigureAwait(false);
    }

    public async Task<Result<ChangeOutcome>> PublicAsync(Guid kasseId, Guid clientId, string? kvnr, string? cardNumber, string? code, string? newCode, string? ip, AuditContext context, CancellationToken cancellationToken = default)
    {
        if (ValidatePublic(kvnr, cardNumber, code, newCode, CardDigits) is [var first, ..])
        {
            return first.Error;
        }
        if (policy.Offers(MachineChannels.Portal, AuthenticationMethods.MachineCode) is { } notOffered)
        {
            return notOffered;
        }
        return await RunAsync(kasseId, clientId, kvnr!, Card(cardNumber)!, code!, newCode!, ip, context, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Result<ChangeOutcome>> RunAsync(Guid kasseId, Guid clientId, string kvnr, string card, string code, string newCode, string? ip, AuditContext context, CancellationToken cancellationToken)
    {
        var request = new VerifyRequest(Kvnr.Parse(kvnr).Value, card, code, MachineChannels.Portal, null, null, ip);
        var outcome = await change.ExecuteAsync(kasseId, clientId, request, newCode, context with { Channel = MachineChannels.Portal }, cancellationToken).ConfigureAwait(false);
        return outcome.Status == ChangeStatus.Invalid ? outcome.Verification.Error! : outcome;
    }

    /// <summary>The public form's refusals, each naming its field (kvnr, card, code, newCode).</summary>
    public static IReadOnlyList<FieldError> ValidatePublic(string? kvnr, string? cardNumber, string? code, string? newCode, int cardDigits)
    {
        var errors = new List<FieldError>();
        if (Kvnr.Parse(kvnr).Error is { } kvnrError)
        {
            errors.Add(new FieldError("kvnr", kvnrError));
        }
        if (!CardFits(cardNumber, cardDigits))
        {
            errors.Add(new FieldError("card", new Error(ErrorCodes.MachineAuthCardFormat, cardDigits)));
        }
        errors.AddRange(ValidateCodes(code, newCode));
        return errors;
    }

    public static IReadOnlyList<FieldError> ValidateCodes(string? code, string? newCode)
    {
        var errors = new List<FieldError>();
        if (!IsCode(code))
        {
            errors.Add(new FieldError("code", new Error(ErrorCodes.MachineAuthCodeFormat)));
        }
        if (!IsCode(newCode))
        {
            errors.Add(new FieldError("newCode", new Error(ErrorCodes.MachineAuthNewCodeFormat)));
        }
        return errors;
    }

    /// <summary>
    /// The card number as the API takes it on this channel: the whole number (a valid eGK number) or exactly its last
    /// <paramref name="cardDigits"/> digits. Spaces between the groups printed on the card are allowed.
    /// </summary>
    public static bool CardFits(string? cardNumber, int cardDigits)
    {
        var card = Card(cardNumber);
        return card is not null && card.All(char.IsAsciiDigit)
            && (card.Length == cardDigits || card.Length == CardNumber.Length)
            && (card.Length != CardNumber.Length || CardNumber.Parse(card).IsSuccess);
    }

    /// <summary>The digits of a card number typed with or without the spaces printed on the card.</summary>
    public static string? Card(string? cardNumber) =>
        cardNumber is null || cardNumber.Length > 40 ? null : cardNumber.Replace(" ", "", StringComparison.Ordinal);

    private static bool IsCode(string? code) => code is { Length: 4 } && code.All(char.IsAsciiDigit);
}
