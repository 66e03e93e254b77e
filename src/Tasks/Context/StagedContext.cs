using Diamol.Build.Common;

namespace Diamol.Build.Context;

/// <summary>
/// What staging learnt, handed to the build and history stages of the same publish so that none of them reads the
/// manifest or stats the staged files again: the one pass over the files is staging's. It holds the manifest staging
/// saved, the stamp staging saw on each staged file (a hard link or a timed copy has its source's), and, once the
/// fingerprint has them, the files' digests, which the history then reuses. The MSBuild tasks pass it along as a
/// build-lifetime object; a stage given none (run on its own, or in another process) reads the folder as before.
/// </summary>
internal sealed class StagedContext
{
    private readonly string _id;

    private StagedContext(OutputFolder folder, string id, ContextManifest manifest, IReadOnlyDictionary<string, FileStamp> files)
    {
        Folder = folder;
        _id = id;
        Manifest = manifest;
        Files = files;
    }

    /// <summary>
    /// Records a staging that has just finished: a new id goes into the folder, so that a staging of it since (by any
    /// process) makes this one stale even when the manifest came out the same (its id is in <see cref="OutputFolder.StagingId"/>).
    /// </summary>
    public static StagedContext Record(OutputFolder folder, ContextManifest manifest, IReadOnlyDictionary<string, FileStamp> files)
    {
        string id = Guid.NewGuid().ToString("N");
        AtomicFile.WriteIfChanged(folder.StagingId, id);
        return new StagedContext(folder, id, manifest, files);
    }

    public OutputFolder Folder { get; }

    public ContextManifest Manifest { get; }

    /// <summary>Key (<see cref="FileDigests.KeyOf"/>) → the staged file's stamp when staging finished with it.</summary>
    public IReadOnlyDictionary<string, FileStamp> Files { get; }

    /// <summary>Key → SHA-256 of every staged file, set by the first stage that needs them.</summary>
    public IReadOnlyDictionary<string, string>? Digests { get; internal set; }

    /// <summary>Whether this is the folder's latest staging; if not, the stages must read the folder afresh.</summary>
    public bool Describes(OutputFolder folder)
    {
        if (!string.Equals(folder.Root, Folder.Root, StringComparison.Ordinal)) return false;
        try
        {
            return File.ReadAllText(folder.StagingId) == _id;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
