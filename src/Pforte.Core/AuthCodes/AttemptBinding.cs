using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.AuthCodes;

/// <summary>
/// Work that commits together with one attempt, inside the verification batch's write transaction — the phone
/// dialogue's call (ADR 0027): the call is claimed, the attempt counted, and what follows from the outcome (the call's
/// next state, its hand-over entry in the audit trail) is written with the count, the authentication and the attempt's
/// audit entry. One transaction instead of three, and no state in between that a crash could leave. A binding may
/// append without a person (chain 0): a batch with bindings locks that chain up front with the persons' chains.
/// <para>
/// A batch that fails is run again in a fresh scope, so every step starts from the binding's own inputs each time.
/// The claim is optimistic: the first run checks it with the batch's last writes (no round trip of its own) and a
/// claim someone else won fails the whole batch as a conflict (<c>DbUpdateConcurrencyException</c>); the run after
/// that claims first, and an attempt whose claim fails then is not applied at all.
/// </para>
/// </summary>
internal abstract class AttemptBinding
{
    /// <summary>What the binding claims (the call's key): of several attempts in one batch bound to the same thing, only the first is applied.</summary>
    public abstract object ClaimKey { get; }

    /// <summary>
    /// Before the attempt is applied, in the batch's transaction. False: the attempt is not applied (nothing counted,
    /// nothing written) and is answered <see cref="VerifyStatus.Invalid"/> with <see cref="ConflictError"/>.
    /// </summary>
    public abstract Task<bool> ClaimAsync(PforteDbContext db, CancellationToken cancellationToken);

    /// <summary>After the attempt's outcome is decided, in the same transaction: tracked changes and audit entries are written with the batch.</summary>
    public abstract Task CompleteAsync(PforteDbContext db, AuditLog audit, VerifyOutcome outcome, CancellationToken cancellationToken);

    /// <summary>With the batch's last writes (PostgreSQL: into <paramref name="writes"/>, SQLite: at once): what the claim must still check.</summary>
    public abstract Task WriteAsync(PforteDbContext db, WriteBatch? writes, CancellationToken cancellationToken);

    /// <summary>The answer for an attempt whose claim failed.</summary>
    public abstract Error ConflictError { get; }
}
