using Microsoft.Data.Sqlite;
using Npgsql;

namespace Pforte.Core.Persistence;

/// <summary>
/// Is this failure the database being away for a moment (restart, fail-over, network, pool exhausted, SQLite busy)
/// rather than a fault of ours? The web host answers it with 503 and a problem detail (PF-API-503) instead of a 500,
/// so that a load balancer and a client retry it, and an operator does not read it as a bug (issue 16).
/// </summary>
public static class DatabaseUnavailable
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;

    public static bool Is(Exception? exception)
    {
        for (var ex = exception; ex is not null; ex = ex.InnerException)
        {
            switch (ex)
            {
                case PostgresException pg when pg.SqlState.StartsWith("08", StringComparison.Ordinal) // connection exception
                    || pg.SqlState is "57P01" or "57P02" or "57P03" // admin / crash shutdown, cannot connect now
                    || pg.SqlState.StartsWith("53", StringComparison.Ordinal): // insufficient resources (too many connections)
                    return true;
                case PostgresException:
                    return false; // the server answered: a constraint, a syntax error … is no outage
                case NpgsqlException npgsql when npgsql.IsTransient:
                    return true; // connection refused or broken, pool timeout
                case SqliteException sqlite when sqlite.SqliteErrorCode is SqliteBusy or SqliteLocked:
                    return true;
                case System.Net.Sockets.SocketException:
                    return true;
            }
        }
        return false;
    }
}
