using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Letters;
using Pforte.Core.Persistence;

namespace Pforte.Core.SelfService;

/// <summary>Why the person asks for a new code: forgotten or lost, or "Ich glaube, jemand kennt meinen Code".</summary>
public enum CodeOrderKind
{
    /// <summary>"Neuen Code per Post anfordern": the code is forgotten or the letter lost.</summary>
    Order = 1,

    /// <summary>"Ich glaube, jemand kennt meinen Code": the code is blocked at once and a new one goes out.</summary>
    Block = 2,
}

public enum CodeOrderStatus
{
    /// <summary>A new code was drawn and its letter queued; the previous code no longer works.</summary>
    Sent = 1,

    /// <summary>A code letter the person ordered is still waiting for print: nothing new was drawn (one letter is enough).</summary>
    AlreadyOnItsWay = 2,
}

public sealed record CodeOrder(CodeOrderStatus Status, Guid LetterId);

/// <summary>
/// The person orders a new code by post, or blocks the code because someone may know it (domain.md §5.5, done by
/// the person instead of staff). Either way the code in use stops working the moment this commits and a new one goes
/// to the registered address — never anywhere else, so an attacker at the keyboard gains nothing but a letter the
/// person will notice. Limits: one ordered letter at a time (a second order while the first waits for print changes
/// nothing), and <see cref="SelfServiceOptions.CodeOrderCap"/> orders per period, beyond which staff help.
/// <para>
/// Signed in (<see cref="ForPersonAsync"/>): the person is known and gets a precise answer. Without an account
/// (<see cref="PublicAsync"/>): KVNR, card number and birth date; every outcome gets the same answer (no enumeration),
/// the true reason goes to the audit record, and a mismatch counts against the source like a failed machine attempt
/// (throttled with the machine procedure's limits, <see cref="SourceThrottle"/>).
/// </para>
/// </summary>
public sealed class OrderNewCode(PforteDbContext db, CodeIssuer issuer, SourceThrottle throttle, AuditLog audit, IOptions<SelfServiceOptions> options, IOptions<AuthCodeOptions> codeOptions, TimeProvider clock)
{
    /// <summary>Stored as the code row's reason (AuthCode.Reason) so that staff see why the code changed.</summary>
    public const string ReasonOrder = "person-order";

    public const string ReasonBlock = "person-block";

    private readonly SelfServiceOptions _options = options.Value;

