using Pforte.Core.Common;

namespace Pforte.Core.Persistence;

/// <summary>
/// Where Pforte keeps its files (<c>Pforte:DataDirectory</c>): the embedded SQLite database and the key ring. It does
/// not depend on the working directory, so the web host and the CLI find the same database and key ring wherever they
/// are started from. Default: the user's local application data folder plus <c>pforte</c> (Linux
/// <c>$XDG_DATA_HOME/pforte</c> or <c>~/.local/share/pforte</c>, macOS <c>~/Library/Application Support/pforte</c>,
/// Windows <c>%LOCALAPPDATA%\pforte</c>). Relative file settings (an SQLite <c>Data Source</c>, <c>Pforte:Keys:Path</c>)
/// are taken from this folder, never from the working directory. Folders Pforte creates here are readable by the
/// owner only (0700), like the files in them.
/// </summary>
public static class DataDirectory
{
    public const string Key = "Pforte:DataDirectory";

    public const string FolderName = "pforte";

    /// <summary>The configured folder (made absolute), else the default; an error when there is no user profile to put it in.</summary>
    public static Result<string> Resolve(string? configured)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return Path.GetFullPath(configured);
        }
        var local = Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
        return string.IsNullOrEmpty(local) ? new Error(ErrorCodes.DbDataDirectoryUnknown) : Path.Combine(local, FolderName);
    }

    /// <summary>A file setting: absolute as given, relative ones below the data directory.</summary>
    public static Result<string> PathFor(string path, string? configuredDirectory)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (Path.IsPathRooted(path))
        {
            return Path.GetFullPath(path);
        }
        return Resolve(configuredDirectory).TryGetValue(out var directory, out var error)
            ? Path.GetFullPath(Path.Combine(directory, path))
            : error;
    }

    /// <summary>Creates a missing folder (and missing parents) readable by the owner only; an existing folder is left as it is.</summary>
    public static void CreateOwnerOnly(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (Directory.Exists(directory))
        {
            return;
        }
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory); // the profile folder's ACL already limits it to its user
        }
        else
        {
            Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    /// <summary>Creates a missing file empty and readable by the owner only (0600); an existing file is left as it is.</summary>
    public static void CreateOwnerOnlyFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (File.Exists(path))
        {
            return;
        }
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.ReadWrite };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        try
        {
            using var _ = new FileStream(path, options);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it meanwhile: theirs is as good as ours.
        }
    }
}
