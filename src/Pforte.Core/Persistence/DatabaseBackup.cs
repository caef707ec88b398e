using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Pforte.Core.Common;
using Pforte.Core.Common.Keys;

namespace Pforte.Core.Persistence;

/// <summary><c>Pforte:Backup</c>: where the PostgreSQL client programs are, when not on the PATH.</summary>
public sealed class BackupOptions
{
    public const string Section = "Pforte:Backup";

    /// <summary>Folder of pg_dump and pg_restore (e.g. /usr/lib/postgresql/17/bin); default: the PATH.</summary>
    public string? PgBinDirectory { get; set; }
}

/// <summary>A written or restored backup: its file, size and database kind.</summary>
public sealed record BackupFile(string Path, long Bytes, string Provider);

/// <summary>
/// Backup and restore of the database (docs/backup.md). SQLite: SQLite's online backup API — a consistent copy while
/// the web host keeps serving. PostgreSQL: <c>pg_dump --format=custom</c> and <c>pg_restore</c> (the client programs of
/// the server's major version or newer). The key ring is NEVER part of a database backup: it is backed up separately
/// (<see cref="BackupKeyRingAsync"/>) and kept apart, so that a stolen database backup verifies no code and opens no
/// letter seal or mailbox content.
/// </summary>
public sealed class DatabaseBackup(PforteDbContext db, IKeyStore keys, IOptions<BackupOptions> options, TimeProvider clock)
{
    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();
    private static readonly byte[] PgDumpHeader = "PGDMP"u8.ToArray();

    private string Provider => db.IsSqlite ? "SQLite" : "PostgreSQL";