    public async Task<Result<CodeOrder>> ForPersonAsync(Guid kasseId, Guid personId, CodeOrderKind kind, AuditContext context, CancellationToken cancellationToken = default)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var person = await db.InsuredPersons.AsNoTracking().SingleOrDefaultAsync(p => p.KasseId == kasseId && p.Id == personId, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The signed-in person does not exist in this Kasse.");
        var result = await OrderAsync(person, kind, context, cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>
    /// The public page. Returns an error only for malformed input (which reveals nothing about persons) or a
    /// throttled source (<see cref="ErrorCodes.MachineAuthThrottled"/>); otherwise success, whatever happened.
    /// </summary>
    public async Task<Result<bool>> PublicAsync(Guid kasseId, Guid clientId, string? kvnr, string? cardNumber, string? birthDate, string? ip, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        var errors = ValidatePublic(kvnr, cardNumber, birthDate, codeOptions.Value.CardDigitsFor(MachineChannels.Portal));
        if (errors.Count > 0)
        {
            return errors[0].Error;
        }
        if (!MachineSource.NormalizeIp(ip).TryGetValue(out var sourceIp, out var ipError))
        {
            return ipError;
        }
        var parsedKvnr = Kvnr.Parse(kvnr).Value.Value;
        var birth = ParseDate(birthDate)!.Value;
        context = context with { SourceIp = sourceIp ?? context.SourceIp, Channel = MachineChannels.Portal };
        var sources = SourceThrottle.KeysFor(kasseId, null, sourceIp, clientId);
        if (await throttle.BlockedForAsync(sources, cancellationToken).ConfigureAwait(false) is not null)
        {
            return new Error(ErrorCodes.MachineAuthThrottled);
        }

        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var person = await db.InsuredPersons.AsNoTracking().SingleOrDefaultAsync(p => p.KasseId == kasseId && p.Kvnr == parsedKvnr, cancellationToken).ConfigureAwait(false);
        var card = person is null ? null : await db.HealthCards.AsNoTracking().Where(c => c.PersonId == person.Id && c.EndedAt == null)
            .Select(c => c.CardNumber).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        var mismatch = person is null ? "unknown-kvnr"
            : card is null || !card.EndsWith(PortalCodeChange.Card(cardNumber)!, StringComparison.Ordinal) ? "wrong-card"
            : person.BirthDate != birth ? "wrong-birth-date"
            : null;
        if (mismatch is not null)
        {
            await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.CodeOrderRefused, AuditOutcome.Failure, person?.Id, parsedKvnr,
                ReasonCode: mismatch), cancellationToken).ConfigureAwait(false);
            await throttle.RecordFailuresAsync([new FailedAttemptSource(kasseId, clientId, sources, parsedKvnr, context)], cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await OrderAsync(person!, CodeOrderKind.Order, context, cancellationToken).ConfigureAwait(false);
        }
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <summary>Every refusal of the public form's input, each naming its field (kvnr, card, birthDate).</summary>
    public static IReadOnlyList<FieldError> ValidatePublic(string? kvnr, string? cardNumber, string? birthDate, int cardDigits)
    {
        var errors = new List<FieldError>();
        if (Kvnr.Parse(kvnr).Error is { } kvnrError)
        {
            errors.Add(new FieldError("kvnr", kvnrError));
        }
        if (!PortalCodeChange.CardFits(cardNumber, cardDigits))
        {
            errors.Add(new FieldError("card", new Error(ErrorCodes.MachineAuthCardFormat, cardDigits)));
        }
        if (ParseDate(birthDate) is null)
        {
            errors.Add(new FieldError("birthDate", new Error(ErrorCodes.SelfBirthDate)));
        }
        return errors;
    }

    /// <summary>A date as people write it in Germany (29.02.1984, also 1.3.1984) or as an HTML date field sends it (1984-02-29).</summary>
    public static DateOnly? ParseDate(string? value)
    {
        if (value is null || value.Length > 10)
        {
            return null;
        }
        var de = CultureInfo.GetCultureInfo("de-DE");
        return DateOnly.TryParseExact(value, ["d.M.yyyy", "dd.MM.yyyy", "yyyy-MM-dd"], de, DateTimeStyles.None, out var date) ? date : null;
    }

    private async Task<Result<CodeOrder>> OrderAsync(InsuredPerson person, CodeOrderKind kind, AuditContext context, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var action = kind == CodeOrderKind.Block ? AuditAction.CodeBlockedByPerson : AuditAction.CodeOrderedByPerson;
        var eligibility = CodeEligibility.Evaluate(person, BerlinCalendar.Today(clock));
        if (!eligibility.Eligible)
        {
            await Refused(person, context, "not-eligible", cancellationToken).ConfigureAwait(false);
            return new Error(ErrorCodes.SelfCodeNotEligible, eligibility.Explanation);
        }
        var row = await db.AuthCodes.AsTracking().SingleOrDefaultAsync(a => a.PersonId == person.Id, cancellationToken).ConfigureAwait(false);
        if (row is { State: AuthCodeState.Pending, PendingLetterId: { } pending } && row.Reason is ReasonOrder or ReasonBlock
            && await db.Letters.AsNoTracking().AnyAsync(l => l.Id == pending && l.ExportedAt == null, cancellationToken).ConfigureAwait(false))
        {
            // The letter of the last order has not gone to print: the code in it is unknown to anyone, so a second
            // letter (and a second code) would only add post. The pending code replaces the old one already.
            await audit.AppendAsync(person.KasseId, context, new AuditEvent(action, AuditOutcome.Info, person.Id, person.Kvnr,
                ReasonCode: "already-on-its-way", Details: $"{{\"letter\":\"{pending}\"}}"), cancellationToken).ConfigureAwait(false);
            return new CodeOrder(CodeOrderStatus.AlreadyOnItsWay, pending);
        }
        var since = now - _options.CodeOrderPeriod;
        var orders = await db.AuditEntries.AsNoTracking().CountAsync(e => e.KasseId == person.KasseId && e.SubjectPersonId == person.Id
            && (e.Action == AuditAction.CodeOrderedByPerson || e.Action == AuditAction.CodeBlockedByPerson) && e.Outcome == AuditOutcome.Success
            && e.OccurredAt > since, cancellationToken).ConfigureAwait(false);
        if (orders >= _options.CodeOrderCap)
        {
            await Refused(person, context, "order-cap-reached", cancellationToken).ConfigureAwait(false);
            return new Error(ErrorCodes.SelfCodeOrderCap, (int)_options.CodeOrderPeriod.TotalDays, orders);
        }
        var reason = kind == CodeOrderKind.Block ? ReasonBlock : ReasonOrder;
        var letter = await issuer.IssueAsync(person, LetterKinds.CodeReissued, reason, context,
            known: row is null ? null : new KnownForIssue(await CurrentCardAsync(person.Id, cancellationToken).ConfigureAwait(false), row),
            cancellationToken: cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(person.KasseId, context, new AuditEvent(action, AuditOutcome.Success, person.Id, person.Kvnr,
            ReasonCode: reason, Details: $"{{\"letter\":\"{letter.Id}\"}}"), cancellationToken).ConfigureAwait(false);
        return new CodeOrder(CodeOrderStatus.Sent, letter.Id);
    }

    private Task<string?> CurrentCardAsync(Guid personId, CancellationToken cancellationToken) =>
        db.HealthCards.AsNoTracking().Where(c => c.PersonId == personId && c.EndedAt == null).Select(c => c.CardNumber).FirstOrDefaultAsync(cancellationToken);

    private Task<AuditEntry> Refused(InsuredPerson person, AuditContext context, string reason, CancellationToken cancellationToken) =>
        audit.AppendAsync(person.KasseId, context, new AuditEvent(AuditAction.CodeOrderRefused, AuditOutcome.Refused, person.Id, person.Kvnr, ReasonCode: reason), cancellationToken);
}
