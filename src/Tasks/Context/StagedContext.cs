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
    /// <summary>In <c>.diamol/</c>: the id of the folder's latest staging, which a <see cref="StagedContext"/> must match.</summary>
    public const string IdFileName = "staging-id";

    private readonly string _id;

    private StagedContext(string directory, string id, ContextManifest manifest, IReadOnlyDictionary<string, FileStamp> files)
    {
        Directory = directory;
        _id = id;
        Manifest = manifest;
        Files = files;
    }

    /// <summary>
    /// Records a staging that has just finished: a new id goes into the folder, so that a staging of it since (by any
    /// process) makes this one stale even when the manifest came out the same.
    /// </summary>
    public static StagedContext Record(string contextDirectory, ContextManifest manifest, IReadOnlyDictionary<string, FileStamp> files)
    {
        string directory = Normalize(contextDirectory);
        string id = Guid.NewGuid().ToString("N");
        AtomicFile.WriteIfChanged(IdPathIn(directory), id);
        return new StagedContext(directory, id, manifest, files);
    }

    public string Directory { get; }

    public ContextManifest Manifest { get; }

    /// <summary>Key (<see cref="FileDigests.KeyOf"/>) → the staged file's stamp when staging finished with it.</summary>
    public IReadOnlyDictionary<string, FileStamp> Files { get; }

    /// <summary>Key → SHA-256 of every staged file, set by the first stage that needs them.</summary>
    public IReadOnlyDictionary<string, string>? Digests { get; internal set; }

    /// <summary>Whether this is the folder's latest staging; if not, the stages must read the folder afresh.</summary>
    public bool Describes(string contextDirectory)
    {
        string directory = Normalize(contextDirectory);
        if (!string.Equals(directory, Directory, StringComparison.Ordinal)) return false;
        try
        {
            return File.ReadAllText(IdPathIn(directory)) == _id;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static string IdPathIn(string directory) => Path.Combine(directory, ContextManifest.FolderName, IdFileName);

    private static string Normalize(string directory) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
}
