namespace Diamol.Build.Context;

/// <summary>
/// What says whether a file changed, as git's index keeps it: size and modification time (100 ns ticks, UTC), and
/// the change time (ctime, ticks), inode and device. Size and mtime alone are fooled by a replacement that keeps them
/// (<c>touch -r</c>, <c>cp -p</c>, <c>rsync -a</c>, tar extraction); the ctime cannot be set by a program and a
/// replaced file is another inode. Where the platform gives no ctime or inode (not Linux), those are 0 and the stamp
/// is size and mtime as before.
/// </summary>
/// <param name="Mode">The permission bits (0 where there are none, on Windows).</param>
internal readonly record struct FileStamp(long Size, long Ticks, long ChangeTicks, ulong Inode, ulong Device, UnixFileMode Mode = 0)
{
    /// <summary>Whether this stamp carries a file's identity (inode, device, ctime).</summary>
    public bool HasIdentity => Inode != 0;

    /// <summary>Whether the two stamps are of one file (same device and inode): a hard link and its source.</summary>
    public bool SameFileAs(FileStamp other) => HasIdentity && other.HasIdentity && Inode == other.Inode && Device == other.Device;

    /// <summary>The stamp of the file at <paramref name="path"/> (links followed), or null when there is none.</summary>
    public static FileStamp? Of(string path)
    {
        if (LinuxStatx.TryStat(path, out var stamp, out bool missing)) return stamp;
        if (missing) return null;
        var info = new FileInfo(path);
        if (!info.Exists) return null;
        return new FileStamp(info.Length, info.LastWriteTimeUtc.Ticks, 0, 0, 0, OperatingSystem.IsWindows() ? 0 : info.UnixFileMode);
    }

    public static FileStamp Of(FileInfo info) => Of(info.FullName) ?? throw new FileNotFoundException($"'{info.FullName}' is not there.", info.FullName);
}
