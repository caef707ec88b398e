using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pforte.Core.Audit;
using Pforte.Core.Authentication;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;

namespace Pforte.Core.AuthCodes;

/// <summary>The machine procedure's channels (identifiers as in the API).</summary>
public static class MachineChannels
{
    // The same identifiers as the disclosure decision's channels (issue 5, point 7).
    public const string Phone = Disclosure.Channels.Phone;
    public const string Portal = Disclosure.Channels.Portal;

    public static bool IsKnown(string? channel) => channel is Phone or Portal;
}

/// <summary>Why an attempt failed. Recorded in the audit record only; the caller always sees the same answer.</summary>
public enum VerifyFailure
{
    UnknownKvnr = 1,
    WrongCard = 2,
    OldCard = 3,
    NoCode = 4,
    CodePending = 5,
    CodeLocked = 6,
    WrongCode = 7,
    WrongCodeNowLocked = 8,
    CodeChangedMeanwhile = 9,
}

public static class VerifyFailureCodes
{
    public static string Id(VerifyFailure failure) => failure switch
    {
        VerifyFailure.UnknownKvnr => "unknown-kvnr",
        VerifyFailure.WrongCard => "wrong-card",
        VerifyFailure.OldCard => "old-card",
        VerifyFailure.NoCode => "no-code",
        VerifyFailure.CodePending => "code-pending",
        VerifyFailure.CodeLocked => "code-locked",
        VerifyFailure.WrongCode => "wrong-code",
        VerifyFailure.WrongCodeNowLocked => "wrong-code-locked",
        VerifyFailure.CodeChangedMeanwhile => "code-changed-meanwhile",
        _ => throw new ArgumentOutOfRangeException(nameof(failure)),
    };
}

/// <summary>A well-formed attempt (the API refuses malformed ones before they get here, counting nothing).</summary>
public sealed record VerifyRequest(Kvnr Kvnr, string CardNumber, string Code, string Channel, string? CallerId, string? CallId, string? Ip);

public enum VerifyStatus
{
    Verified = 1,
    Failed = 2,
    Throttled = 3,
}

public sealed record VerifyOutcome(VerifyStatus Status, PersonAuthentication? Authentication, VerifyFailure? Failure, TimeSpan? RetryAfter, Guid? PersonId)
{
    public static VerifyOutcome Verified(PersonAuthentication authentication) => new(VerifyStatus.Verified, authentication, null, null, authentication.PersonId);

    public static VerifyOutcome Failed(VerifyFailure failure, Guid? personId) => new(VerifyStatus.Failed, null, failure, null, personId);

    public static VerifyOutcome Throttled(TimeSpan retryAfter) => new(VerifyStatus.Throttled, null, null, retryAfter, null);
}

