using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Common;
using Pforte.Core.Letters;
using Pforte.Core.Persistence;

namespace Pforte.Core.Accounts;

/// <summary>
/// "Aktivierungsbrief anfordern" and registering with its code (issue 12, ADR 0015). A request needs KVNR and the card
/// number; whatever they match, the page answers the same ("if the details are right, a letter is on its way"), so it
/// tells nobody whether a KVNR is insured here. A letter goes only to a person whom the code rules allow a code
/// (domain.md §5.1 — the same age and insurance rules), and at most one every <see cref="RequestInterval"/>, so a
/// stranger who knows KVNR and card cannot bury the person in letters. Details that do not match are failures of the
/// source (IP), throttled with the machine procedure's sources. The activation code is sealed in its letter until the
/// print hand-over, stored as a keyed hash, usable once, after the hand-over and for 60 days; five wrong codes with
/// the right KVNR and card void it.
/// </summary>
public sealed class PortalActivationLetters(
    PforteDbContext db,
    CodeHasher hasher,
    CodeSealer sealer,
    LetterOutbox outbox,
    SourceThrottle throttle,
    PortalClient portalClient,
    AuditLog audit,
    TimeProvider clock)
{
    /// <summary>A new activation letter only when the last one is older than this (or used).</summary>
    public static readonly TimeSpan RequestInterval = TimeSpan.FromDays(7);

    /// <summary>
    /// Queues an activation letter when KVNR and card fit an eligible person. Returns null for every well-formed
    /// request (the page says the same in every case); an error only for malformed input or a throttled source.
    /// </summary>
    public async Task<Error?> RequestAsync(Guid kasseId, string? kvnr, string? cardNumber, string? ip, AuditContext context, CancellationToken cancellationToken = default)
    {
        if (!Kvnr.Parse(kvnr).TryGetValue(out var parsed, out var kvnrError))
        {
            return kvnrError;
        }
        if (!CardNumber.Parse(cardNumber).IsSuccess)
        {
            return new Error(ErrorCodes.MachineAuthCardFormat, CardNumber.Length);
        }
        var clientId = await portalClient.IdForAsync(kasseId, cancellationToken).ConfigureAwait(false);
        var sources = SourceThrottle.KeysFor(kasseId, null, ip, clientId);
        if (await throttle.BlockedForAsync(sources, cancellationToken).ConfigureAwait(false) is not null)
        {
            return new Error(ErrorCodes.MachineAuthThrottled);
        }
        var now = clock.GetUtcNow();
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var person = await db.InsuredPersons.AsNoTracking().SingleOrDefaultAsync(p => p.KasseId == kasseId && p.Kvnr == parsed.Value, cancellationToken).ConfigureAwait(false);
        var cardFits = person is not null && await db.HealthCards.AnyAsync(c => c.PersonId == person.Id && c.EndedAt == null && c.CardNumber == cardNumber, cancellationToken).ConfigureAwait(false);
        if (person is null || !cardFits)
        {
            await throttle.RecordFailuresAsync([new FailedAttemptSource(kasseId, clientId, sources, parsed.Value, context)], cancellationToken).ConfigureAwait(false);
            await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.PortalActivationLetterRequested, AuditOutcome.Refused, person?.Id, parsed.Value,
                ReasonCode: person is null ? "unknown-kvnr" : "wrong-card"), cancellationToken).ConfigureAwait(false);
        }
        else if (!CodeEligibility.Evaluate(person, BerlinCalendar.Today(clock)).Eligible
            || await db.PortalAccounts.AnyAsync(a => a.PersonId == person.Id && a.CompletedAt != null, cancellationToken).ConfigureAwait(false))
        {
            await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.PortalActivationLetterRequested, AuditOutcome.Refused, person.Id, person.Kvnr,
                ReasonCode: "not-eligible-or-registered"), cancellationToken).ConfigureAwait(false);
        }
        else if (await db.PortalActivations.AnyAsync(a => a.PersonId == person.Id && a.UsedAt == null && a.CreatedAt > now - RequestInterval, cancellationToken).ConfigureAwait(false))
        {
            await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.PortalActivationLetterRequested, AuditOutcome.Refused, person.Id, person.Kvnr,
                ReasonCode: "recently-sent"), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var code = ActivationCode.New();
            var hash = hasher.Hash(person.Id, code);
            var letter = await outbox.QueueAsync(person, LetterKinds.PortalActivation, context, seal: id => sealer.Seal(id, code), audited: false, cancellationToken: cancellationToken).ConfigureAwait(false);
            db.PortalActivations.Add(new PortalActivation
            {
                Id = Guid.CreateVersion7(),
                KasseId = kasseId,
                PersonId = person.Id,
                LetterId = letter.Id,
                CodeHash = hash.Hash,
                KeyVersion = hash.KeyVersion,
                CreatedAt = now,
                ExpiresAt = now + ActivationCode.Validity,
            });
            await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.PortalActivationLetterRequested, AuditOutcome.Success, person.Id, person.Kvnr,
                Details: $"{{\"letter\":\"{letter.Id}\"}}"), cancellationToken).ConfigureAwait(false);
        }
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return null;
    }

    /// <summary>
    /// Registration step 1 with an activation code instead of the authentication code. Every failure — and an existing
    /// account — answers PF-MA-001, like the machine procedure.
    /// </summary>
    public async Task<Result<RegistrationTicket>> RedeemAsync(Guid kasseId, string? kvnr, string? cardNumber, string? activationCode, string? ip, AuditContext context, CancellationToken cancellationToken = default)
    {
        if (!Kvnr.Parse(kvnr).TryGetValue(out var parsed, out var kvnrError))
        {
            return kvnrError;
        }
        if (!CardNumber.Parse(cardNumber).IsSuccess)
        {
            return new Error(ErrorCodes.MachineAuthCardFormat, CardNumber.Length);
        }
        if (ActivationCode.Normalize(activationCode) is not { } code)
        {
            return new Error(ErrorCodes.AccountActivationCodeFormat);
        }
        var clientId = await portalClient.IdForAsync(kasseId, cancellationToken).ConfigureAwait(false);
        var sources = SourceThrottle.KeysFor(kasseId, null, ip, clientId);
        if (await throttle.BlockedForAsync(sources, cancellationToken).ConfigureAwait(false) is not null)
        {
            return new Error(ErrorCodes.MachineAuthThrottled);
        }
        var now = clock.GetUtcNow();
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var person = await db.InsuredPersons.AsNoTracking().SingleOrDefaultAsync(p => p.KasseId == kasseId && p.Kvnr == parsed.Value, cancellationToken).ConfigureAwait(false);
        var cardFits = person is not null && await db.HealthCards.AnyAsync(c => c.PersonId == person.Id && c.EndedAt == null && c.CardNumber == cardNumber, cancellationToken).ConfigureAwait(false);
        // Usable: handed over to print (the code reached the letter), not used, not expired, not voided.
        var candidates = cardFits
            ? await db.PortalActivations.Where(a => a.PersonId == person!.Id && a.UsedAt == null && a.ExpiresAt > now && a.Failures < ActivationCode.MaxFailures
                && db.Letters.Any(l => l.Id == a.LetterId && l.ExportedAt != null)).ToListAsync(cancellationToken).ConfigureAwait(false)
            : [];
        var match = candidates.FirstOrDefault(a => hasher.Matches(a.PersonId, code, a.CodeHash, a.KeyVersion));
        if (candidates.Count == 0)
        {
            hasher.Matches(Guid.Empty, code, null, 0); // the same HMAC work on every path
        }
        string? reason = null;
        if (match is null)
        {
            reason = person is null ? "unknown-kvnr" : !cardFits ? "wrong-card" : candidates.Count == 0 ? "no-activation" : "wrong-code";
            foreach (var candidate in candidates)
            {
                candidate.Failures++;
            }
            await throttle.RecordFailuresAsync([new FailedAttemptSource(kasseId, clientId, sources, parsed.Value, context)], cancellationToken).ConfigureAwait(false);
        }
        else if (await db.PortalAccounts.AnyAsync(a => a.PersonId == person!.Id && a.CompletedAt != null, cancellationToken).ConfigureAwait(false))
        {
            reason = "account-exists";
        }
        else
        {
            match.UsedAt = now;
        }
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.PortalActivationCodeUsed, reason is null ? AuditOutcome.Success : AuditOutcome.Failure,
            person?.Id, parsed.Value, ReasonCode: reason, Details: match is null ? null : $"{{\"activation\":\"{match.Id}\",\"letter\":\"{match.LetterId}\"}}"), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return reason is null ? new RegistrationTicket(kasseId, person!.Id, match!.Id) : new Error(ErrorCodes.MachineAuthFailed);
    }

    /// <summary>
    /// Voids the activation codes of letters that were lost or returned (the print hand-over's batch lost, the letter
    /// back as undeliverable): a code nobody but a stranger can read must not open an account. Inside the caller's transaction.
    /// </summary>
    internal static Task<int> VoidForLettersAsync(PforteDbContext db, IReadOnlyList<Guid> letterIds, DateTimeOffset now, CancellationToken cancellationToken) =>
        db.PortalActivations.Where(a => EF.Parameter(letterIds).Contains(a.LetterId) && a.UsedAt == null && a.ExpiresAt > now)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.ExpiresAt, now), cancellationToken);
}
