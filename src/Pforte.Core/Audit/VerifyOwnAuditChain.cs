using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Common;
using Pforte.Core.Persistence;

namespace Pforte.Core.Audit;

/// <summary>The chain check of <see cref="VerifyAuditChain"/> for the caller's own Kasse, recorded (9007).</summary>
public sealed class VerifyOwnAuditChain(PforteDbContext db, VerifyAuditChain verify, AuditLog audit)
{
    public async Task<Result<AuditChainReport>> ExecuteAsync(Guid kasseId, AuditContext context, CancellationToken cancellationToken = default)
    {
        var ik = await db.Kassen.AsNoTracking().Where(k => k.Id == kasseId).Select(k => k.Ik).SingleAsync(cancellationToken).ConfigureAwait(false);
        if (!(await verify.ExecuteAsync(ik, cancellationToken).ConfigureAwait(false)).TryGetValue(out var reports, out var error))
        {
            return error;
        }
        var report = reports.Single();
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        await audit.AppendAsync(kasseId, context, new AuditEvent(AuditAction.AuditChainVerified, report.IsIntact ? AuditOutcome.Success : AuditOutcome.Failure,
            ReasonCode: report.FirstBreak?.Code,
            Details: JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["entries_checked"] = report.EntriesChecked, ["chain"] = report.FirstBreak?.Chain, ["seq"] = report.FirstBreak?.Seq,
            })), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return report;
    }
}
