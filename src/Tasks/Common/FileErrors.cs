namespace Diamol.Build.Common;

/// <summary>What an I/O failure was, where the message a user gets depends on it.</summary>
internal static class FileErrors
{
    /// <summary>ENOSPC on Linux and macOS, ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL on Windows.</summary>
    public static bool IsDiskFull(Exception e) =>
        e is IOException io
        && ((io.HResult & 0xFFFF) is 28 or 0x70 or 0x27 || io.Message.Contains("No space left on device", StringComparison.OrdinalIgnoreCase));
}
