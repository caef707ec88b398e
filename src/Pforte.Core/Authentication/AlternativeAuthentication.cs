using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Authentication;

/// <summary>
/// "Braucht einen anderen Weg zur Authentifizierung": the person cannot use the code procedure (cannot read the
/// letter, hear the prompts or use a keypad). Staff see and set it; the phone dialogue routes such a caller to an
/// agent at once. Only the flag, who set it and when are stored — never why: the reason is often health data
/// (Art. 9 DSGVO) and no decision needs it.
/// </summary>
public sealed class AlternativeAuthenticationNeed
{
    public Guid PersonId { get; set; }

    public Guid KasseId { get; set; }

    public DateTimeOffset SetAt { get; set; }

    /// <summary>The actor id of whoever set it (a staff member, an API client), as in the audit.</summary>
    public required string SetBy { get; set; }
}

/// <summary>Reads and sets the flag <see cref="AlternativeAuthenticationNeed"/>; every change is audited.</summary>
public sealed class AlternativeAuthentication(PforteDbContext db, AuditLog audit, TimeProvider clock)
{
    public const int SetByLength = 200;

    /// <summary>Whether the person of this Kasse needs another way to authenticate.</summary>
    public Task<bool> IsNeededAsync(Guid kasseId, Guid personId, CancellationToken cancellationToken = default) =>
        db.AlternativeAuthenticationNeeds.AsNoTracking().AnyAsync(n => n.PersonId == personId && n.KasseId == kasseId, cancellationToken);

    /// <summary>Sets or clears the flag of the person with this KVNR; returns the state now. Unchanged is no error (and not audited).</summary>
    public async Task<Result<bool>> SetAsync(Guid kasseId, string? kvnr, bool needed, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Kvnr.Parse(kvnr).TryGetValue(out var parsed, out var error))
        {
            return error;
        }
        var personId = await db.InsuredPersons.AsNoTracking().Where(p => p.KasseId == kasseId && p.Kvnr == parsed.Value).Select(p => (Guid?)p.Id)
            .SingleOrDefaultAsync(cancellationToken).ConfigureAwait(false);
        if (personId is not { } id)
        {
            return new Error(ErrorCodes.ApiPersonNotFound);
        }
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        var existing = await db.AlternativeAuthenticationNeeds.SingleOrDefaultAsync(n => n.PersonId == id, cancellationToken).ConfigureAwait(false);
        if ((existing is not null) == needed)
        {
            return needed;
        }
        if (needed)
        {
            db.AlternativeAuthenticationNeeds.Add(new AlternativeAuthenticationNeed { PersonId = id, KasseId = kasseId, SetAt = clock.GetUtcNow(), SetBy = Truncate(context.ActorId) });
        }
        else
        {
            db.AlternativeAuthenticationNeeds.Remove(existing!);
        }
        await audit.AppendAsync(kasseId, context, new AuditEvent(needed ? AuditAction.AlternativeAuthenticationFlagSet : AuditAction.AlternativeAuthenticationFlagCleared,
            AuditOutcome.Success, id, parsed.Value), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return needed;
    }

    private static string Truncate(string actorId) => actorId.Length <= SetByLength ? actorId : actorId[..SetByLength];
}
