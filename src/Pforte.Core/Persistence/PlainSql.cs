using System.Data.Common;
using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Pforte.Core.Persistence;

/// <summary>
/// Plain statements for the few queries that run on every request (API key) or every batch (verification). Under load
/// the EF Core query pipeline showed up as the largest cost of these paths — query-cache lookups, parameter-based SQL
/// processing for list parameters, and delegates created per execution whose clean-up kept the finalizer thread busy.
/// Values go in and come out through the EF model's type mappings, so they are stored and read exactly as EF does
/// (e.g. instants as UTC text on SQLite).
/// </summary>
public sealed class PlainSql : IAsyncDisposable
{
    private readonly PforteDbContext _db;
    private readonly bool _opened;

    private PlainSql(PforteDbContext db, DbCommand command, bool opened)
    {
        _db = db;
        Command = command;
        _opened = opened;
    }

    public DbCommand Command { get; }

    /// <summary>A command on the context's connection, in its current transaction if there is one.</summary>
    public static async Task<PlainSql> CreateAsync(PforteDbContext db, string sql, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        var connection = db.Database.GetDbConnection();
        var opened = false;
        if (connection.State != System.Data.ConnectionState.Open)
        {
            // Opened directly, not through EF Core: EF's SQLite provider registers its SQL functions on every open it
            // makes (eight native callbacks, released by the finalizer thread) — a measurable cost per request.
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            if (db.IsSqlite)
            {
                await SqlitePragmas.ApplyAsync(connection, cancellationToken).ConfigureAwait(false);
            }
            opened = true;
        }
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
        return new PlainSql(db, command, opened);
    }

    /// <summary>Adds a parameter converted like the given entity property.</summary>
    public PlainSql With<TEntity>(string name, string property, object? value)
    {
        Command.Parameters.Add(Mapping<TEntity>(property).CreateParameter(Command, name, value));
        return this;
    }

    /// <summary>An array parameter (PostgreSQL), bound as it is: for <c>= ANY(…)</c> and <c>unnest(…)</c>.</summary>
    public PlainSql WithArray(string name, Array values)
    {
        var parameter = Command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = values;
        Command.Parameters.Add(parameter);
        return this;
    }

    /// <summary>
    /// A condition "<paramref name="column"/> is one of <paramref name="values"/>": on PostgreSQL <c>column = ANY(@name)</c>
    /// with one array parameter — one statement text for any number of values, so that it is prepared once per
    /// connection (DatabaseSetup.PreparePostgres) —, on SQLite <c>column IN (@name0, @name1, …)</c>.
    /// </summary>
    public string InList<TEntity>(string column, string name, string property, IReadOnlyList<object?> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return "1 = 0";
        }
        if (!_db.IsSqlite)
        {
            var mapping = Mapping<TEntity>(property);
            var providerType = mapping.Converter?.ProviderClrType ?? mapping.ClrType;
            var array = Array.CreateInstance(Nullable.GetUnderlyingType(providerType) ?? providerType, values.Count);
            for (var i = 0; i < values.Count; i++)
            {
                array.SetValue(mapping.Converter is { } converter ? converter.ConvertToProvider(values[i]) : values[i], i);
            }
            WithArray(name, array);
            return $"{column} = ANY({name})";
        }
        var names = new string[values.Count];
        for (var i = 0; i < values.Count; i++)
        {
            names[i] = name + i.ToString(CultureInfo.InvariantCulture);
            With<TEntity>(names[i], property, values[i]);
        }
        return $"{column} IN ({string.Join(", ", names)})";
    }

    /// <summary>Reads a column as the entity property's CLR value.</summary>
    public T Read<TEntity, T>(DbDataReader reader, int ordinal, string property)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (reader.IsDBNull(ordinal))
        {
            return default!;
        }
        if (Mapping<TEntity>(property).Converter is { } converter)
        {
            var provider = ReadAs(reader, ordinal, converter.ProviderClrType);
            return (T)converter.ConvertFromProvider(provider)!;
        }
        return (T)ReadAs(reader, ordinal, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T));
    }

    /// <summary>The property's type mapping, looked up in the model once per model and property, not per value.</summary>
    private RelationalTypeMapping Mapping<TEntity>(string property) =>
        Mappings.GetOrAdd((_db.Model, typeof(TEntity), property),
            key => key.Model.FindEntityType(key.Entity)!.FindProperty(key.Property)!.GetRelationalTypeMapping());

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(Microsoft.EntityFrameworkCore.Metadata.IModel Model, Type Entity, string Property), RelationalTypeMapping> Mappings = new();

    private static object ReadAs(DbDataReader reader, int ordinal, Type type) =>
        type == typeof(Guid) ? reader.GetGuid(ordinal)
        : type == typeof(DateTime) ? reader.GetDateTime(ordinal)
        : type == typeof(DateTimeOffset) ? reader.GetFieldValue<DateTimeOffset>(ordinal)
        : type == typeof(DateOnly) ? reader.GetFieldValue<DateOnly>(ordinal)
        : type == typeof(int) ? reader.GetInt32(ordinal)
        : type == typeof(long) ? reader.GetInt64(ordinal)
        : type == typeof(string) ? reader.GetString(ordinal)
        : type == typeof(byte[]) ? (byte[])reader.GetValue(ordinal)
        : type == typeof(bool) ? reader.GetBoolean(ordinal)
        : reader.GetValue(ordinal);

    public async ValueTask DisposeAsync()
    {
        await Command.DisposeAsync().ConfigureAwait(false);
        if (_opened)
        {
            await Command.Connection!.CloseAsync().ConfigureAwait(false);
        }
    }
}
