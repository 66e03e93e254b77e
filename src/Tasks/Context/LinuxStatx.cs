using System.Runtime.InteropServices;

namespace Diamol.Build.Context;

/// <summary>
/// One <c>statx(2)</c> call: size, times, mode, inode and device of a file, which .NET's FileInfo does not give
/// (no inode, no ctime). statx rather than stat because its struct is the same on every Linux architecture
/// (struct stat differs between x86-64 and arm64). Not Linux, or a C library without statx: false, and the caller
/// falls back to FileInfo.
/// </summary>
internal static unsafe partial class LinuxStatx
{
    private const int AtFdCwd = -100;
    private const uint StatxBasicStats = 0x7ff;
    private const int ENOENT = 2, ENOTDIR = 20;
    private const int Size = 256;

    private static bool _unavailable = !OperatingSystem.IsLinux();

    /// <param name="missing">True when the call said there is no such file.</param>
    public static bool TryStat(string path, out FileStamp stamp, out bool missing)
    {
        stamp = default;
        missing = false;
        if (_unavailable) return false;
        byte* buffer = stackalloc byte[Size];
        int result;
        try
        {
            result = statx(AtFdCwd, path, 0, StatxBasicStats, buffer);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            _unavailable = true;
            return false;
        }

        if (result != 0)
        {
            int error = Marshal.GetLastPInvokeError();
            missing = error is ENOENT or ENOTDIR;
            return false;
        }

        ushort mode = *(ushort*)(buffer + 28);
        // Only regular files are stamped; a folder or a device is no file of ours.
        if ((mode & 0xF000) != 0x8000)
        {
            missing = true;
            return false;
        }

        ulong inode = *(ulong*)(buffer + 32);
        long size = (long)*(ulong*)(buffer + 40);
        long changed = Ticks(buffer + 96);
        long modified = Ticks(buffer + 112);
        ulong device = ((ulong)*(uint*)(buffer + 136) << 32) | *(uint*)(buffer + 140);
        stamp = new FileStamp(size, modified, changed, inode, device, (UnixFileMode)(mode & 0xFFF));
        return true;
    }

    // struct statx_timestamp { __s64 tv_sec; __u32 tv_nsec; }: as 100 ns ticks since 0001-01-01, as FileInfo gives them.
    private static long Ticks(byte* timestamp) =>
        DateTime.UnixEpoch.Ticks + (*(long*)timestamp * TimeSpan.TicksPerSecond) + (*(uint*)(timestamp + 8) / 100);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string path, int flags, uint mask, byte* buffer);
}
