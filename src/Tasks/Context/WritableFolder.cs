using Diamol.Build.Common;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Context;

/// <summary>
/// The folders Diamol.Build keeps its own files in (the output folder's records and lock, the blob cache): when the
/// user running the publish may not write one, the error names our folder and the fix (DIAM2015) instead of an
/// unexpected UnauthorizedAccessException pointing at our targets.
/// </summary>
internal static class WritableFolder
{
    /// <summary>Creates <paramref name="directory"/> (and the folders above it) or fails with DIAM2015.</summary>
    /// <param name="what">What the folder is to us, e.g. "the blob cache (DiamolCacheDirectory)".</param>
    /// <param name="fix">What to do, as the end of a sentence.</param>
    public static void Create(string directory, string what, string fix)
    {
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (UnauthorizedAccessException e)
        {
            throw NotWritable(directory, what, fix, e);
        }
        catch (IOException e) when (FileErrors.IsDiskFull(e))
        {
            throw new DiamolException(DiagnosticCode.DIAM2008,
                $"'{directory}' ({what}) could not be created: the disk is full. Nothing was written. Free some space, then publish again.", e);
        }
    }

    /// <summary>DIAM2015 for <paramref name="path"/>, a file or folder of ours this user may not write.</summary>
    public static DiamolException NotWritable(string path, string what, string fix, Exception cause) =>
        new(DiagnosticCode.DIAM2015,
            $"Diamol.Build cannot write {what} at '{path}' as the user {Environment.UserName}: {cause.Message.TrimEnd('.')}. " +
            $"To fix it, {fix}; then publish again.", cause);
}
