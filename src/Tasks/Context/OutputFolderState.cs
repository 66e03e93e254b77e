namespace Diamol.Build.Context;

/// <summary>
/// What every stage after staging works from: the output folder, its context manifest and the digests of its staged
/// files. Whether they come from this publish's staging (the hand-over, <see cref="StagedContext"/>) or from the folder
/// is decided once, here: the hand-over only while it is the folder's latest staging, else the folder is read (a stage
/// run on its own, in another process, or after a staging since). The manifest is read when first asked for, so a stage
/// that fails first fails with its own error.
/// </summary>
internal sealed class OutputFolderState
{
    private readonly Lazy<ContextManifest> _manifest;
    private IReadOnlyDictionary<string, string>? _digests;

    private OutputFolderState(OutputFolder folder, StagedContext? staged)
    {
        Folder = folder;
        Staged = staged;
        _manifest = new Lazy<ContextManifest>(() => staged?.Manifest ?? ContextManifest.Load(folder));
    }

    /// <summary>The state of <paramref name="folder"/>, from <paramref name="handedOver"/> while it describes the folder, else from the folder.</summary>
    public static OutputFolderState Of(OutputFolder folder, StagedContext? handedOver = null) =>
        new(folder, handedOver is not null && handedOver.Describes(folder) ? handedOver : null);

    public OutputFolder Folder { get; }

    /// <summary>This publish's staging, when it describes the folder; null when the folder is read instead.</summary>
    public StagedContext? Staged { get; }

    /// <summary>The context manifest: staging's, else <c>.diamol/manifest.json</c> (DIAM2014 when there is none).</summary>
    public ContextManifest Manifest => _manifest.Value;

    /// <summary>
    /// SHA-256 of every staged file, by <see cref="FileDigests.KeyOf"/>: computed once (from staging's stamps when it
    /// was handed over, so no file is stat'ed again) and shared by the skip check and the history.
    /// </summary>
    public IReadOnlyDictionary<string, string> Digests
    {
        get
        {
            if (_digests is not null) return _digests;
            if (Staged?.Digests is { } known) return _digests = known;
            _digests = FileDigests.Compute(FileDigests.StagedFiles(Folder, Manifest), Folder.FileDigests, Staged?.Files);
            if (Staged is not null) Staged.Digests = _digests;
            return _digests;
        }
    }
}
