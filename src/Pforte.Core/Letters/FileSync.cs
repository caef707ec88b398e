using System.Runtime.InteropServices;

namespace Pforte.Core.Letters;

/// <summary>
/// fsync of a directory, so that a created or renamed entry survives a power loss (.NET has no API for it). On
/// Windows, NTFS journals metadata and there is nothing to do.
/// </summary>
internal static class FileSync
{
    private const int ReadOnly = 0;

    public static void Directory(string path)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }
        var fd = Open(System.Text.Encoding.UTF8.GetBytes(path + "\0"), ReadOnly);
        if (fd < 0)
        {
            throw new IOException($"Cannot open directory {path} to sync it (errno {Marshal.GetLastPInvokeError()}).");
        }
        try
        {
            if (Fsync(fd) != 0)
            {
                throw new IOException($"Cannot sync directory {path} (errno {Marshal.GetLastPInvokeError()}).");
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    // DllImport, not LibraryImport: the generator would need unsafe code in the whole core assembly.
    [DllImport("libc", EntryPoint = "open", SetLastError = true)]
    private static extern int Open(byte[] path, int flags);

    [DllImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static extern int Fsync(int fd);

    [DllImport("libc", EntryPoint = "close", SetLastError = true)]
    private static extern int Close(int fd);
}
