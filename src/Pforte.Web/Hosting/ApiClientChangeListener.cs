using Microsoft.Extensions.Options;
using Npgsql;
using Pforte.Core.Clients;
using Pforte.Core.Persistence;

namespace Pforte.Web.Hosting;

/// <summary>
/// PostgreSQL only: listens on <see cref="ApiKeyCache.Channel"/>, which a trigger on <c>api_clients</c> notifies on
/// every change, and clears the process's <see cref="ApiKeyCache"/> on each notification. The cache is in use only
/// while this listener has proven that changes reach it: the trigger exists and is enabled, and a probe notification
/// sent from another connection arrived — checked on connecting and then every <see cref="Heartbeat"/>. Whenever that
/// fails, or the connection does, the cache is switched off (every request reads the database) until the listener is
/// back; it starts empty then. A database migrated after the web hosts started, a disabled trigger, or a connection
/// pooler that cannot carry LISTEN (PgBouncer in transaction mode) therefore keep the cache off instead of stale.
/// </summary>
public sealed class ApiClientChangeListener(IOptions<DatabaseOptions> database, ApiKeyCache cache, ILogger<ApiClientChangeListener> logger) : BackgroundService
{
    public const string TriggerName = "api_clients_changed";
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!database.Value.Resolve().TryGetValue(out var resolved, out _) || resolved.Provider != DatabaseProvider.Postgres)
        {
            return; // SQLite: no other process to hear from; every request reads the (local) database
        }
        var listenerConnectionString = new NpgsqlConnectionStringBuilder(resolved.ConnectionString)
        {
            Pooling = false, // its own connection, held for the life of the process
            KeepAlive = 5, // Npgsql's keep-alive query while idle: a silently dead connection fails within seconds
            ApplicationName = "pforte-api-client-listener",
        }.ConnectionString;
        var warned = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            var retry = Retry;
            try
            {
                await using var connection = new NpgsqlConnection(listenerConnectionString);
                TaskCompletionSource? probeArrived = null;
                string? probe = null;
                connection.Notification += (_, e) =>
                {
                    if (probe is not null && e.Payload == probe)
                    {
                        probeArrived?.TrySetResult();
                    }
                    else
                    {
                        cache.Clear();
                    }
                };
                await connection.OpenAsync(stoppingToken).ConfigureAwait(false);
                await using (var listen = new NpgsqlCommand($"LISTEN {ApiKeyCache.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                }
                while (true)
                {
                    probe = "probe:" + Guid.NewGuid().ToString("N");
                    probeArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    var problem = await CheckAsync(connection, resolved.ConnectionString, probe, probeArrived.Task, stoppingToken).ConfigureAwait(false);
                    if (problem is not null)
                    {
                        cache.GoDark();
                        if (!warned)
                        {
                            logger.LogWarning("API-Schlüssel werden bei jeder Anfrage in der Datenbank geprüft (kein Cache): {Problem}", problem);
                            warned = true;
                        }
                        retry = Heartbeat; // a missing trigger will not come back in two seconds
                        break;
                    }
                    if (!cache.IsLive)
                    {
                        cache.GoLive();
                        warned = false;
                    }
                    var next = DateTime.UtcNow + Heartbeat;
                    for (var left = Heartbeat; left > TimeSpan.Zero; left = next - DateTime.UtcNow)
                    {
                        await connection.WaitAsync(left, stoppingToken).ConfigureAwait(false);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                cache.GoDark();
                return;
            }
            catch (Exception e)
            {
                cache.GoDark();
                logger.LogWarning(e, "Verbindung für Änderungen an API-Clients unterbrochen; Schlüssel werden bis zur Wiederverbindung bei jeder Anfrage in der Datenbank geprüft.");
            }
            try
            {
                await Task.Delay(retry, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
        cache.GoDark();
    }

    /// <summary>Null if changes reach this listener; otherwise why not.</summary>
    private static async Task<string?> CheckAsync(NpgsqlConnection listener, string connectionString, string probe, Task probeArrived, CancellationToken cancellationToken)
    {
        await using (var trigger = new NpgsqlCommand("SELECT count(*) FROM pg_trigger WHERE tgrelid = to_regclass('api_clients') AND tgname = @name AND tgenabled IN ('O', 'A')", listener))
        {
            trigger.Parameters.AddWithValue("name", TriggerName);
            if ((long)(await trigger.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))! != 1)
            {
                return $"Trigger {TriggerName} auf api_clients fehlt oder ist abgeschaltet (Datenbank migrieren: pforte db migrate).";
            }
        }
        // Sent by another session, as a revocation would be: proves that other sessions' notifications arrive here.
        await using (var other = new NpgsqlConnection(connectionString))
        {
            await other.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @probe)", other);
            notify.Parameters.AddWithValue("channel", ApiKeyCache.Channel);
            notify.Parameters.AddWithValue("probe", probe);
            await notify.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        var deadline = DateTime.UtcNow + ProbeTimeout;
        for (var left = ProbeTimeout; !probeArrived.IsCompleted && left > TimeSpan.Zero; left = deadline - DateTime.UtcNow)
        {
            await listener.WaitAsync(left, cancellationToken).ConfigureAwait(false);
        }
        return probeArrived.IsCompleted ? null : "Eine Testbenachrichtigung kam nicht an (LISTEN über diese Verbindung nicht möglich?).";
    }
}
