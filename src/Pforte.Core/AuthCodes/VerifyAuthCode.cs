using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
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

    /// <summary>Refused before anything was counted: the request breaks the input rules (<see cref="VerifyOutcome.Error"/>).</summary>
    Invalid = 4,
}

public sealed record VerifyOutcome(VerifyStatus Status, PersonAuthentication? Authentication, VerifyFailure? Failure, TimeSpan? RetryAfter, Guid? PersonId)
{
    public static VerifyOutcome Verified(PersonAuthentication authentication) => new(VerifyStatus.Verified, authentication, null, null, authentication.PersonId);

    public static VerifyOutcome Failed(VerifyFailure failure, Guid? personId) => new(VerifyStatus.Failed, null, failure, null, personId);

    public static VerifyOutcome Throttled(TimeSpan retryAfter) => new(VerifyStatus.Throttled, null, null, retryAfter, null);

    public static VerifyOutcome Invalid(Error error) => new(VerifyStatus.Invalid, null, null, null, null) { Error = error };

    /// <summary>Why an <see cref="VerifyStatus.Invalid"/> request was refused (a 400 naming the field).</summary>
    public Error? Error { get; init; }
}

/// <summary>An attempt as it reaches the batch: whose client sent it, and the audit context of its request.</summary>
public sealed record VerifyAttempt(Guid KasseId, Guid ClientId, VerifyRequest Request, AuditContext Context)
{
    public IReadOnlyList<string> Sources { get; } = SourceThrottle.KeysFor(KasseId, Request.CallerId, Request.Ip, ClientId);

    /// <summary>Work that commits with this attempt in the batch's transaction (the phone dialogue's call), or null.</summary>
    internal AttemptBinding? Binding { get; init; }
}

