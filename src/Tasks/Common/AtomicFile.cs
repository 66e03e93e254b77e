using System.Text;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Common;

/// <summary>
/// Files written whole or not at all, the one way every record, artifact and archive of ours is written: into a
/// temporary file beside the target, then a rename, so a reader sees the old file or the new one, never half of one,
/// and a failure (a full disk) leaves no temporary file behind.
/// </summary>
internal static class AtomicFile
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>
    /// Writes <paramref name="content"/> (UTF-8, no BOM) only when the file holds something else, so an unchanged
    /// file keeps its timestamps. A folder removed while the publish ran is created again; a write that fails is
    /// DIAM2008, naming the file.
    /// </summary>
    /// <returns>Whether the file was written.</returns>
    public static bool WriteIfChanged(string path, string content)
    {
        byte[] bytes = Utf8.GetBytes(content);
        try
        {
            if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes)) return false;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw NotWritten(path, e);
        }

        Write(path, path + ".tmp", output => output.Write(bytes), e => NotWritten(path, e));
        return true;
    }

    /// <summary>
    /// Streams a file into place: <paramref name="write"/> fills <paramref name="temporary"/>, which a rename then puts at
    /// <paramref name="path"/> (its folder is created). On any failure the temporary file is removed; an I/O failure
    /// (<see cref="IOException"/>, <see cref="UnauthorizedAccessException"/>) is replaced by what <paramref name="failure"/>
    /// makes of it (the coded error naming the setting at fault), or passes on as it is when that gives null.
    /// </summary>
    public static void Write(string path, string temporary, Action<Stream> write, Func<Exception, Exception?> failure)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(output);
            }

            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e)
        {
            TryDelete(temporary);
            if (e is IOException or UnauthorizedAccessException && failure(e) is { } replaced) throw replaced;
            throw;
        }
    }

    /// <summary>Removes a file if it can: after a failure, the original error is what the user needs to see.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort.
        }
    }

    private static DiamolException NotWritten(string path, Exception e) =>
        new(DiagnosticCode.DIAM2008,
            $"'{path}' could not be written: {(FileErrors.IsDiskFull(e) ? "the disk is full" : e.Message)}. Nothing half-written was left. " +
            "Free some space or make the folder writable (or set DiamolOutputPath to another folder), then publish again.", e);
}
