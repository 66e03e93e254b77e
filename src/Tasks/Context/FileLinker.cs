using System.Runtime.InteropServices;

namespace Diamol.Build.Context;

/// <summary>
/// Puts a published file into the build context: a hard link where the file system allows it (no bytes copied,
/// instant), a copy otherwise (another volume, a file system without links).
/// </summary>
internal static partial class FileLinker
{
    /// <returns>True for a hard link, false for a copy.</returns>
    public static bool LinkOrCopy(string source, string destination)
    {
        if (TryHardLink(source, destination)) return true;

        Copy(source, destination);
        return false;
    }

    /// <summary>A real copy, with the source's time.</summary>
    public static void Copy(string source, string destination)
    {
        File.Copy(source, destination, overwrite: true);
        // Keep the source's time so the next run can tell an unchanged file by size and time alone.
        File.SetLastWriteTimeUtc(destination, File.GetLastWriteTimeUtc(source));
    }

    private static bool TryHardLink(string source, string destination)
    {
        try
        {
            return OperatingSystem.IsWindows()
                ? CreateHardLinkW(destination, source, IntPtr.Zero)
                : link(source, destination) == 0;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int link(string oldpath, string newpath);

    [LibraryImport("kernel32.dll", SetLastError = true, StringMarshalling = StringMarshalling.Utf16)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CreateHardLinkW(string fileName, string existingFileName, IntPtr securityAttributes);
}
