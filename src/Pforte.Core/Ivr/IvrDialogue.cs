using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Pforte.Core.Audit;
using Pforte.Core.AuthCodes;
using Pforte.Core.Authentication;
using Pforte.Core.Common;
using Pforte.Core.Disclosure;
using Pforte.Core.Persistence;

namespace Pforte.Core.Ivr;

/// <summary>The field a turn asks for and how the platform collects it (digits, timeout).</summary>
public sealed record IvrCollect(string Field, int MinDigits, int MaxDigits, int TimeoutSeconds);

/// <summary>
/// What the platform does next: play <see cref="Prompts"/>, then <see cref="Action"/> — <c>collect</c> the field in
/// <see cref="Collect"/> and send it as the next input, <c>transfer</c> to an agent, or <c>hangup</c>.
/// </summary>
public sealed record IvrTurn(string CallId, string State, string Action, IReadOnlyList<IvrPrompt> Prompts, IvrCollect? Collect,
    string? HandoverReason, Guid? AuthenticationId);

/// <summary>How a call starts: its id on the platform, the calling and the dialled number.</summary>
public sealed record IvrCallStart(string? CallId, string? CallerId = null, string? DialledNumber = null);

/// <summary>A call as the staff workspace reads it (the hand-over record).</summary>
public sealed record IvrCallRecord(string CallId, string State, string? Step, string? HandoverReason, string? CallerId, string? DialledNumber,
    string? EnteredKvnr, bool Verified, Guid? PersonId, Guid? AuthenticationId, string? AuthenticationLevel, DateTimeOffset? AuthenticationValidUntil,
    int FailedChecks, DateTimeOffset StartedAt, DateTimeOffset? EndedAt);

