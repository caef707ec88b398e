using Microsoft.EntityFrameworkCore;
using Pforte.Core.Audit;
using Pforte.Core.Common;
using Pforte.Core.Insured;
using Pforte.Core.Letters;
using Pforte.Core.Persistence;

namespace Pforte.Core.AuthCodes;

public sealed record IssueDueProgress(long Checked, long Issued, long Deleted);

public sealed record IssueDueResult(DateOnly AsOf, long Checked, long Issued, long Deleted, long Skipped, TimeSpan Elapsed);

/// <summary>
/// The first roll-out and the daily run in one (birthdays, new members, ended insurances): every eligible person
/// without an active or pending code gets one by letter; a person who is no longer eligible loses the code. Runs in
/// pages of persons, one transaction each, so a long run can be interrupted and simply started again: running it
/// twice issues nothing new. A code locked at the re-issue cap is left for staff.
/// </summary>
public sealed class IssueDueCodes(PforteDbContext db, CodeIssuer issuer, AuditLog audit, TimeProvider clock)
{
    public const int PageSize = 500;

    public async Task<IssueDueResult> ExecuteAsync(DateOnly asOf, AuditContext context, IProgress<IssueDueProgress>? progress = null, Guid? kasseId = null, CancellationToken cancellationToken = default)
    {
        var started = clock.GetTimestamp();
        long checkedCount = 0, issued = 0, deleted = 0, skipped = 0;
        var after = Guid.Empty;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        while (true)
        {
            var page = await (
                    from p in db.InsuredPersons.AsNoTracking()
                    where p.Id.CompareTo(after) > 0 && (kasseId == null || p.KasseId == kasseId)
                    join a in db.AuthCodes.AsNoTracking() on p.Id equals a.PersonId into codes
                    from a in codes.DefaultIfEmpty()
                    orderby p.Id
                    select new
                    {
                        Person = p,
                        Code = a == null ? null : new { a.State, a.Reason },
                        Card = p.Cards.Where(c => c.EndedAt == null).Select(c => c.CardNumber).FirstOrDefault(),
                    })
                .Take(PageSize)
                .ToListAsync(cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                break;
            }
            after = page[^1].Person.Id;

            await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
            // The code rows of this page that exist, tracked, in one query (issuing updates them).
            var withRow = page.Where(i => i.Code is not null).Select(i => i.Person.Id).ToList();
            var rows = withRow.Count == 0
                ? []
                : await db.AuthCodes.AsTracking().Where(a => withRow.Contains(a.PersonId)).ToDictionaryAsync(a => a.PersonId, cancellationToken).ConfigureAwait(false);
            foreach (var item in page)
            {
                checkedCount++;
                var eligibility = CodeEligibility.Evaluate(item.Person, asOf);
                var state = item.Code?.State ?? AuthCodeState.None;
                if (eligibility.Eligible)
                {
                    if (state != AuthCodeState.None)
                    {
                        continue; // active, pending, or locked for staff
                    }
                    if (item.Code?.Reason == AuthCodeReasons.LetterReturned)
                    {
                        skipped++; // no letters to an address known to be wrong
                        continue;
                    }
                    await issuer.IssueAsync(item.Person, LetterKinds.CodeFirst, AuthCodeReasons.FirstIssue, context,
                        new KnownForIssue(item.Card, rows.GetValueOrDefault(item.Person.Id)), cancellationToken).ConfigureAwait(false);
                    issued++;
                }
                else if (state is AuthCodeState.Active or AuthCodeState.Pending
                         && await CodeRevocation.RevokeIfIneligibleAsync(db, audit, item.Person, BerlinCalendar.StartOf(asOf), context, cancellationToken).ConfigureAwait(false))
                {
                    deleted++;
                }
            }
            db.ChangeTracker.DetectChanges();
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            db.ChangeTracker.Clear();
            progress?.Report(new IssueDueProgress(checkedCount, issued, deleted));
        }
        db.ChangeTracker.AutoDetectChangesEnabled = true;
        return new IssueDueResult(asOf, checkedCount, issued, deleted, skipped, clock.GetElapsedTime(started));
    }
}