    /// <summary>Writes a backup of the configured database into <paramref name="folder"/> (created with mode 0700), file mode 0600.</summary>
    public async Task<Result<BackupFile>> CreateAsync(string? folder, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(folder) || !TryPrepareFolder(folder))
        {
            return new Error(ErrorCodes.BackupFolderInvalid, folder ?? "");
        }
        var stamp = clock.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture);
        var extension = db.IsSqlite ? ".db" : ".dump";
        var path = System.IO.Path.Combine(System.IO.Path.GetFullPath(folder), $"pforte-{stamp}{extension}");
        for (var n = 2; File.Exists(path); n++)
        {
            // Two backups in one second: the later one gets a suffix, an earlier backup is never overwritten.
            path = System.IO.Path.Combine(System.IO.Path.GetFullPath(folder), $"pforte-{stamp}-{n}{extension}");
        }
        if (db.IsSqlite)
        {
            await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                var source = (SqliteConnection)db.Database.GetDbConnection();
                using var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ConnectionString);
                target.Open();
                source.BackupDatabase(target);
            }
            finally
            {
                await db.Database.CloseConnectionAsync().ConfigureAwait(false);
            }
        }
        else if (await RunPgToolAsync("pg_dump", ["--format=custom", "--no-owner", "--file", path], cancellationToken).ConfigureAwait(false) is { } failed)
        {
            return failed;
        }
        OwnerOnly(path);
        return new BackupFile(path, new FileInfo(path).Length, Provider);
    }

    /// <summary>
    /// Restores a backup into the configured database. Refused when the database already holds data, unless
    /// <paramref name="replace"/> (the web host must be stopped: a restore replaces everything under it).
    /// </summary>
    public async Task<Result<BackupFile>> RestoreAsync(string? file, bool replace, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(file) || !File.Exists(file) || !await HasHeaderAsync(file, db.IsSqlite ? SqliteHeader : PgDumpHeader, cancellationToken).ConfigureAwait(false))
        {
            return new Error(ErrorCodes.BackupFileInvalid, file ?? "", Provider);
        }
        if (!(await DatabaseSchema.InspectAsync(db, cancellationToken).ConfigureAwait(false)).TryGetValue(out var schema, out var refused))
        {
            return refused;
        }
        if (schema.State != DatabaseSchema.State.Empty && !replace && await HoldsDataAsync(cancellationToken).ConfigureAwait(false))
        {
            return new Error(ErrorCodes.RestoreTargetNotEmpty);
        }
        if (db.IsSqlite)
        {
            using var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = file, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ConnectionString);
            source.Open();
            if (!IsPforteSqlite(source))
            {
                return new Error(ErrorCodes.BackupFileInvalid, file, Provider);
            }
            await db.Database.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                source.BackupDatabase((SqliteConnection)db.Database.GetDbConnection());
            }
            finally
            {
                await db.Database.CloseConnectionAsync().ConfigureAwait(false);
            }
        }
        else if (await RunPgToolAsync("pg_restore", ["--clean", "--if-exists", "--no-owner", "--single-transaction", "--exit-on-error", file], cancellationToken).ConfigureAwait(false) is { } failed)
        {
            return failed;
        }
        return new BackupFile(System.IO.Path.GetFullPath(file), new FileInfo(file).Length, Provider);
    }

    /// <summary>Copies the key ring to <paramref name="target"/> (mode 0600); never overwrites. Only for the key-ring file store.</summary>
    /// <remarks>With the keys in an HSM: PF-HSM-009, nothing written.</remarks>
    public async Task<Result<BackupFile>> BackupKeyRingAsync(string? target, CancellationToken cancellationToken = default)
    {
        if (keys is IHsmKeyStore hsm)
        {
            // The keys never leave the HSM: they are backed up with the HSM vendor's tools (docs/hsm.md), not by Pforte.
            return new Error(ErrorCodes.KeysInHsmNoKeyRingBackup, hsm.TokenLabel);
        }
        if (keys is not FileKeyRing ring || string.IsNullOrWhiteSpace(target))
        {
            return new Error(ErrorCodes.BackupFolderInvalid, target ?? "");
        }
        var full = System.IO.Path.GetFullPath(target);
        if (File.Exists(full))
        {
            return new Error(ErrorCodes.KeyRingBackupExists, full);
        }
        if (!TryPrepareFolder(System.IO.Path.GetDirectoryName(full)!))
        {
            return new Error(ErrorCodes.BackupFolderInvalid, System.IO.Path.GetDirectoryName(full)!);
        }
        ring.CheckReadable();
        var bytes = await File.ReadAllBytesAsync(ring.FilePath, cancellationToken).ConfigureAwait(false);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        await using (var stream = new FileStream(full, options))
        {
            await stream.WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
        }
        return new BackupFile(full, bytes.Length, "key ring");
    }

    private async Task<bool> HoldsDataAsync(CancellationToken cancellationToken) =>
        await db.Kassen.AnyAsync(cancellationToken).ConfigureAwait(false) || await db.AuditEntries.AnyAsync(cancellationToken).ConfigureAwait(false);

    private static bool IsPforteSqlite(SqliteConnection connection)
    {
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN ('__EFMigrationsHistory', 'kassen', 'audit_entries')";
            return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture) == 3;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    private static async Task<bool> HasHeaderAsync(string file, byte[] header, CancellationToken cancellationToken)
    {
        var start = new byte[header.Length];
        await using var stream = File.OpenRead(file);
        return await stream.ReadAtLeastAsync(start, start.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) == start.Length
            && start.AsSpan().SequenceEqual(header);
    }

    /// <summary>Runs pg_dump / pg_restore against the configured database; the password goes by environment, never on the command line.</summary>
    private async Task<Error?> RunPgToolAsync(string tool, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var csb = new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString());
        var bin = options.Value.PgBinDirectory;
        var executable = string.IsNullOrWhiteSpace(bin) ? tool : System.IO.Path.Combine(bin, tool);
        var start = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        start.ArgumentList.Add("--dbname");
        start.ArgumentList.Add(csb.Database ?? "postgres");
        start.Environment["PGHOST"] = csb.Host;
        start.Environment["PGPORT"] = csb.Port.ToString(CultureInfo.InvariantCulture);
        start.Environment["PGUSER"] = csb.Username;
        if (csb.Password is { } password)
        {
            start.Environment["PGPASSWORD"] = password;
        }
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return new Error(ErrorCodes.BackupToolMissing, executable);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            await stdout.ConfigureAwait(false);
            var message = (await stderr.ConfigureAwait(false)).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
            return process.ExitCode == 0 ? null : new Error(ErrorCodes.BackupToolFailed, tool, process.ExitCode, message);
        }
    }

    private static bool TryPrepareFolder(string folder)
    {
        try
        {
            var info = Directory.Exists(folder) ? new DirectoryInfo(folder)
                : OperatingSystem.IsWindows() ? Directory.CreateDirectory(folder)
                : Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var probe = System.IO.Path.Combine(info.FullName, $".pforte-probe-{Guid.NewGuid():N}");
            File.WriteAllBytes(probe, []);
            File.Delete(probe);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return false;
        }
    }

    private static void OwnerOnly(string path)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
