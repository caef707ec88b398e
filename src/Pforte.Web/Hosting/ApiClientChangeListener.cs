using Microsoft.Extensions.Options;
using Npgsql;
using Pforte.Core.Clients;
using Pforte.Core.Persistence;

namespace Pforte.Web.Hosting;

/// <summary>
/// PostgreSQL only: listens on <see cref="ApiKeyCache.Channel"/>, which a trigger on <c>api_clients</c> notifies on
/// every change, and clears the process's <see cref="ApiKeyCache"/> on each notification. The cache is in use only
/// while this listener is connected and listening: on start, after every reconnect it begins empty; when the
/// connection fails it is switched off (every request reads the database) until the listener is back.
/// </summary>
public sealed class ApiClientChangeListener(IOptions<DatabaseOptions> database, ApiKeyCache cache, ILogger<ApiClientChangeListener> logger) : BackgroundService
{
    private static readonly TimeSpan Retry = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!database.Value.Resolve().TryGetValue(out var resolved, out _) || resolved.Provider != DatabaseProvider.Postgres)
        {
            return; // SQLite: no other process to hear from; every request reads the (local) database
        }
        var connectionString = new NpgsqlConnectionStringBuilder(resolved.ConnectionString)
        {
            Pooling = false, // its own connection, held for the life of the process
            KeepAlive = 5, // a silently dead connection is noticed within seconds
            ApplicationName = "pforte-api-client-listener",
        }.ConnectionString;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                connection.Notification += (_, _) => cache.Clear();
                await connection.OpenAsync(stoppingToken).ConfigureAwait(false);
                await using (var listen = new NpgsqlCommand($"LISTEN {ApiKeyCache.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken).ConfigureAwait(false);
                }
                cache.GoLive();
                while (true)
                {
                    await connection.WaitAsync(stoppingToken).ConfigureAwait(false);
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
                await Task.Delay(Retry, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