/// <summary>
/// Checks KVNR + card number + code (domain.md §5, security.md). Every failure looks the same from outside and costs
/// the same HMAC work; the true reason goes to the audit record. Only a wrong code with the right KVNR and the
/// current card counts as a failure of the account: without the card an attacker learns nothing from a guess, and
/// counting those would let anyone who knows a KVNR lock that person's code.
/// <para>
/// Attempts are checked in batches (<see cref="VerificationQueue"/>, docs/decisions/0007-group-commit.md): one write
/// transaction reads the persons, locks their code rows (PostgreSQL: <c>FOR UPDATE</c> in key order; SQLite: the
/// write lock), applies every attempt in arrival order to the locked rows — so two attempts on one account in one
/// batch count one after the other, exactly as in two transactions — and commits the counts, the authentications and
/// one audit entry per attempt together. The attempt that reaches the limit locks the code and, in the same
/// transaction, re-issues it by letter (capped) — see <see cref="CodeLockout"/>.
/// </para>
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

    /// <summary>Code rows (or ids that match none) that failed attempts of the last <see cref="ApplyAsync"/> did not change.</summary>
    private readonly List<Guid> _touches = [];

    /// <summary>One attempt in a transaction of its own (the queue batches them; this is a batch of one).</summary>
    public async Task<VerifyOutcome> ExecuteAsync(Guid kasseId, Guid clientId, VerifyRequest request, AuditContext context, CancellationToken cancellationToken = default) =>
        (await ExecuteAsync([new VerifyAttempt(kasseId, clientId, request, context)], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>A batch of attempts: throttled sources are answered at once, the rest in one write transaction.</summary>
    public async Task<IReadOnlyList<VerifyOutcome>> ExecuteAsync(IReadOnlyList<VerifyAttempt> attempts, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(attempts);
        var outcomes = new VerifyOutcome[attempts.Count];
        var valid = new VerifyAttempt?[attempts.Count];
        for (var i = 0; i < attempts.Count; i++)
        {
            if (MachineSource.Normalize(attempts[i]).TryGetValue(out var attempt, out var error))
            {
                valid[i] = attempt;
            }
            else
            {
                outcomes[i] = VerifyOutcome.Invalid(error);
            }
        }
        var blocks = await throttle.BlocksAsync(valid.OfType<VerifyAttempt>().SelectMany(a => a.Sources), cancellationToken).ConfigureAwait(false);
        var admitted = new List<int>(attempts.Count);
        for (var i = 0; i < attempts.Count; i++)
        {
            if (valid[i] is not { } attempt)
            {
                continue;
            }
            if (throttle.BlockedFor(attempt.Sources, blocks) is { } wait)
            {
                outcomes[i] = VerifyOutcome.Throttled(wait);
            }
            else
            {
                admitted.Add(i);
            }
        }
        if (admitted.Count > 0)
        {
            // The batch is all or nothing (a failed batch is re-run in a fresh scope): no savepoint around SaveChanges.
            db.Database.AutoSavepointsEnabled = false;
            await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            await ClaimBindingsAsync(valid, admitted, outcomes, cancellationToken).ConfigureAwait(false);
            var batch = admitted.ConvertAll(i => valid[i]!);
            var applied = await ApplyAsync(batch, cancellationToken).ConfigureAwait(false);
            for (var j = 0; j < batch.Count; j++)
            {
                if (batch[j].Binding is { } binding)
                {
                    await binding.CompleteAsync(db, audit, applied[j], cancellationToken).ConfigureAwait(false);
                }
            }
            // PostgreSQL: the last writes — failures, audit entries, authentications, counters, chain heads — in one
            // round trip (SQLite writes them at once; it has no round trips to save).
            await using var writes = WriteBatch.For(db);
            await TouchAsync(writes, cancellationToken).ConfigureAwait(false);
            await throttle.RecordFailuresAsync(
                [.. batch.Where((_, j) => applied[j].Status == VerifyStatus.Failed).Select(a => new FailedAttemptSource(a.KasseId, a.ClientId, a.Sources, a.Request.Kvnr.Value, a.Context))],
                writes, cancellationToken).ConfigureAwait(false);
            await db.FlushAddedAsync<AuditEntry>(writes, cancellationToken).ConfigureAwait(false);
            await db.FlushAddedAsync<PersonAuthentication>(writes, cancellationToken).ConfigureAwait(false);
            await db.FlushModifiedLockedAsync<AuthCode>(writes, cancellationToken).ConfigureAwait(false);
            foreach (var binding in batch.Select(a => a.Binding).OfType<AttemptBinding>())
            {
                await binding.WriteAsync(db, writes, cancellationToken).ConfigureAwait(false);
            }
            await db.FlushModifiedLockedAsync<Ivr.IvrCall>(writes, cancellationToken).ConfigureAwait(false);
            await audit.FlushHeadsAsync(writes, cancellationToken).ConfigureAwait(false);
            if (writes is not null)
            {
                await writes.ExecuteAsync(cancellationToken).ConfigureAwait(false);
            }
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false); // what else changed (a lock, a re-issue letter)
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            for (var j = 0; j < admitted.Count; j++)
            {
                outcomes[admitted[j]] = applied[j];
            }
        }
        foreach (var outcome in outcomes)
        {
            metrics.Attempt(outcome.Status switch { VerifyStatus.Verified => "verified", VerifyStatus.Failed => "failed", VerifyStatus.Invalid => "invalid", _ => "throttled" });
            if (outcome.Failure == VerifyFailure.WrongCodeNowLocked)
            {
                metrics.Locked();
            }
        }
        return outcomes;
    }

    /// <summary>
    /// Claims what the attempts are bound to (<see cref="AttemptBinding"/>), in the batch's transaction and in arrival
    /// order; an attempt whose claim fails — or that a batch holds twice, the second time — is not applied and is
    /// answered with the binding's conflict.
    /// </summary>
    private async Task ClaimBindingsAsync(VerifyAttempt?[] valid, List<int> admitted, VerifyOutcome[] outcomes, CancellationToken cancellationToken)
    {
        HashSet<object>? claimed = null;
        for (var j = 0; j < admitted.Count; j++)
        {
            if (valid[admitted[j]]!.Binding is { } binding
                && (!(claimed ??= []).Add(binding.ClaimKey) || !await binding.ClaimAsync(db, cancellationToken).ConfigureAwait(false)))
            {
                outcomes[admitted[j]] = VerifyOutcome.Invalid(binding.ConflictError);
                admitted.RemoveAt(j--);
            }
        }
    }

    /// <summary>
    /// The attempts of a batch, inside the caller's write transaction (also the first step of
    /// <see cref="ChangeAuthCode"/>): reads persons and current cards, locks the code rows and the audit chains
    /// involved, then checks each attempt in order against the locked rows. The HMAC is computed in every case —
    /// against a decoy when there is nothing to compare with — so that every failure costs the same.
    /// Does not record source failures (the caller does, for the attempts that failed) and does not save.
    /// </summary>
    internal async Task<IReadOnlyList<VerifyOutcome>> ApplyAsync(IReadOnlyList<VerifyAttempt> attempts, CancellationToken cancellationToken)
    {
        _touches.Clear();
        var persons = new Dictionary<(Guid Kasse, string Kvnr), (Guid Id, string? Card)>();
        var codes = new Dictionary<Guid, AuthCode>();
        var oldCards = new Dictionary<Guid, List<string>>();
        foreach (var kasse in attempts.GroupBy(a => a.KasseId).OrderBy(g => g.Key))
        {
            await ReadAndLockAsync(kasse.Key, [.. kasse.Select(a => (object?)a.Request.Kvnr.Value).Distinct()], persons, codes, oldCards, cancellationToken).ConfigureAwait(false);
        }
        foreach (var kasse in attempts.GroupBy(a => a.KasseId))
        {
            // Chain 0 holds the attempts on unknown KVNRs.
            await audit.LockChainsAsync(kasse.Key,
                kasse.Select(a => persons.TryGetValue((kasse.Key, a.Request.Kvnr.Value), out var p) ? AuditLog.ChainFor(p.Id) : 0)
                    .Concat(kasse.Any(a => a.Binding is not null) ? [0] : []),
                cancellationToken).ConfigureAwait(false);
        }

        var outcomes = new VerifyOutcome[attempts.Count];
        for (var i = 0; i < attempts.Count; i++)
        {
            var attempt = attempts[i];
            var request = attempt.Request;
            (Guid Id, string? Card)? person = persons.TryGetValue((attempt.KasseId, request.Kvnr.Value), out var p) ? p : null;
            var row = person is { } known ? codes.GetValueOrDefault(known.Id) : null;
            var active = row is { State: AuthCodeState.Active } ? row : null;
            var matches = hasher.Matches(person?.Id ?? Guid.Empty, request.Code, active?.CodeHash, active?.KeyVersion ?? 0);
            // Read with the batch for every attempt (none for an unknown KVNR) and compared on every path: the old
            // card costs no query of its own, so a known KVNR with a wrong card takes as long as an unknown one.
            var old = person is { } p2 && oldCards.TryGetValue(p2.Id, out var list) ? list : [];
            var isOldCard = old.Exists(c => CardMatches(c, request.CardNumber));

            VerifyOutcome outcome;
            if (person is not { } found)
            {
                outcome = VerifyOutcome.Failed(VerifyFailure.UnknownKvnr, null);
            }
            else if (found.Card is null || !CardMatches(found.Card, request.CardNumber))
            {
                outcome = VerifyOutcome.Failed(isOldCard ? VerifyFailure.OldCard : VerifyFailure.WrongCard, found.Id);
            }
            else
            {
                outcome = row?.State switch
                {
                    null or AuthCodeState.None => VerifyOutcome.Failed(VerifyFailure.NoCode, found.Id),
                    AuthCodeState.Pending => VerifyOutcome.Failed(VerifyFailure.CodePending, found.Id),
                    AuthCodeState.Locked => VerifyOutcome.Failed(VerifyFailure.CodeLocked, found.Id),
                    AuthCodeState.Active when !matches => await CountFailureAsync(row, attempt.Context, cancellationToken).ConfigureAwait(false),
                    AuthCodeState.Active => await SucceedAsync(attempt, row, cancellationToken).ConfigureAwait(false),
                    _ => throw new InvalidOperationException(),
                };
            }

            if (outcome.Status == VerifyStatus.Failed && outcome.Failure is not (VerifyFailure.WrongCode or VerifyFailure.WrongCodeNowLocked))
            {
                // The failure writes nothing to the code row, but it must cost what a counted one costs (below).
                _touches.Add(row?.PersonId ?? Guid.CreateVersion7());
            }
            await audit.AppendAsync(attempt.KasseId, attempt.Context, new AuditEvent(
                outcome.Status == VerifyStatus.Verified ? AuditAction.CodeVerified : AuditAction.CodeVerificationFailed,
                outcome.Status == VerifyStatus.Verified ? AuditOutcome.Success : AuditOutcome.Failure,
                outcome.PersonId, request.Kvnr.Value,
                ReasonCode: outcome.Failure is { } f ? VerifyFailureCodes.Id(f) : null,
                Details: outcome.Authentication is { } a ? $"{{\"authentication\":\"{a.Id}\",\"level\":\"{a.Level}\"}}" : null), cancellationToken).ConfigureAwait(false);
            outcomes[i] = outcome;
        }
        return outcomes;
    }

    /// <summary>
    /// The persons behind the KVNRs of a batch with their current card, their code rows, tracked and locked for the
    /// transaction, and their former cards — three statements sent together (on PostgreSQL one round trip), whatever
    /// the attempts' outcomes will be. PostgreSQL takes the row locks
    /// in key order (Kasse by Kasse, the caller goes through them in order), the same order in every batch of every
    /// process, so two batches never wait for each other in a circle; a lock or change committed meanwhile by someone
    /// else is seen here, after its commit.
    /// </summary>
    private async Task ReadAndLockAsync(Guid kasseId, IReadOnlyList<object?> kvnrs, Dictionary<(Guid Kasse, string Kvnr), (Guid Id, string? Card)> persons,
        Dictionary<Guid, AuthCode> codes, Dictionary<Guid, List<string>> oldCards, CancellationToken cancellationToken)
    {
        var locked = new List<AuthCode>();
        var sql = await PlainSql.CreateAsync(db, "", cancellationToken).ConfigureAwait(false);
        await using (sql.ConfigureAwait(false))
        {
            sql.With<InsuredPerson>("@kasse", nameof(InsuredPerson.KasseId), kasseId);
            var theirs = "kasse_id = @kasse AND " + sql.InList<InsuredPerson>("kvnr", "@k", nameof(InsuredPerson.Kvnr), kvnrs);
            sql.Command.CommandText = "SELECT p.id, p.kvnr, (SELECT c.card_number FROM health_cards c WHERE c.person_id = p.id AND c.ended_at IS NULL LIMIT 1) "
                + $"FROM insured_persons p WHERE {theirs}; "
                + "SELECT person_id, kasse_id, state, code_hash, key_version, failures, state_since, pending_letter_id, locked_at, reason "
                + $"FROM auth_codes WHERE person_id IN (SELECT id FROM insured_persons WHERE {theirs}) ORDER BY person_id" + (db.IsSqlite ? "" : " FOR UPDATE") + "; "
                + $"SELECT c.person_id, c.card_number FROM health_cards c WHERE c.ended_at IS NOT NULL AND c.person_id IN (SELECT id FROM insured_persons WHERE {theirs})";
            var reader = await sql.Command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    persons[(kasseId, reader.GetString(1))] = (sql.Read<InsuredPerson, Guid>(reader, 0, nameof(InsuredPerson.Id)), reader.IsDBNull(2) ? null : reader.GetString(2));
                }
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    locked.Add(new AuthCode
                    {
                        PersonId = sql.Read<AuthCode, Guid>(reader, 0, nameof(AuthCode.PersonId)),
                        KasseId = sql.Read<AuthCode, Guid>(reader, 1, nameof(AuthCode.KasseId)),
                        State = sql.Read<AuthCode, AuthCodeState>(reader, 2, nameof(AuthCode.State)),
                        CodeHash = reader.IsDBNull(3) ? null : (byte[])reader.GetValue(3),
                        KeyVersion = reader.GetInt32(4),
                        Failures = reader.GetInt32(5),
                        StateSince = sql.Read<AuthCode, DateTimeOffset>(reader, 6, nameof(AuthCode.StateSince)),
                        PendingLetterId = sql.Read<AuthCode, Guid?>(reader, 7, nameof(AuthCode.PendingLetterId)),
                        LockedAt = sql.Read<AuthCode, DateTimeOffset?>(reader, 8, nameof(AuthCode.LockedAt)),
                        Reason = reader.IsDBNull(9) ? null : reader.GetString(9),
                    });
                }
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var personId = sql.Read<HealthCard, Guid>(reader, 0, nameof(HealthCard.PersonId));
                    if (!oldCards.TryGetValue(personId, out var cards))
                    {
                        oldCards[personId] = cards = [];
                    }
                    cards.Add(reader.GetString(1));
                }
            }
        }
        foreach (var row in locked)
        {
            db.AuthCodes.Attach(row); // tracked: counts and resets are saved with the batch
            codes[row.PersonId] = row;
        }
    }

    /// <summary>
    /// A counted failure (right KVNR and card, wrong code) updates the person's code row; every other failure —
    /// unknown KVNR, wrong or old card, no code, pending, locked — updates its row with what it holds, or an id that
    /// matches no row, in a statement of the same kind, sent with the same last writes. So every failure path does the
    /// same database work: the same reads (<see cref="ReadAndLockAsync"/>), one row update, one audit entry, one source
    /// failure — and the answer's latency does not tell whether a KVNR or a card number was right (docs/guessing.md).
    /// The rows touched are locked by this transaction already (or do not exist): no new lock is taken.
    /// </summary>
    internal async Task TouchAsync(WriteBatch? writes, CancellationToken cancellationToken)
    {
        if (_touches.Count == 0)
        {
            return;
        }
        if (db.IsSqlite)
        {
            foreach (var id in _touches)
            {
                var sql = await PlainSql.CreateAsync(db, "UPDATE auth_codes SET failures = failures WHERE person_id = @id", cancellationToken).ConfigureAwait(false);
                await using (sql.ConfigureAwait(false))
                {
                    sql.With<AuthCode>("@id", nameof(AuthCode.PersonId), id);
                    await sql.Command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }
        else
        {
            await using var own = writes is null ? WriteBatch.For(db) : null;
            var command = (writes ?? own!).Add("UPDATE auth_codes SET failures = failures WHERE person_id = ANY(@touch)", null, "touch auth_codes");
            WriteBatch.AddParameter(command, "@touch", _touches.ToArray());
            if (own is not null)
            {
                await own.ExecuteAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        _touches.Clear();
    }

    private async Task<VerifyOutcome> CountFailureAsync(AuthCode row, AuditContext context, CancellationToken cancellationToken)
    {
        // The row is locked by this transaction: the count is exact across channels and processes.
        row.Failures++;
        if (row.Failures < _options.MaxFailures)
        {
            return VerifyOutcome.Failed(VerifyFailure.WrongCode, row.PersonId);
        }
        await lockout.LockAsync(row.PersonId, row.Failures, context, cancellationToken).ConfigureAwait(false);
        return VerifyOutcome.Failed(VerifyFailure.WrongCodeNowLocked, row.PersonId);
    }

    private async Task<VerifyOutcome> SucceedAsync(VerifyAttempt attempt, AuthCode row, CancellationToken cancellationToken)
    {
        var request = attempt.Request;
        if (row.Failures != 0)
        {
            row.Failures = 0;
        }
        if (hasher.NeedsRekey(row.KeyVersion))
        {
            var from = row.KeyVersion;
            var rekey = hasher.Hash(row.PersonId, request.Code);
            row.CodeHash = rekey.Hash;
            row.KeyVersion = rekey.KeyVersion;
            await audit.AppendAsync(attempt.KasseId, attempt.Context, new AuditEvent(AuditAction.CodeRekeyed, AuditOutcome.Success, row.PersonId, request.Kvnr.Value,
                Details: $"{{\"from_key\":{from},\"to_key\":{rekey.KeyVersion}}}"), cancellationToken).ConfigureAwait(false);
        }
        var now = clock.GetUtcNow();
        var authentication = new PersonAuthentication
        {
            Id = Guid.CreateVersion7(),
            KasseId = attempt.KasseId,
            PersonId = row.PersonId,
            Method = AuthenticationMethods.MachineCode,
            Level = TrustLevels.Hoch,
            Channel = request.Channel,
            ClientId = attempt.ClientId,
            CallId = request.CallId,
            CreatedAt = now,
            ValidUntil = now + _options.AuthenticationValidity,
        };
        db.Authentications.Add(authentication);
        return VerifyOutcome.Verified(authentication);
    }

    private static bool CardMatches(string stored, string given) =>
        given.Length == stored.Length ? string.Equals(stored, given, StringComparison.Ordinal) : stored.EndsWith(given, StringComparison.Ordinal);
}

/// <summary>
/// The per-process queue in front of <see cref="VerifyAuthCode"/>: parallel attempts share one transaction
/// (group commit), each answered only after it has committed.
/// </summary>
public sealed class VerificationQueue(IServiceScopeFactory scopes, ILogger<VerificationQueue> logger) : IAsyncDisposable
{
    private readonly GroupCommitQueue<VerifyAttempt, VerifyOutcome> _queue = new("verification", scopes,
        (services, batch, ct) => services.GetRequiredService<VerifyAuthCode>().ExecuteAsync(batch, ct), logger);

    public Task<VerifyOutcome> SubmitAsync(VerifyAttempt attempt, CancellationToken cancellationToken = default) => _queue.SubmitAsync(attempt, cancellationToken);

    public ValueTask DisposeAsync() => _queue.DisposeAsync();
}

/// <summary>Counters for the machine procedure, on the Pforte meter (exported at /metrics).</summary>
public sealed class AuthCodeMetrics
{
    public const string MeterName = Common.PforteMetrics.MeterName;
    private readonly Counter<long> _attempts;
    private readonly Counter<long> _clientAlarms;
    private readonly Counter<long> _locks;

    public AuthCodeMetrics(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(MeterName);
        _attempts = meter.CreateCounter<long>("pforte.machine_auth.attempts", description: "Machine authentication attempts by outcome (verified, failed, throttled).");
        _clientAlarms = meter.CreateCounter<long>("pforte.machine_auth.client_alarms",
            description: "Alarms for an API client whose failed attempts reached many distinct accounts across changing sources (ClientSprayAlarm).");
        _locks = meter.CreateCounter<long>("pforte.machine_auth.locks", unit: "{lock}",
            description: "Codes locked after the last allowed wrong attempt (each lock sends a re-issue letter unless the cap is reached).");
        meter.CreateObservableGauge("pforte.machine_auth.failures_per_minute", () => FailuresPerMinute,
            description: "Failed machine authentication attempts in the last minute, across all server processes.");
    }

    /// <summary>Last value seen by <see cref="FailureRateMonitor"/>.</summary>
    public int FailuresPerMinute { get; set; }

    public void ClientAlarm() => _clientAlarms.Add(1);

    public void Locked() => _locks.Add(1);

    public void Attempt(string outcome) => _attempts.Add(1, new KeyValuePair<string, object?>("outcome", outcome));
}