/// <summary>
/// The phone dialogue as a state machine (ADR 0027, docs/ivr.md), telephony-neutral: the JSON API and the VoiceXML
/// documents are two renderings of its turns. The state lives in <c>ivr_calls</c>, so any server process can serve
/// the next turn. The code is checked by the machine procedure itself (<see cref="VerificationQueue"/>): lockout,
/// source throttling, pending letters and re-issue apply unchanged, and a verified call is an authentication bound to
/// the call id. The dialogue never tells whether an insurance number exists: every caller hears the same prompts in
/// the same order until the machine procedure has answered, and it answers every failure alike.
/// </summary>
public sealed class IvrDialogue(
    PforteDbContext db,
    VerificationQueue verification,
    AuditLog audit,
    DisclosurePolicy policy,
    IOptions<IvrOptions> options,
    IOptions<AuthCodeOptions> codeOptions,
    TimeProvider clock)
{
    public const string Active = "active";
    public const string HandedOver = "handed-over";
    public const string HungUp = "hung-up";

    private static long _lastPurge;

    private sealed record Holder(string? Card, bool Flagged);

    /// <summary>The card turn's one look at the person behind the keyed KVNR (<see cref="CardAsync"/>), compiled once.</summary>
    private static readonly CompiledPerModel<Func<PforteDbContext, Guid, string, CancellationToken, Task<Holder?>>> HolderOf = new(() =>
        EF.CompileAsyncQuery((PforteDbContext db, Guid kasseId, string kvnr, CancellationToken _) => db.InsuredPersons.AsNoTracking()
            .Where(p => p.KasseId == kasseId && p.Kvnr == kvnr)
            .Select(p => new Holder(
                p.Cards.Where(c => c.EndedAt == null).Select(c => c.CardNumber).FirstOrDefault(),
                db.AlternativeAuthenticationNeeds.Any(n => n.PersonId == p.Id && n.KasseId == p.KasseId)))
            .FirstOrDefault()));

    /// <summary>Every input turn reads its call by key first: compiled once, not looked up in EF's query cache each time.</summary>
    private static readonly CompiledPerModel<Func<PforteDbContext, Guid, string, CancellationToken, Task<IvrCall?>>> CallByKey = new(() =>
        EF.CompileAsyncQuery((PforteDbContext db, Guid kasseId, string callId, CancellationToken _) => db.IvrCalls.SingleOrDefault(c => c.KasseId == kasseId && c.CallId == callId)));
    private readonly IvrOptions _options = options.Value;
    private int CardDigits => codeOptions.Value.CardDigitsFor(MachineChannels.Phone);

    /// <summary>Starts a call (or, for a call id already running, repeats its current question).</summary>
    public async Task<Result<IvrTurn>> StartAsync(Guid kasseId, Guid clientId, IvrCallStart start, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(context);
        if (CheckCallId(start.CallId) is { } bad)
        {
            return bad;
        }
        if (!MachineSource.NormalizeCallerId(start.CallerId, "callerId").TryGetValue(out var callerId, out var error)
            || !MachineSource.NormalizeCallerId(start.DialledNumber, "dialledNumber").TryGetValue(out var dialled, out error))
        {
            return error;
        }
        var now = clock.GetUtcNow();
        IvrCall NewCall()
        {
            var call = new IvrCall
            {
                KasseId = kasseId,
                CallId = start.CallId!,
                ClientId = clientId,
                CallerId = callerId,
                DialledNumber = dialled,
                State = IvrCallState.Active,
                Step = IvrStep.Kvnr,
                StartedAt = now,
            };
            Touch(call, now);
            return call;
        }
        var offered = policy.Offers(MachineChannels.Phone, AuthenticationMethods.MachineCode) is null;
        if (offered)
        {
            // The usual case, a call id not seen yet: one statement. One already known fails it and is looked at below.
            var fresh = NewCall();
            db.IvrCalls.Add(fresh);
            if ((await SaveAsync(fresh, [IvrPrompts.Get(IvrPrompts.Welcome)], cancellationToken).ConfigureAwait(false)) is { IsSuccess: true } started)
            {
                return started;
            }
        }
        var existing = await db.IvrCalls.SingleOrDefaultAsync(c => c.KasseId == kasseId && c.CallId == start.CallId, cancellationToken).ConfigureAwait(false);
        if (existing is not null)
        {
            if (existing.ClientId != clientId)
            {
                return new Error(ErrorCodes.IvrCallOtherClient);
            }
            if (existing.ExpiresAt > now)
            {
                return existing.State == IvrCallState.Active && existing.Step != IvrStep.Verifying ? Ask(existing, [IvrPrompts.Get(IvrPrompts.Welcome)]) : new Error(ErrorCodes.IvrCallUnknown);
            }
            db.IvrCalls.Remove(existing); // an expired call's id used again: a new call
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        var call = NewCall();
        db.IvrCalls.Add(call);
        if (!offered)
        {
            return await HandOverAsync(call, IvrHandoverReasons.MethodNotOffered, [IvrPrompts.Get(IvrPrompts.Unavailable)], context, cancellationToken).ConfigureAwait(false);
        }
        return await SaveAsync(call, [IvrPrompts.Get(IvrPrompts.Welcome)], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The caller's input of a turn; returns the next turn.</summary>
    public async Task<Result<IvrTurn>> InputAsync(Guid kasseId, Guid clientId, string? callId, IvrInput input, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(context);
        if (CheckCallId(callId) is { } bad)
        {
            return bad;
        }
        if (input.Check() is { } invalid)
        {
            return invalid;
        }
        var now = clock.GetUtcNow();
        var call = await CallByKey.For(db)(db, kasseId, callId!, cancellationToken).ConfigureAwait(false);
        if (call is null || call.ClientId != clientId || call.State != IvrCallState.Active || call.ExpiresAt <= now)
        {
            return new Error(ErrorCodes.IvrCallUnknown);
        }
        if (call.Step == IvrStep.Verifying)
        {
            return new Error(ErrorCodes.IvrCallConflict);
        }
        context = context with { Channel = MachineChannels.Phone, SourceCallerId = call.CallerId, SourceCallId = call.CallId };
        var kind = input.Kind!;
        var value = input.Value?.Trim() ?? "";
        if (kind == IvrInputKinds.Hangup)
        {
            return await HangUpAsync(call, context, cancellationToken).ConfigureAwait(false);
        }
        if (kind == IvrInputKinds.Repeat || (kind == IvrInputKinds.Dtmf && value == "*"))
        {
            return Ask(call, []); // nothing changes, nothing is counted
        }
        if (kind == IvrInputKinds.Agent || (kind == IvrInputKinds.Dtmf && value == "0"))
        {
            return await HandOverAsync(call, IvrHandoverReasons.CallerRequest, [IvrPrompts.Get(IvrPrompts.Transfer)], context, cancellationToken).ConfigureAwait(false);
        }
        if (kind == IvrInputKinds.NoInput)
        {
            return await RetryAsync(call, IvrPrompts.Get(IvrPrompts.NoInput), IvrHandoverReasons.NoInput, context, cancellationToken).ConfigureAwait(false);
        }
        if (kind == IvrInputKinds.NoMatch)
        {
            return await RetryAsync(call, InvalidPrompt(call.Step), IvrHandoverReasons.InvalidInput, context, cancellationToken).ConfigureAwait(false);
        }
        return call.Step switch
        {
            IvrStep.Kvnr => await KvnrAsync(call, kind, value, context, cancellationToken).ConfigureAwait(false),
            IvrStep.KvnrConfirm => await ConfirmAsync(call, value, context, cancellationToken).ConfigureAwait(false),
            IvrStep.Card => await CardAsync(call, kind, value, context, cancellationToken).ConfigureAwait(false),
            IvrStep.Code => await CodeAsync(call, kind, value, context, cancellationToken).ConfigureAwait(false),
            _ => throw new InvalidOperationException(),
        };
    }

    /// <summary>The hand-over record of a call (staff workspace, screen pop): state, reason and the authentication bound to it.</summary>
    public async Task<Result<IvrCallRecord>> ReadAsync(Guid kasseId, string? callId, CancellationToken cancellationToken = default)
    {
        if (CheckCallId(callId) is { } bad)
        {
            return bad;
        }
        var call = await db.IvrCalls.AsNoTracking().SingleOrDefaultAsync(c => c.KasseId == kasseId && c.CallId == callId, cancellationToken).ConfigureAwait(false);
        if (call is null)
        {
            return new Error(ErrorCodes.IvrCallUnknown);
        }
        var authentication = call.AuthenticationId is { } id
            ? await db.Authentications.AsNoTracking().Where(a => a.Id == id && a.KasseId == kasseId).Select(a => new { a.Level, a.ValidUntil })
                .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false)
            : null;
        return new IvrCallRecord(call.CallId, StateId(call.State), call.State == IvrCallState.Active ? StepId(call.Step) : null, call.HandoverReason,
            call.CallerId, call.DialledNumber, call.Kvnr, call.AuthenticationId is not null, call.PersonId, call.AuthenticationId,
            authentication?.Level, authentication?.ValidUntil, call.FailedChecks, call.StartedAt, call.EndedAt);
    }

    /// <summary>Deletes calls that expired longer than <see cref="IvrOptions.Retention"/> ago (the maintenance job; at most once a minute per process).</summary>
    public async Task<int> PurgeAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var last = Interlocked.Read(ref _lastPurge);
        if (now.UtcTicks - last < TimeSpan.TicksPerMinute || Interlocked.CompareExchange(ref _lastPurge, now.UtcTicks, last) != last)
        {
            return 0;
        }
        var before = now - _options.Retention;
        return await db.IvrCalls.Where(c => c.ExpiresAt < before).ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<Result<IvrTurn>> KvnrAsync(IvrCall call, string kind, string value, AuditContext context, CancellationToken cancellationToken)
    {
        if (KeypadInput.Kvnr(kind, value) is not { } kvnr)
        {
            return await RetryAsync(call, IvrPrompts.Get(IvrPrompts.KvnrInvalid), IvrHandoverReasons.InvalidInput, context, cancellationToken).ConfigureAwait(false);
        }
        call.Kvnr = kvnr.Value;
        return await NextAsync(call, _options.ReadBackKvnr ? IvrStep.KvnrConfirm : IvrStep.Card, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Result<IvrTurn>> ConfirmAsync(IvrCall call, string value, AuditContext context, CancellationToken cancellationToken)
    {
        switch (value)
        {
            case "1":
                return await NextAsync(call, IvrStep.Card, cancellationToken).ConfigureAwait(false);
            case "2":
                call.Kvnr = null;
                return await NextAsync(call, IvrStep.Kvnr, cancellationToken).ConfigureAwait(false);
            default:
                return await RetryAsync(call, IvrPrompts.Get(IvrPrompts.ConfirmInvalid), IvrHandoverReasons.InvalidInput, context, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The card digits. Here the flag "braucht einen anderen Weg zur Authentifizierung" is read — for every call, with
    /// the person only when KVNR and card digits belong together (else for nobody): so only a caller who holds the
    /// card is routed differently, and the work done is the same whether the KVNR exists or not (ADR 0027).
    /// </summary>
    private async Task<Result<IvrTurn>> CardAsync(IvrCall call, string kind, string value, AuditContext context, CancellationToken cancellationToken)
    {
        if (KeypadInput.Digits(kind, value, CardDigits) is not { } digits)
        {
            return await RetryAsync(call, IvrPrompts.Get(IvrPrompts.CardInvalid, CardDigits), IvrHandoverReasons.InvalidInput, context, cancellationToken).ConfigureAwait(false);
        }
        // One statement whether the KVNR exists or not: person, current card and flag together.
        var holder = await HolderOf.For(db)(db, call.KasseId, call.Kvnr!, cancellationToken).ConfigureAwait(false);
        if (holder is { Card: { } card, Flagged: true } && card.EndsWith(digits, StringComparison.Ordinal))
        {
            return await HandOverAsync(call, IvrHandoverReasons.AlternativeAuthentication, [IvrPrompts.Get(IvrPrompts.Transfer)], context, cancellationToken).ConfigureAwait(false);
        }
        call.CardDigits = digits;
        return await NextAsync(call, IvrStep.Code, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The code: checked by the machine procedure's queue, exactly as <c>/machine-auth/verify</c> checks it, with the
    /// call bound to the attempt (<see cref="CodeCheck"/>): in the batch's one write transaction the call is claimed
    /// (a repeated or concurrent input of this turn finds its version moved on and counts nothing), the attempt is
    /// counted, and the call's next state with its hand-over entry is written — all committed together, or nothing.
    /// </summary>
    private async Task<Result<IvrTurn>> CodeAsync(IvrCall call, string kind, string value, AuditContext context, CancellationToken cancellationToken)
    {
        if (KeypadInput.Digits(kind, value, 4) is not { } code)
        {
            return await RetryAsync(call, IvrPrompts.Get(IvrPrompts.CodeInvalid), IvrHandoverReasons.InvalidInput, context, cancellationToken).ConfigureAwait(false);
        }
        var check = new CodeCheck(this, call, context);
        var request = new VerifyRequest(Common.Kvnr.Parse(call.Kvnr).Value, call.CardDigits!, code, MachineChannels.Phone, call.CallerId, call.CallId, null);
        var outcome = await verification.SubmitAsync(new VerifyAttempt(call.KasseId, call.ClientId, request, context) { Binding = check }, cancellationToken).ConfigureAwait(false);
        if (check.Result is { } done)
        {
            db.Entry(call).State = EntityState.Detached; // the batch wrote the call
            return done.Call.State == IvrCallState.Active ? Ask(done.Call, done.Prompts) : Ended(done.Call, done.Prompts);
        }
        if (outcome.Error is { Code: ErrorCodes.IvrCallConflict } conflict)
        {
            db.ChangeTracker.Clear();
            return conflict;
        }
        // Throttled (or refused by the procedure's own input rules, which the dialogue already keeps) before the batch:
        // nothing was counted and the call was not claimed; it is handed over here, in a transaction of its own.
        var (prompts, handedOver) = AfterCheck(call, outcome);
        return await EndAsync(call, prompts, handedOver!, context, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>What follows from the machine procedure's answer, applied to the call (written by the caller); the hand-over's audit event, if the call ends.</summary>
    private (IReadOnlyList<IvrPrompt> Prompts, AuditEvent? Audit) AfterCheck(IvrCall call, VerifyOutcome outcome)
    {
        switch (outcome.Status)
        {
            case VerifyStatus.Verified:
                call.PersonId = outcome.Authentication!.PersonId;
                call.AuthenticationId = outcome.Authentication.Id;
                return ([IvrPrompts.Get(IvrPrompts.Verified), IvrPrompts.Get(IvrPrompts.Transfer)], HandOver(call, IvrHandoverReasons.Verified));
            case VerifyStatus.Failed:
                call.FailedChecks++;
                if (call.FailedChecks >= _options.MaxFailedChecks)
                {
                    return ([IvrPrompts.Get(IvrPrompts.Failed), IvrPrompts.Get(IvrPrompts.Transfer)], HandOver(call, IvrHandoverReasons.NotVerified));
                }
                call.Kvnr = null;
                call.CardDigits = null;
                call.Step = IvrStep.Kvnr;
                call.Tries = 0;
                Touch(call, clock.GetUtcNow());
                return ([IvrPrompts.Get(IvrPrompts.Failed), IvrPrompts.Get(IvrPrompts.Again)], null);
            default: // throttled, or refused before anything was counted: not verified, and the caller should not try again now
                return ([IvrPrompts.Get(IvrPrompts.Unavailable), IvrPrompts.Get(IvrPrompts.Transfer)], HandOver(call, IvrHandoverReasons.Throttled));
        }
    }

    /// <summary>
    /// The code turn's call, bound to its attempt in the verification batch (<see cref="AttemptBinding"/>). Works on a
    /// copy of the call in the batch's context, so that a batch run again after a failure starts from the call as read.
    /// The first run claims the call optimistically: the batch's last writes check that the call is still at the version
    /// this turn read (a statement sent with them, on PostgreSQL after the row lock). A run after a failed one claims
    /// first, with a statement of its own.
    /// </summary>
    private sealed class CodeCheck(IvrDialogue dialogue, IvrCall call, AuditContext context) : AttemptBinding
    {
        private const string Guard = "UPDATE ivr_calls SET version = version WHERE kasse_id = @k AND call_id = @c AND version = @v";
        private IvrCall? _claimed;
        private int _runs;
        private bool _checked;

        /// <summary>The call as the batch wrote it and the prompts of its next turn; null when the attempt was not applied.</summary>
        public (IvrCall Call, IReadOnlyList<IvrPrompt> Prompts)? Result { get; private set; }

        public override Error ConflictError => new(ErrorCodes.IvrCallConflict);

        public override object ClaimKey => (call.KasseId, call.CallId);

        public override async Task<bool> ClaimAsync(PforteDbContext db, CancellationToken cancellationToken)
        {
            Result = null;
            _checked = ++_runs > 1;
            var version = call.Version;
            if (_checked)
            {
                var claimed = await db.IvrCalls.Where(c => c.KasseId == call.KasseId && c.CallId == call.CallId && c.Version == version)
                    .ExecuteUpdateAsync(u => u.SetProperty(c => c.Version, version + 1), cancellationToken).ConfigureAwait(false);
                if (claimed != 1)
                {
                    return false;
                }
            }
            _claimed = call.Copy();
            _claimed.Version = _checked ? version + 1 : version;
            db.IvrCalls.Attach(_claimed); // as stored now; the batch writes what CompleteAsync changes
            return true;
        }

        public override async Task WriteAsync(PforteDbContext db, WriteBatch? writes, CancellationToken cancellationToken)
        {
            if (_checked)
            {
                return;
            }
            if (writes is not null)
            {
                var command = writes.Add(Guard, 1, "ivr call claimed", retryable: true);
                WriteBatch.AddParameter(command, "@k", call.KasseId);
                WriteBatch.AddParameter(command, "@c", call.CallId);
                WriteBatch.AddParameter(command, "@v", call.Version);
                return;
            }
            var sql = await PlainSql.CreateAsync(db, Guard, cancellationToken).ConfigureAwait(false);
            await using (sql.ConfigureAwait(false))
            {
                sql.With<IvrCall>("@k", nameof(IvrCall.KasseId), call.KasseId).With<IvrCall>("@c", nameof(IvrCall.CallId), call.CallId)
                    .With<IvrCall>("@v", nameof(IvrCall.Version), call.Version);
                if (await sql.Command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
                {
                    throw new DbUpdateConcurrencyException($"ivr call {call.CallId} changed meanwhile.");
                }
            }
        }

        public override async Task CompleteAsync(PforteDbContext db, AuditLog audit, VerifyOutcome outcome, CancellationToken cancellationToken)
        {
            var claimed = _claimed ?? throw new InvalidOperationException("Completed without a claim.");
            var (prompts, ended) = dialogue.AfterCheck(claimed, outcome);
            claimed.Version = call.Version + 1;
            if (ended is { } audited)
            {
                await audit.AppendAsync(claimed.KasseId, context, audited, cancellationToken).ConfigureAwait(false);
            }
            Result = (claimed, prompts);
        }
    }

    private async Task<Result<IvrTurn>> NextAsync(IvrCall call, IvrStep step, CancellationToken cancellationToken)
    {
        call.Step = step;
        call.Tries = 0;
        Touch(call, clock.GetUtcNow());
        return await SaveAsync(call, [], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>An input that did not fit (or none): counted; the last try of a field hands the call over.</summary>
    private async Task<Result<IvrTurn>> RetryAsync(IvrCall call, IvrPrompt why, string reason, AuditContext context, CancellationToken cancellationToken)
    {
        call.Tries++;
        if (call.Tries >= _options.MaxTries)
        {
            return await HandOverAsync(call, reason, [why, IvrPrompts.Get(IvrPrompts.Transfer)], context, cancellationToken).ConfigureAwait(false);
        }
        Touch(call, clock.GetUtcNow());
        return await SaveAsync(call, [why], cancellationToken).ConfigureAwait(false);
    }

    private Task<Result<IvrTurn>> HandOverAsync(IvrCall call, string reason, IReadOnlyList<IvrPrompt> prompts, AuditContext context, CancellationToken cancellationToken) =>
        EndAsync(call, prompts, HandOver(call, reason), context, cancellationToken);

    /// <summary>Hands the call to an agent (in memory) and returns the hand-over's audit event.</summary>
    private AuditEvent HandOver(IvrCall call, string reason)
    {
        var step = StepId(call.Step == IvrStep.Verifying ? IvrStep.Code : call.Step);
        call.State = IvrCallState.HandedOver;
        call.HandoverReason = reason;
        Finish(call);
        var verified = call.AuthenticationId is not null;
        var details = verified ? $"{{\"step\":\"{step}\",\"authentication\":\"{call.AuthenticationId}\"}}" : $"{{\"step\":\"{step}\"}}";
        return new AuditEvent(AuditAction.IvrCallHandedOver, verified ? AuditOutcome.Success : AuditOutcome.Info,
            call.PersonId, verified ? call.Kvnr : null, reason, details);
    }

    private Task<Result<IvrTurn>> HangUpAsync(IvrCall call, AuditContext context, CancellationToken cancellationToken)
    {
        var step = StepId(call.Step);
        call.State = IvrCallState.HungUp;
        Finish(call);
        return EndAsync(call, [], new AuditEvent(AuditAction.IvrCallHungUp, AuditOutcome.Info, null, null, step), context, cancellationToken);
    }

    /// <summary>An ending call forgets the card digits.</summary>
    private void Finish(IvrCall call)
    {
        var now = clock.GetUtcNow();
        call.CardDigits = null;
        call.EndedAt = now;
        Touch(call, now);
    }

    /// <summary>Saves the ended call with its audit entry in one transaction.</summary>
    private async Task<Result<IvrTurn>> EndAsync(IvrCall call, IReadOnlyList<IvrPrompt> prompts, AuditEvent audited, AuditContext context, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(call.KasseId, context with { Channel = MachineChannels.Phone, SourceCallerId = call.CallerId, SourceCallId = call.CallId },
            audited, cancellationToken).ConfigureAwait(false);
        var saved = await SaveAsync(call, prompts, cancellationToken).ConfigureAwait(false);
        if (saved.IsSuccess)
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
        return saved;
    }

    /// <summary>Saves the call (optimistic concurrency on <see cref="IvrCall.Version"/>) and renders its next turn.</summary>
    private async Task<Result<IvrTurn>> SaveAsync(IvrCall call, IReadOnlyList<IvrPrompt> prompts, CancellationToken cancellationToken)
    {
        call.Version++;
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (DbUpdateException)
        {
            // Another request changed (or, for a new call, created) the same call meanwhile.
            db.ChangeTracker.Clear();
            return new Error(ErrorCodes.IvrCallConflict);
        }
        return call.State == IvrCallState.Active && call.Step != IvrStep.Verifying ? Ask(call, prompts) : Ended(call, prompts);
    }

    private void Touch(IvrCall call, DateTimeOffset now)
    {
        call.UpdatedAt = now;
        call.ExpiresAt = now + _options.CallTimeout;
    }

    private IvrTurn Ask(IvrCall call, IReadOnlyList<IvrPrompt> before)
    {
        var timeout = (int)_options.InputTimeout.TotalSeconds;
        var (prompt, collect) = call.Step switch
        {
            IvrStep.Kvnr => (IvrPrompts.Get(IvrPrompts.KvnrAsk), new IvrCollect(StepId(IvrStep.Kvnr), 1, 11, timeout)),
            IvrStep.KvnrConfirm => (IvrPrompts.Get(IvrPrompts.KvnrReadBack, IvrPrompts.Spell(call.Kvnr!)), new IvrCollect(StepId(IvrStep.KvnrConfirm), 1, 1, timeout)),
            IvrStep.Card => (IvrPrompts.Get(IvrPrompts.CardAsk, CardDigits), new IvrCollect(StepId(IvrStep.Card), 1, CardDigits, timeout)),
            IvrStep.Code => (IvrPrompts.Get(IvrPrompts.CodeAsk), new IvrCollect(StepId(IvrStep.Code), 1, 4, timeout)),
            _ => throw new InvalidOperationException(),
        };
        return new IvrTurn(call.CallId, Active, "collect", [.. before, prompt], collect, null, null);
    }

    private static IvrTurn Ended(IvrCall call, IReadOnlyList<IvrPrompt> prompts) => call.State == IvrCallState.HandedOver
        ? new IvrTurn(call.CallId, HandedOver, "transfer", prompts, null, call.HandoverReason, call.AuthenticationId)
        : new IvrTurn(call.CallId, HungUp, "hangup", prompts, null, null, null);

    private IvrPrompt InvalidPrompt(IvrStep step) => step switch
    {
        IvrStep.Kvnr => IvrPrompts.Get(IvrPrompts.KvnrInvalid),
        IvrStep.KvnrConfirm => IvrPrompts.Get(IvrPrompts.ConfirmInvalid),
        IvrStep.Card => IvrPrompts.Get(IvrPrompts.CardInvalid, CardDigits),
        _ => IvrPrompts.Get(IvrPrompts.CodeInvalid),
    };

    public static string StepId(IvrStep step) => step switch
    {
        IvrStep.Kvnr => "kvnr",
        IvrStep.KvnrConfirm => "kvnr-confirm",
        IvrStep.Card => "card",
        IvrStep.Code => "code",
        _ => "verifying",
    };

    private static string StateId(IvrCallState state) => state switch
    {
        IvrCallState.Active => Active,
        IvrCallState.HandedOver => HandedOver,
        _ => HungUp,
    };

    private static Error? CheckCallId(string? callId) =>
        callId is not { Length: > 0 and <= IvrCall.CallIdLength } || callId.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)) || TextInput.FirstForbidden(callId) is not null
            ? new Error(ErrorCodes.IvrCallIdInvalid)
            : null;
}
