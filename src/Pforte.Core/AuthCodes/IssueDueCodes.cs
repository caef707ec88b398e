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
/// twice issues nothing new. A code locked at the re-issue cap is left for staff. Persons who never had a code (the
/// whole Kasse at its first roll-out) are issued in bulk per page (<see cref="CodeIssuer.IssueToNewAsync"/>): a
/// page of 5,000 costs a handful of statements instead of three tracked entities per person.
/// </summary>
public sealed class IssueDueCodes(PforteDbContext db, CodeIssuer issuer, AuditLog audit, TimeProvider clock)
{
    /// <summary>Persons per page and transaction; tests make it small to see several pages.</summary>
    public int PageSize { get; set; } = 5000;

    public async Task<IssueDueResult> ExecuteAsync(DateOnly asOf, AuditContext context, IProgress<IssueDueProgress>? progress = null, Guid? kasseId = null, CancellationToken cancellationToken = default)
    {
        var started = clock.GetTimestamp();
        long checkedCount = 0, issued = 0, deleted = 0, skipped = 0;
        var after = Guid.Empty;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        while (true)
        {
            // The page is read inside the write transaction, so that on SQLite nobody changes its codes in between
            // (on PostgreSQL the primary key of auth_codes refuses a second code row that a concurrent writer made).
            await using var transaction = await db.BeginWriteAsync(cancellationToken).ConfigureAwait(false);
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

            var neverHadCode = new List<(InsuredPerson, string?)>();
            var hadCode = new List<(InsuredPerson Person, string? Card)>();
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
                    (item.Code is null ? neverHadCode : hadCode).Add((item.Person, item.Card));
                    issued++;
                }
                else if (state is AuthCodeState.Active or AuthCodeState.Pending
                         && await CodeRevocation.RevokeIfIneligibleAsync(db, audit, item.Person, BerlinCalendar.StartOf(asOf), context, cancellationToken).ConfigureAwait(false))
                {
                    deleted++;
                }
            }
            if (hadCode.Count > 0)
            {
                // A code that was deleted earlier: its row is updated through the change tracker, loaded in one query.
                var ids = hadCode.Select(i => i.Person.Id).ToList();
                var rows = await db.AuthCodes.AsTracking().Where(a => EF.Parameter(ids).Contains(a.PersonId)).ToDictionaryAsync(a => a.PersonId, cancellationToken).ConfigureAwait(false);
                foreach (var (person, card) in hadCode)
                {
                    await issuer.IssueAsync(person, LetterKinds.CodeFirst, AuthCodeReasons.FirstIssue, context,
                        new KnownForIssue(card, rows.GetValueOrDefault(person.Id)), cancellationToken).ConfigureAwait(false);
                }
            }
            await issuer.IssueToNewAsync(neverHadCode, LetterKinds.CodeFirst, AuthCodeReasons.FirstIssue, context, cancellationToken).ConfigureAwait(false);
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