/// <summary>
/// Checks KVNR + card number + code (domain.md §5, security.md). Every failure looks the same from outside and costs
/// the same HMAC work; the true reason goes to the audit record. Only a wrong code with the right KVNR and the
/// current card counts as a failure of the account: without the card an attacker learns nothing from a guess, and
/// counting those would let anyone who knows a KVNR lock that person's code. Counting is one atomic UPDATE on the
/// person's code row, shared by every channel and process; the attempt that reaches the limit locks the code and,
/// in the same transaction, re-issues it by letter (capped) — see <see cref="CodeLockout"/>.
/// </summary>
public sealed class VerifyAuthCode(
    PforteDbContext db,
    CodeHasher hasher,
    SourceThrottle throttle,
    CodeLockout lockout,
    AuditLog audit,
    IOptions<AuthCodeOptions> options,
    AuthCodeMetrics metrics,
    TimeProvider clock)
{
    private readonly AuthCodeOptions _options = options.Value;

    /// <summary>The card digits this channel accepts: the full number or its last N digits.</summary>
    public int CardDigitsFor(string channel) => _options.CardDigits.TryGetValue(channel, out var n) ? n : CardNumber.Length;

    public async Task<VerifyOutcome> ExecuteAsync(Guid kasseId, Guid clientId, VerifyRequest request, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var sources = SourceThrottle.KeysFor(request.CallerId, request.Ip, clientId);
        if (await throttle.BlockedForAsync(sources, cancellationToken).ConfigureAwait(false) is { } wait)
        {
            metrics.Attempt("throttled");
            return VerifyOutcome.Throttled(wait);
        }

        // Reads and the HMAC happen before the write transaction: on SQLite writers queue one at a time, so the
        // transaction holds only the conditional writes, which re-check what the read saw.
        var check = await CheckAsync(kasseId, request, cancellationToken).ConfigureAwait(false);
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var outcome = await ApplyAsync(kasseId, clientId, request, check, context, cancellationToken).ConfigureAwait(false);
        if (outcome.Status == VerifyStatus.Failed)
        {
            await throttle.RecordFailureAsync(kasseId, sources, request.Kvnr.Value, context, cancellationToken).ConfigureAwait(false);
        }
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        metrics.Attempt(outcome.Status == VerifyStatus.Verified ? "verified" : "failed");
        return outcome;
    }

    /// <summary>What the read side saw: the preliminary outcome, and for a matching or wrong code the hash checked.</summary>
    internal sealed record Check(Guid? PersonId, VerifyFailure? Failure, bool Matches, byte[]? HashSeen, int KeyVersion);

    /// <summary>
    /// The read side of an attempt, outside any transaction (also the first step of <see cref="ChangeAuthCode"/>):
    /// finds person, current card and code state and computes the HMAC — in every case, against a decoy when there is
    /// nothing to compare with, so that every failure costs the same.
    /// </summary>
    internal async Task<Check> CheckAsync(Guid kasseId, VerifyRequest request, CancellationToken cancellationToken)
    {
        // A left join on the code row (its key is the person id); a FirstOrDefault sub-select here would make EF
        // number every row of auth_codes on each attempt.
        var found = await (
                from p in db.InsuredPersons.AsNoTracking()
                where p.KasseId == kasseId && p.Kvnr == request.Kvnr.Value
                join row in db.AuthCodes.AsNoTracking() on p.Id equals row.PersonId into rows
                from row in rows.DefaultIfEmpty()
                select new
                {
                    p.Id,
                    Card = p.Cards.Where(c => c.EndedAt == null).Select(c => c.CardNumber).FirstOrDefault(),
                    Code = row == null ? null : new { row.State, row.CodeHash, row.KeyVersion },
                })
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);

        var active = found?.Code is { State: AuthCodeState.Active } ? found.Code : null;
        var matches = hasher.Matches(found?.Id ?? Guid.Empty, request.Code, active?.CodeHash, active?.KeyVersion ?? 0);
        var cardOk = found?.Card is { } card && CardMatches(card, request.CardNumber);

        if (found is null)
        {
            return new Check(null, VerifyFailure.UnknownKvnr, false, null, 0);
        }
        if (!cardOk)
        {
            var old = await db.HealthCards.AsNoTracking().Where(c => c.PersonId == found.Id && c.EndedAt != null)
                .Select(c => c.CardNumber).ToListAsync(cancellationToken).ConfigureAwait(false);
            return new Check(found.Id, old.Any(c => CardMatches(c, request.CardNumber)) ? VerifyFailure.OldCard : VerifyFailure.WrongCard, false, null, 0);
        }
        return found.Code?.State switch
        {
            null or AuthCodeState.None => new Check(found.Id, VerifyFailure.NoCode, false, null, 0),
            AuthCodeState.Pending => new Check(found.Id, VerifyFailure.CodePending, false, null, 0),
            AuthCodeState.Locked => new Check(found.Id, VerifyFailure.CodeLocked, false, null, 0),
            AuthCodeState.Active => new Check(found.Id, null, matches, active!.CodeHash, active.KeyVersion),
            _ => throw new InvalidOperationException(),
        };
    }

    /// <summary>
    /// The write side, inside the caller's transaction: counts or resets with conditional updates that only hit the
    /// code the read side checked, and writes the attempt's audit entry.
    /// </summary>
    internal async Task<VerifyOutcome> ApplyAsync(Guid kasseId, Guid clientId, VerifyRequest request, Check check, AuditContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(check);
        var outcome = check switch
        {
            { Failure: { } failure } => VerifyOutcome.Failed(failure, check.PersonId),
            { Matches: false } => await CountFailureAsync(check.PersonId!.Value, check.HashSeen!, context, cancellationToken).ConfigureAwait(false),
            _ => await SucceedAsync(kasseId, clientId, check.PersonId!.Value, request, check.HashSeen!, check.KeyVersion, context, cancellationToken).ConfigureAwait(false),
        };

        await audit.AppendAsync(kasseId, context, new AuditEvent(
            outcome.Status == VerifyStatus.Verified ? AuditAction.CodeVerified : AuditAction.CodeVerificationFailed,
            outcome.Status == VerifyStatus.Verified ? AuditOutcome.Success : AuditOutcome.Failure,
            check.PersonId, request.Kvnr.Value,
            ReasonCode: outcome.Failure is { } f ? VerifyFailureCodes.Id(f) : null,
            Details: outcome.Authentication is { } a ? $"{{\"authentication\":\"{a.Id}\",\"level\":\"{a.Level}\"}}" : null), cancellationToken).ConfigureAwait(false);
        return outcome;
    }

    private async Task<VerifyOutcome> CountFailureAsync(Guid personId, byte[] hashSeen, AuditContext context, CancellationToken cancellationToken)
    {
        // One atomic increment; it holds the row lock until commit, so parallel attempts on other nodes wait and then
        // see the committed count — or, after a lock or change, a code that is no longer the one checked.
        var counted = await db.AuthCodes
            .Where(a => a.PersonId == personId && a.State == AuthCodeState.Active && a.CodeHash == hashSeen)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.Failures, a => a.Failures + 1), cancellationToken).ConfigureAwait(false);
        if (counted == 0)
        {
            return VerifyOutcome.Failed(VerifyFailure.CodeChangedMeanwhile, personId);
        }
        var failures = await db.AuthCodes.AsNoTracking().Where(a => a.PersonId == personId)
            .Select(a => a.Failures).SingleAsync(cancellationToken).ConfigureAwait(false);
        if (failures < _options.MaxFailures)
        {
            return VerifyOutcome.Failed(VerifyFailure.WrongCode, personId);
        }
        await lockout.LockAsync(personId, failures, context, cancellationToken).ConfigureAwait(false);
        return VerifyOutcome.Failed(VerifyFailure.WrongCodeNowLocked, personId);
    }

    private async Task<VerifyOutcome> SucceedAsync(Guid kasseId, Guid clientId, Guid personId, VerifyRequest request, byte[] hashSeen, int keyVersion, AuditContext context, CancellationToken cancellationToken)
    {
        // Succeeds only if the row still holds the code we checked: a lock or change committed meanwhile wins.
        var rekey = hasher.NeedsRekey(keyVersion) ? hasher.Hash(personId, request.Code) : (CodeHash?)null;
        var newHash = rekey?.Hash ?? hashSeen;
        var newVersion = rekey?.KeyVersion ?? keyVersion;
        var updated = await db.AuthCodes
            .Where(a => a.PersonId == personId && a.State == AuthCodeState.Active && a.CodeHash == hashSeen)
            .ExecuteUpdateAsync(s => s
                .SetProperty(a => a.Failures, 0)
                .SetProperty(a => a.CodeHash, newHash)
                .SetProperty(a => a.KeyVersion, newVersion), cancellationToken).ConfigureAwait(false);
        if (updated == 0)
        {
            return VerifyOutcome.Failed(VerifyFailure.CodeChangedMeanwhile, personId);
        }
        if (rekey is not null)
        {
            await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.CodeRekeyed, AuditOutcome.Success, personId, request.Kvnr.Value,
                Details: $"{{\"from_key\":{keyVersion},\"to_key\":{newVersion}}}"), cancellationToken).ConfigureAwait(false);
        }
        var now = clock.GetUtcNow();
        var authentication = new PersonAuthentication
        {
            Id = Guid.CreateVersion7(),
            KasseId = kasseId,
            PersonId = personId,
            Method = AuthenticationMethods.MachineCode,
            Level = TrustLevels.Hoch,
            Channel = request.Channel,
            ClientId = clientId,
            CreatedAt = now,
            ValidUntil = now + _options.AuthenticationValidity,
        };
        db.Authentications.Add(authentication);
        return VerifyOutcome.Verified(authentication);
    }

    private static bool CardMatches(string stored, string given) =>
        given.Length == stored.Length ? string.Equals(stored, given, StringComparison.Ordinal) : stored.EndsWith(given, StringComparison.Ordinal);
}

/// <summary>Counters for the machine procedure, on the Pforte meter (exported at /metrics).</summary>
public sealed class AuthCodeMetrics
{
    public const string MeterName = "Pforte";
    private readonly Counter<long> _attempts;

    public AuthCodeMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _attempts = meter.CreateCounter<long>("pforte.machine_auth.attempts", description: "Machine authentication attempts by outcome (verified, failed, throttled).");
        meter.CreateObservableGauge("pforte.machine_auth.failures_per_minute", () => FailuresPerMinute,
            description: "Failed machine authentication attempts in the last minute, across all server processes.");
    }

    /// <summary>Last value seen by <see cref="FailureRateMonitor"/>.</summary>
    public int FailuresPerMinute { get; set; }

    public void Attempt(string outcome) => _attempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
