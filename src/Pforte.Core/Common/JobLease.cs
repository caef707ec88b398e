using Microsoft.EntityFrameworkCore;
using Pforte.Core.AuthCodes;
using Pforte.Core.Persistence;

namespace Pforte.Core.Common;

/// <summary>
/// "Exactly one process runs this job today": the first process that inserts the (job, day) row wins; the primary
/// key refuses everybody else, on SQLite and PostgreSQL alike, however many web nodes share the database.
/// </summary>
public sealed class JobLease(PforteDbContext db, TimeProvider clock)
{
    public async Task<bool> TryStartAsync(string job, DateOnly day, CancellationToken cancellationToken = default)
    {
        // Look first: the common case (already taken today) then costs a read, not a refused insert and an error log.
        if (await db.JobRuns.AsNoTracking().AnyAsync(r => r.Job == job && r.Day == day, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }
        var run = new JobRun { Job = job, Day = day, RunBy = $"{Environment.MachineName}:{Environment.ProcessId}", StartedAt = clock.GetUtcNow() };
        db.JobRuns.Add(run);
        try
        {
            await db.SaveChangesAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (DbUpdateException)
        {
            return false;
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    public Task FinishAsync(string job, DateOnly day, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        return db.JobRuns.Where(r => r.Job == job && r.Day == day)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.FinishedAt, now), cancellationToken);
    }
}
