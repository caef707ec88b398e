using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Authentication;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Workspace;

/// <summary>The verification of a call as the agent's screen pops it up: who, how sure, how, when — nothing secret.</summary>
public sealed record CallVerification(Guid AuthenticationId, Guid PersonId, string Kvnr, string Level, string Method, string Channel, DateTimeOffset CreatedAt);

/// <summary>
/// Screen pop: the agent takes a call by its telephony call id; when the IVR (or anyone on the phone) authenticated the
/// caller with that <c>source.callId</c>, the screen shows it. The lookup is one indexed read (authentications
/// (kasse_id, call_id)), cheap enough to poll every few hundred milliseconds per waiting call, and it works across
/// any number of server processes on one database (ADR 0025).
/// </summary>
public sealed class CallPop(PforteDbContext db, AuditQueue audit, TimeProvider clock)
{
    /// <summary>Longest call id accepted (as <see cref="PersonAuthentication.CallId"/> stores).</summary>
    public const int MaxCallIdLength = 128;

    /// <summary>How often a waiting call is looked up.</summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    /// <summary>A call id as typed or handed over by the telephony: letters, digits and <c>. _ : -</c>, at most 128.</summary>
    public static Result<string> ParseCallId(string? callId)
    {
        var trimmed = callId?.Trim();
        if (string.IsNullOrEmpty(trimmed) || trimmed.Length > MaxCallIdLength || !trimmed.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or ':' or '-'))
        {
            return new Error(ErrorCodes.WsCallIdInvalid);
        }
        return trimmed;
    }

    /// <summary>The newest still valid authentication made in this call, in this Kasse; null while there is none.</summary>
    public async Task<CallVerification?> FindAsync(Guid kasseId, string callId, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        return await (from a in db.Authentications.AsNoTracking()
                      join p in db.InsuredPersons.AsNoTracking() on a.PersonId equals p.Id
                      where a.KasseId == kasseId && a.CallId == callId && a.ValidUntil > now
                      orderby a.CreatedAt descending
                      select new CallVerification(a.Id, a.PersonId, p.Kvnr, a.Level, a.Method, a.Channel, a.CreatedAt))
            .FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Polls until the call is verified (then yields it once and ends) or the token ends the wait; yields null every
    /// <paramref name="heartbeat"/> so a server-sent event stream can send a keep-alive comment.
    /// </summary>
    public async IAsyncEnumerable<CallVerification?> WatchAsync(Guid kasseId, string callId, TimeSpan heartbeat, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var lastBeat = clock.GetTimestamp();
        while (!cancellationToken.IsCancellationRequested)
        {
            if (await FindAsync(kasseId, callId, cancellationToken).ConfigureAwait(false) is { } found)
            {
                yield return found;
                yield break;
            }
            if (clock.GetElapsedTime(lastBeat) >= heartbeat)
            {
                lastBeat = clock.GetTimestamp();
                yield return null;
            }
            try
            {
                await Task.Delay(PollInterval, clock, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
        }
    }

    /// <summary>"Anruf annehmen": audited with the call id as source; returns the verification if there is one already.</summary>
    public async Task<Result<CallVerification?>> TakeAsync(Guid kasseId, string? callId, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!ParseCallId(callId).TryGetValue(out var id, out var error))
        {
            return error;
        }
        var found = await FindAsync(kasseId, id, cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(new AuditRecord(kasseId, context with { SourceCallId = id }, new AuditEvent(AuditAction.WorkspaceCallTaken, AuditOutcome.Info,
            found?.PersonId, found?.Kvnr, Details: $"{{\"verified\":{(found is null ? "false" : "true")}}}")), cancellationToken).ConfigureAwait(false);
        return found;
    }
}
