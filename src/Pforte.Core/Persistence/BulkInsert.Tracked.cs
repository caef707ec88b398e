using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace Pforte.Core.Persistence;

/// <summary>
/// Writes the entities of one type that a context has added (or changed, for rows the transaction holds locked), on
/// the context's open transaction, and stops tracking them as pending: on SQLite one prepared single-row statement
/// per row, on PostgreSQL one statement of unnested arrays. For the hot write paths (a verification batch writes an
/// audit entry and an authentication per attempt and updates the counters): EF Core's SaveChanges costs about ten
/// times what SQLite itself needs for such rows (measured: 64 rows 8–10 ms through SaveChanges, 0.7 ms as plain
/// statements). Columns, names and value conversions come from the EF model, so the rows are exactly what
/// SaveChanges would have written; store-generated keys (the audit entry's sequence id) are left to the database
/// and not read back.
/// </summary>
internal static partial class BulkInsert
{
    private static readonly ConcurrentDictionary<(Type Type, string Provider), Table> Tables = new();

    public static Task<int> FlushAddedAsync<T>(this PforteDbContext db, CancellationToken cancellationToken = default)
        where T : class => db.FlushAddedAsync<T>(null, cancellationToken);

    /// <summary>
    /// As above; on PostgreSQL the INSERT goes into <paramref name="into"/> (sent with the transaction's other last
    /// writes) when one is given. The entities stop being tracked at once either way.
    /// </summary>
    public static Task<int> FlushAddedAsync<T>(this PforteDbContext db, WriteBatch? into, CancellationToken cancellationToken = default)
        where T : class => FlushAsync<T>(db, EntityState.Added, into, cancellationToken);

