using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;

namespace Pforte.Core.Clients;

/// <summary>
/// The API clients this process has looked up, by key id — only while it is told of every change to the clients
/// table (docs/decisions/0010-postgres-decision-round-trips.md). On PostgreSQL a trigger notifies every change
/// (revocation through Pforte, or an operator's plain UPDATE/DELETE) on channel <see cref="Channel"/>; the web host's
/// listener clears the cache on each notification and switches the cache off whenever its connection is down, so a
/// revoked key is refused in every process as soon as the notification arrives (milliseconds), and never later than
/// <see cref="MaxAge"/>. Without a live listener — SQLite, the CLI, the listener reconnecting — every request reads
/// the database, as before. Only active clients are kept; unknown or revoked keys are always looked up.
/// The secret is still compared on every request (<see cref="ApiKeys.Matches"/>): the cache holds the stored hash,
/// never a key.
/// </summary>
public sealed class ApiKeyCache
{
    /// <summary>The PostgreSQL notification channel the trigger on <c>api_clients</c> notifies.</summary>
    public const string Channel = "pforte_api_clients";

    /// <summary>Belt and braces: an entry is read again after this long even if no change was notified.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (ClientRow Row, long Since)> _rows = new(StringComparer.Ordinal);
    private long _epoch;
    private volatile bool _live;
    private long _hits;

    /// <summary>Whether the cache is in use (a listener is connected and listening).</summary>
    public bool IsLive => _live;

    /// <summary>Requests answered from the cache (diagnostics, tests).</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Changes every time the cache is cleared; a lookup that started before must not be kept.</summary>
    internal long Epoch => Interlocked.Read(ref _epoch);

    internal bool TryGet(string keyId, [NotNullWhen(true)] out ClientRow? row)
    {
        if (_live && _rows.TryGetValue(keyId, out var entry) && Stopwatch.GetElapsedTime(entry.Since) < MaxAge)
        {
            Interlocked.Increment(ref _hits);
            row = entry.Row;
            return true;
        }
        row = null;
        return false;
    }

    /// <summary>Taken before a client is read from the database; <see cref="Add"/> needs it.</summary>
    internal readonly record struct Lookup(long Epoch, long Started);

    internal Lookup BeginLookup() => new(Epoch, Stopwatch.GetTimestamp());

    /// <summary>
    /// Keeps an active client read from the database — unless the cache was cleared since the read began (then the
    /// row may predate the change that cleared it). Its age counts from the start of the read.
    /// </summary>
    internal void Add(string keyId, ClientRow row, Lookup lookup)
    {
        if (!_live || row.RevokedAt is not null || Epoch != lookup.Epoch)
        {
            return;
        }
        if (_rows.Count >= MaxEntries)
        {
            foreach (var (key, entry) in _rows)
            {
                if (Stopwatch.GetElapsedTime(entry.Since) >= MaxAge)
                {
                    _rows.TryRemove(key, out _);
                }
            }
            if (_rows.Count >= MaxEntries)
            {
                return;
            }
        }
        _rows[keyId] = (row, lookup.Started);
        if (Epoch != lookup.Epoch || !_live)
        {
            _rows.TryRemove(keyId, out _); // cleared while we added: whatever we added may be stale
        }
    }

    /// <summary>Something in the clients table changed: forget everything.</summary>
    public void Clear()
    {
        Interlocked.Increment(ref _epoch);
        _rows.Clear();
    }

    /// <summary>The listener is (re)connected and listening: start caching afresh.</summary>
    public void GoLive()
    {
        Clear();
        _live = true;
    }

    /// <summary>The listener lost its connection: changes may go unnoticed, so stop caching and forget everything.</summary>
    public void GoDark()
    {
        _live = false;
        Clear();
    }
}
