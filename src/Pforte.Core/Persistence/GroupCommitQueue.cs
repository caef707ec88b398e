using System.Data.Common;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Pforte.Core.Persistence;

/// <summary>
/// Group commit for one kind of audited write (docs/decisions/0007-group-commit.md). Requests queue here; one worker
/// per process takes whatever has queued up (up to <see cref="MaxBatch"/>) and runs it as one batch in one fresh
/// scope, i.e. one transaction — then answers each request. Nobody is answered before the transaction that holds
/// their write has committed, so the guarantee is the same as one transaction per request; only the fixed costs
/// (begin, chain-head locks, commit, the round trips) are shared. Under light load a batch is a single request and
/// waits for nothing; under heavy load batches grow by themselves.
/// <para>
/// A batch that fails for a transient reason (deadlock, serialisation failure, a key another process inserted first)
/// is run again in a fresh scope; one that keeps failing is split, so that a poisoned request fails alone.
/// </para>
/// </summary>
public sealed class GroupCommitQueue<TItem, TResult> : IAsyncDisposable
{
    public const int MaxBatch = 64;
    private const int Attempts = 3;

    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(16 * MaxBatch)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    /// <summary>Batch sizes and times per queue, on the Pforte meter (exported at /metrics): how much group commit shares.</summary>
    private static readonly Histogram<int> BatchSize = Common.PforteMetrics.Meter.CreateHistogram<int>("pforte.group_commit.batch_size",
        unit: "{request}", description: "Requests per group-commit transaction.");
    private static readonly Histogram<double> BatchDuration = Common.PforteMetrics.Meter.CreateHistogram<double>("pforte.group_commit.duration",
        unit: "s", description: "Time of one group-commit transaction, from its start to its commit.");

    private readonly KeyValuePair<string, object?> _tag;
    private readonly IServiceScopeFactory _scopes;
    private readonly Func<IServiceProvider, IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> _process;
    private readonly ILogger _logger;
    private readonly Lock _startLock = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task? _worker;

    public GroupCommitQueue(
        string name,
        IServiceScopeFactory scopes,
        Func<IServiceProvider, IReadOnlyList<TItem>, CancellationToken, Task<IReadOnlyList<TResult>>> process,
        ILogger logger)
    {
        _tag = new("queue", name);
        _scopes = scopes;
        _process = process;
        _logger = logger;
    }

    /// <summary>
    /// Queues the item and waits until its batch has committed. Cancelling stops the wait, not the write: a request
    /// that reached the queue is carried out (an attempt that was sent counts).
    /// </summary>
    public async Task<TResult> SubmitAsync(TItem item, CancellationToken cancellationToken = default)
    {
        EnsureWorker();
        var pending = new Pending(item, new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously));
        await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        return await pending.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_worker is { } worker)
        {
            // What is queued is still written; a worker stuck on the database is cancelled after a grace period.
            _stopping.CancelAfter(TimeSpan.FromSeconds(10));
            await worker.ConfigureAwait(false);
        }
        _stopping.Dispose();
    }

    private void EnsureWorker()
    {
        if (_worker is not null)
        {
            return;
        }
        lock (_startLock)
        {
            _worker ??= Task.Run(RunAsync);
        }
    }

    private async Task RunAsync()
    {
        var batch = new List<Pending>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }
            await RunBatchAsync(batch).ConfigureAwait(false);
        }
    }

    private async Task RunBatchAsync(List<Pending> batch)
    {
        var items = batch.ConvertAll(p => p.Item);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var started = Stopwatch.GetTimestamp();
                var results = await ProcessAsync(items).ConfigureAwait(false);
                BatchDuration.Record(Stopwatch.GetElapsedTime(started).TotalSeconds, _tag);
                BatchSize.Record(batch.Count, _tag);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(results[i]);
                }
                return;
            }
            catch (Exception e) when (attempt < Attempts && IsRetryable(e))
            {
                _logger.LogInformation("Group commit of {Count} requests retried after {Error}.", batch.Count, e.GetType().Name);
            }
            catch (Exception e) when (batch.Count > 1)
            {
                _logger.LogWarning(e, "Group commit of {Count} requests failed; running them one by one.", batch.Count);
                foreach (var one in batch)
                {
                    await RunBatchAsync([one]).ConfigureAwait(false);
                }
                return;
            }
            catch (Exception e)
            {
                batch[0].Done.TrySetException(e);
                return;
            }
        }
    }

    private async Task<IReadOnlyList<TResult>> ProcessAsync(List<TItem> items)
    {
        var scope = _scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var results = await _process(scope.ServiceProvider, items, _stopping.Token).ConfigureAwait(false);
            if (results.Count != items.Count)
            {
                throw new InvalidOperationException($"A batch of {items.Count} gave {results.Count} results.");
            }
            return results;
        }
    }

    /// <summary>Failures a second run in a fresh transaction can cure: a database conflict, not a bug.</summary>
    private static bool IsRetryable(Exception e)
    {
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is DbException or Microsoft.EntityFrameworkCore.DbUpdateException)
            {
                return true;
            }
        }
        return false;
    }

    private sealed record Pending(TItem Item, TaskCompletionSource<TResult> Done);
}