    /// <summary>
    /// Writes every changed entity of type <typeparamref name="T"/> with all its columns and marks it saved — only for
    /// rows this transaction holds locked (it read them after locking, so the columns it did not change are the
    /// stored ones). Does nothing while the context has other inserts or deletions pending: then the order of the
    /// statements matters (a row may point to one not yet inserted), and SaveChanges, which knows that order, writes
    /// everything.
    /// </summary>
    public static Task<int> FlushModifiedLockedAsync<T>(this PforteDbContext db, WriteBatch? into, CancellationToken cancellationToken = default)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(db);
        db.ChangeTracker.DetectChanges(); // changed properties of attached rows are found by this one scan
        return WithoutDetecting(db, tracker => tracker.Entries().Any(e => e.State is EntityState.Added or EntityState.Deleted))
            ? Task.FromResult(0)
            : FlushAsync<T>(db, EntityState.Modified, into, cancellationToken);
    }

    private static async Task<int> FlushAsync<T>(PforteDbContext db, EntityState state, WriteBatch? into, CancellationToken cancellationToken)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(db);
        // Added entities are Added from the moment they were added, changed ones Modified after the caller's scan.
        var entries = WithoutDetecting(db, tracker => tracker.Entries<T>().Where(e => e.State == state).ToList());
        if (entries.Count == 0)
        {
            return 0;
        }
        var table = TableFor<T>(db);
        var insert = state == EntityState.Added;
        await WriteRowsAsync(db, insert ? table.Inserted : table.Updated, insert ? table.InsertSqlite : table.UpdateSqlite,
            insert ? table.InsertPostgres : table.UpdatePostgres, (insert ? "INSERT INTO " : "UPDATE ") + table.Name, entries, into, cancellationToken).ConfigureAwait(false);
        foreach (var entry in entries)
        {
            if (insert)
            {
                entry.State = EntityState.Detached;
            }
            else
            {
                entry.OriginalValues.SetValues(entry.CurrentValues);
                entry.State = EntityState.Unchanged;
            }
        }
        return entries.Count;
    }

    private static TResult WithoutDetecting<TResult>(PforteDbContext db, Func<Microsoft.EntityFrameworkCore.ChangeTracking.ChangeTracker, TResult> read)
    {
        var detect = db.ChangeTracker.AutoDetectChangesEnabled;
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        try
        {
            return read(db.ChangeTracker);
        }
        finally
        {
            db.ChangeTracker.AutoDetectChangesEnabled = detect;
        }
    }

    private static Table TableFor<T>(PforteDbContext db) =>
        Tables.GetOrAdd((typeof(T), db.Database.ProviderName ?? ""), key => Table.For(db.Model.FindEntityType(key.Type)!));

    /// <summary>
    /// SQLite: the single-row statement prepared once and executed per row (a multi-row statement would make SQLite
    /// look up each of its hundreds of named parameters by a linear scan — measured: a tenth of a batch).
    /// PostgreSQL: one statement with one array parameter per column, the same text for any number of rows (prepared
    /// once per connection, see DatabaseSetup.PreparePostgres), into the given batch or sent at once; it must change
    /// exactly one row per entity.
    /// </summary>
    private static async Task WriteRowsAsync<T>(PforteDbContext db, Column[] columns, string sqliteSql, string postgresSql, string what,
        List<EntityEntry<T>> rows, WriteBatch? into, CancellationToken cancellationToken)
        where T : class
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction()
            ?? throw new InvalidOperationException("Bulk writes run inside the transaction of the change they belong to.");
        if (db.IsSqlite)
        {
            await using var command = transaction.Connection!.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = sqliteSql;
            var parameters = new DbParameter[columns.Length];
            for (var c = 0; c < columns.Length; c++)
            {
                var column = columns[c];
                parameters[c] = column.Mapping.CreateParameter(command, "@p" + c.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    rows[0].CurrentValues[column.Property], column.Property.IsNullable);
                command.Parameters.Add(parameters[c]);
            }
            await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < rows.Count; i++)
            {
                if (i > 0)
                {
                    for (var c = 0; c < columns.Length; c++)
                    {
                        parameters[c].Value = ToProvider(columns[c], rows[i].CurrentValues[columns[c].Property]) ?? DBNull.Value;
                    }
                }
                var changed = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                if (changed != 1)
                {
                    throw new InvalidOperationException($"{what}: {changed} rows changed instead of 1.");
                }
            }
            return;
        }
        await using var own = into is null ? WriteBatch.For(db) : null;
        AddArrays((into ?? own!).Add(postgresSql, rows.Count, what), columns, rows);
        if (own is not null)
        {
            await own.ExecuteAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>PostgreSQL: one array parameter per column (<c>@p0</c>, <c>@p1</c>, …), one element per row.</summary>
    private static void AddArrays<T>(DbBatchCommand command, Column[] columns, List<EntityEntry<T>> rows)
        where T : class
    {
        for (var c = 0; c < columns.Length; c++)
        {
            var column = columns[c];
            var array = Array.CreateInstance(column.ArrayElementType, rows.Count);
            for (var i = 0; i < rows.Count; i++)
            {
                array.SetValue(ToProvider(column, rows[i].CurrentValues[column.Property]), i);
            }
            WriteBatch.AddParameter(command, "@p" + c.ToString(System.Globalization.CultureInfo.InvariantCulture), array);
        }
    }

    /// <summary>
    /// PostgreSQL: the INSERT of every added <typeparamref name="T"/> as one statement that first runs
    /// <paramref name="guard"/> — a data-modifying statement with <c>RETURNING</c> — and inserts the rows only if the
    /// guard returned one: guard and rows take effect together or not at all, atomically, without an explicit
    /// transaction. Added to <paramref name="into"/> without an expected row count: after it ran, the command's
    /// <c>RecordsAffected</c> is the number of entities (the guard held) or 0 (it did not). The entities stop being
    /// tracked. The guard's parameters must not be named <c>@p…</c> (those are the columns').
    /// </summary>
    public static DbBatchCommand AddGuardedInsert<T>(this PforteDbContext db, WriteBatch into, string guard)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(into);
        var entries = WithoutDetecting(db, tracker => tracker.Entries<T>().Where(e => e.State == EntityState.Added).ToList());
        if (entries.Count == 0 || db.IsSqlite)
        {
            throw new InvalidOperationException("A guarded insert needs added rows and PostgreSQL.");
        }
        var table = TableFor<T>(db);
        var command = into.Add($"WITH guard AS ({guard}) {table.InsertPostgres} WHERE EXISTS (SELECT 1 FROM guard)", null, "INSERT INTO " + table.Name);
        AddArrays(command, table.Inserted, entries);
        foreach (var entry in entries)
        {
            entry.State = EntityState.Detached;
        }
        return command;
    }

    /// <summary>What <see cref="RelationalTypeMapping.CreateParameter"/> would bind for this value.</summary>
    private static object? ToProvider(Column column, object? value) => value switch
    {
        null => null,
        _ when column.Mapping.Converter is { } converter => converter.ConvertToProvider(value),
        Enum e => Convert.ToInt64(e, System.Globalization.CultureInfo.InvariantCulture),
        _ => value,
    };

    private sealed record Column(IProperty Property, RelationalTypeMapping Mapping)
    {
        /// <summary>The CLR type of one array element on PostgreSQL: what the mapping writes, nullable if the column is.</summary>
        public Type ArrayElementType { get; } = ElementType(Property, Mapping);

        private static Type ElementType(IProperty property, RelationalTypeMapping mapping)
        {
            var type = mapping.Converter?.ProviderClrType ?? mapping.ClrType;
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (type.IsEnum)
            {
                type = typeof(long); // ToProvider writes enums without converter as their number
            }
            return property.IsNullable && type.IsValueType ? typeof(Nullable<>).MakeGenericType(type) : type;
        }
    }

    private sealed class Table
    {
        public required string Name { get; init; }

        /// <summary>The columns an INSERT writes (without store-generated keys).</summary>
        public required Column[] Inserted { get; init; }

        public required string InsertSqlite { get; init; }

        /// <summary><c>INSERT … SELECT * FROM unnest(@p0::type[], …)</c>, one array per column.</summary>
        public required string InsertPostgres { get; init; }

        /// <summary>The columns an UPDATE binds: the key columns first, then every other column.</summary>
        public required Column[] Updated { get; init; }

        public required string UpdateSqlite { get; init; }

        /// <summary><c>UPDATE t SET c = v.c, … FROM unnest(…) AS v(…) WHERE t.key = v.key</c>.</summary>
        public required string UpdatePostgres { get; init; }

        public static Table For(IEntityType entity)
        {
            var name = entity.GetTableName()!;
            var store = StoreObjectIdentifier.Table(name, entity.GetSchema());
            string Col(Column c) => $"\"{c.Property.GetColumnName(store)}\"";
            var all = entity.GetProperties().Select(p => new Column(p, p.GetRelationalTypeMapping())).ToArray();
            var inserted = all.Where(c => c.Property.ValueGenerated != ValueGenerated.OnAdd || !c.Property.IsKey() || c.Property.ClrType == typeof(Guid)).ToArray();
            var keys = all.Where(c => c.Property.IsPrimaryKey()).ToArray();
            var updated = keys.Concat(all.Where(c => !c.Property.IsPrimaryKey())).ToArray();
            string Arrays(Column[] columns) => string.Join(", ", columns.Select((c, i) => $"@p{i}::{c.Mapping.StoreType}[]"));
            var insert = $"INSERT INTO \"{name}\" ({string.Join(", ", inserted.Select(Col))}) ";
            var set = updated.Skip(keys.Length);
            return new Table
            {
                Name = name,
                Inserted = inserted,
                InsertSqlite = insert + "VALUES (" + string.Join(", ", inserted.Select((_, i) => $"@p{i}")) + ")",
                InsertPostgres = insert + "SELECT * FROM unnest(" + Arrays(inserted) + ")",
                Updated = updated,
                UpdateSqlite = $"UPDATE \"{name}\" SET " + string.Join(", ", set.Select((c, i) => $"{Col(c)} = @p{i + keys.Length}"))
                    + " WHERE " + string.Join(" AND ", keys.Select((c, i) => $"{Col(c)} = @p{i}")),
                UpdatePostgres = $"UPDATE \"{name}\" AS t SET " + string.Join(", ", set.Select(c => $"{Col(c)} = v.{Col(c)}"))
                    + " FROM unnest(" + Arrays(updated) + ") AS v(" + string.Join(", ", updated.Select(Col)) + ")"
                    + " WHERE " + string.Join(" AND ", keys.Select(c => $"t.{Col(c)} = v.{Col(c)}")),
            };
        }
    }
}
