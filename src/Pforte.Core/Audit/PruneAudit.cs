using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Persistence;

namespace Pforte.Core.Audit;

/// <summary>What was pruned from one Kasse's chain (Count 0: nothing was old enough).</summary>
public sealed record AuditPruneReport(Guid KasseId, string Ik, long Count, long FromSeq, long ToSeq);

/// <summary>
/// Deletes the oldest part of each Kasse's audit chain (retention rule, domain.md §9) and keeps the rest
/// verifiable: the head remembers where the chain now starts (FirstSeq) and the hash the first kept entry points
/// to (AnchorHash). Deletion, head update and the AuditPruned entry commit together or not at all.
/// </summary>
/// <remarks>"Before" is a day in Germany: entries before its midnight (Europe/Berlin) go.</remarks>
public sealed class PruneAudit(PforteDbContext db, AuditLog audit, TimeProvider clock)
{
    public async Task<Result<IReadOnlyList<AuditPruneReport>>> ExecuteAsync(DateOnly before, string? kasseIk, AuditContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (before > BerlinCalendar.Today(clock))
        {
            return new Error(ErrorCodes.AuditPruneInFuture);
        }
        if (!(await KasseLookup.ResolveOneOrAllAsync(db, kasseIk, cancellationToken).ConfigureAwait(false)).TryGetValue(out var kassen, out var error))
        {
            return error;
        }

        // Npgsql writes only UTC offsets to timestamptz.
        var cutoff = BerlinCalendar.StartOf(before).ToUniversalTime();
        var reports = new List<AuditPruneReport>(kassen.Count);
        foreach (var kasse in kassen)
        {
            reports.Add(await PruneKasseAsync(kasse, before, cutoff, context, cancellationToken).ConfigureAwait(false));
        }
        return reports;
    }

    private async Task<AuditPruneReport> PruneKasseAsync(Kasse kasse, DateOnly before, DateTimeOffset cutoff, AuditContext context, CancellationToken cancellationToken)
    {
        await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
        long total = 0, fromSeq = 0, toSeq = 0;
        var perChain = new List<string>();
        for (var chain = 0; chain < AuditLog.Chains; chain++)
        {
            // Lock the head first, exactly as appenders do, so a concurrent append or prune waits for us.
            var locked = await db.AuditChainHeads.Where(h => h.KasseId == kasse.Id && h.Chain == chain)
                .ExecuteUpdateAsync(s => s.SetProperty(h => h.LastSeq, h => h.LastSeq), cancellationToken).ConfigureAwait(false);
            if (locked == 0)
            {
                continue;
            }
            var head = await db.AuditChainHeads.AsNoTracking().SingleAsync(h => h.KasseId == kasse.Id && h.Chain == chain, cancellationToken).ConfigureAwait(false);

            // Only a prefix may go: the chain restarts at one anchor. The first entry that is not old enough ends it,
            // even if later entries carry an older time (clocks of several hosts may differ slightly).
            var firstKept = await db.AuditEntries.Where(e => e.KasseId == kasse.Id && e.Chain == chain && e.Seq >= head.FirstSeq && e.OccurredAt >= cutoff)
                .OrderBy(e => e.Seq).Select(e => (long?)e.Seq).FirstOrDefaultAsync(cancellationToken).ConfigureAwait(false);
            var lastPruned = (firstKept ?? head.LastSeq + 1) - 1;
            if (lastPruned < head.FirstSeq)
            {
                continue;
            }
            var anchor = await db.AuditEntries.Where(e => e.KasseId == kasse.Id && e.Chain == chain && e.Seq == lastPruned)
                .Select(e => e.Hash).SingleAsync(cancellationToken).ConfigureAwait(false);
            var deleted = await db.AuditEntries.Where(e => e.KasseId == kasse.Id && e.Chain == chain && e.Seq <= lastPruned)
                .ExecuteDeleteAsync(cancellationToken).ConfigureAwait(false);
            var newFirst = lastPruned + 1;
            await db.AuditChainHeads.Where(h => h.KasseId == kasse.Id && h.Chain == chain)
                .ExecuteUpdateAsync(s => s.SetProperty(h => h.FirstSeq, newFirst).SetProperty(h => h.AnchorHash, anchor), cancellationToken).ConfigureAwait(false);
            total += deleted;
            if (chain == 0)
            {
                (fromSeq, toSeq) = (head.FirstSeq, lastPruned);
            }
            perChain.Add(string.Create(CultureInfo.InvariantCulture, $"{{\"chain\":{chain},\"count\":{deleted},\"from\":{head.FirstSeq},\"to\":{lastPruned}}}"));
        }
        if (total == 0)
        {
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return new AuditPruneReport(kasse.Id, kasse.Ik, 0, 0, 0);
        }

        var details = string.Create(CultureInfo.InvariantCulture,
            $"{{\"count\":{total},\"from\":{fromSeq},\"to\":{toSeq},\"before\":\"{before:yyyy-MM-dd}\",\"chains\":[{string.Join(',', perChain)}]}}");
        await audit.AppendAsync(kasse.Id, context, new AuditEvent(AuditAction.AuditPruned, AuditOutcome.Success, Details: details), cancellationToken).ConfigureAwait(false);
        await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new AuditPruneReport(kasse.Id, kasse.Ik, total, fromSeq, toSeq);
    }
}
