using Diamol.Build.Common;

namespace Diamol.Build.Context;

/// <summary>
/// The output folder (DiamolOutputPath) and every file and folder Diamol.Build writes in it, named here and nowhere
/// else: at the top the build context (Dockerfile, .dockerignore, layers/) and the artifacts CI reads (image.json, the
/// layer history), under <c>.diamol/</c> the records the stages hand each other and keep between publishes (never sent
/// to the engine). The record types keep their own format and read and write through <see cref="Common.AtomicFile"/>;
/// each takes its path from here. Made once from the folder's path, normalised once (full, no trailing separator).
/// </summary>
internal sealed class OutputFolder
{
    // At the top of the folder.
    public const string DockerfileName = "Dockerfile";
    public const string DockerIgnoreName = ".dockerignore";
    public const string LayersName = "layers";
    public const string ImageJsonName = "image.json";
    public const string HistoryJsonName = "image-history.json";
    public const string HistoryMarkdownName = "image-history.md";
    public const string HistoryHtmlName = "image-history.html";

    /// <summary>The records' folder: only Diamol.Build writes in it, so a clean removes it whole.</summary>
    public const string RecordsName = ".diamol";

    // Under .diamol/.
    public const string ManifestName = "manifest.json";
    public const string StagingIdName = "staging-id";
    public const string StagedCopiesName = "staged-copies.txt";
    public const string FileDigestsName = "file-digests.txt";
    public const string FileSha1Name = "file-sha1.txt";
    public const string ClampedName = "clamped";
    public const string SpdxSbomName = "sbom.spdx.json";
    public const string CycloneDxSbomName = "sbom.cdx.json";
    public const string BuildRecordName = "build.json";
    public const string TimingsName = "timings.json";
    public const string HistoryKeyName = "history-key";
    public const string LastGoodHistoryName = "last-good-" + HistoryJsonName;
    public const string BaseManifestName = "base-manifest.json";
    public const string OciLayersName = "oci-layers.json";
    public const string BlobsName = "blobs";
    public const string LayoutName = "layout";
    public const string LockName = "lock";
    public const string LockOwnerName = LockName + ".owner";

    /// <summary>The files at the top that the stager and the history stage write; each may have a <c>.tmp</c> beside it while written.</summary>
    public static readonly IReadOnlyList<string> TopFileNames =
        [DockerfileName, DockerIgnoreName, ImageJsonName, HistoryJsonName, HistoryMarkdownName, HistoryHtmlName, SpdxSbomName, CycloneDxSbomName];

    /// <summary>Every entry of <c>.diamol/</c>, as its folder's listing names it (a folder's files are all ours too).</summary>
    public static readonly IReadOnlyList<string> RecordNames =
    [
        ManifestName, StagingIdName, StagedCopiesName, FileDigestsName, FileSha1Name, ClampedName, BuildRecordName, TimingsName, HistoryKeyName,
        LastGoodHistoryName, BaseManifestName, OciLayersName, BlobsName, LayoutName, LockName, LockOwnerName,
    ];

    public OutputFolder(string directory) => Root = FolderPath.Full(directory);

    /// <summary>The folder's full path, without a trailing separator.</summary>
    public string Root { get; }

    public string Dockerfile => Top(DockerfileName);
    public string DockerIgnore => Top(DockerIgnoreName);

    /// <summary>The staged layers, <c>layers/NAME/PATH</c>: the context the Dockerfile's COPY lines read.</summary>
    public string Layers => Top(LayersName);

    /// <summary>What CI deploys: the image that was made, its tags and digest.</summary>
    public string ImageJson => Top(ImageJsonName);
    public string HistoryJson => Top(HistoryJsonName);
    public string HistoryMarkdown => Top(HistoryMarkdownName);
    public string HistoryHtml => Top(HistoryHtmlName);

    /// <summary>The image's SBOMs (SPDX 2.3 and CycloneDX 1.6 JSON), beside the history.</summary>
    public string SpdxSbom => Top(SpdxSbomName);
    public string CycloneDxSbom => Top(CycloneDxSbomName);

    /// <summary><c>.diamol/</c>: its presence marks the folder as ours.</summary>
    public string Records => Top(RecordsName);

    /// <summary>The context manifest (<see cref="ContextManifest"/>): what the Dockerfile stage planned and staged.</summary>
    public string Manifest => Record(ManifestName);

    /// <summary>The id of the folder's latest staging (<see cref="StagedContext"/>).</summary>
    public string StagingId => Record(StagingIdName);

    /// <summary>The staged files that are copies, not links, with both stamps (<see cref="Context.StagedCopies"/>).</summary>
    public string StagedCopies => Record(StagedCopiesName);

    /// <summary>The digest of each staged file by its stamp (<see cref="Context.FileDigests"/>).</summary>
    public string FileDigests => Record(FileDigestsName);

    /// <summary>The SHA-1 of each staged file by its stamp, which the SBOM's SPDX file entries need (<see cref="Context.FileDigests.Sha1"/>).</summary>
    public string FileSha1 => Record(FileSha1Name);

    /// <summary>The clamped copies of the static web assets' endpoints manifests (<see cref="EndpointManifestTimes"/>).</summary>
    public string Clamped => Record(ClampedName);

    /// <summary>What the build stage learned, which the history stage reads (the build record's JSON).</summary>
    public string BuildJson => Record(BuildRecordName);

    /// <summary>Where the publish's time went, stage by stage (the stage timings).</summary>
    public string Timings => Record(TimingsName);

    /// <summary>The key the history artifacts were last written for (the history reuse key).</summary>
    public string HistoryKey => Record(HistoryKeyName);

    /// <summary>The last good image-history.json, set aside by a failed publish as the next comparison's baseline.</summary>
    public string LastGoodHistory => Record(LastGoodHistoryName);

    /// <summary>The base image's manifest digest for the platform (kept by the Dockerfile stage).</summary>
    public string BaseManifest => Record(BaseManifestName);

    /// <summary>The OCI writer's record of its layer blobs (the reusable layer blobs), and the blobs themselves.</summary>
    public string OciLayers => Record(OciLayersName);
    public string Blobs => Record(BlobsName);

    /// <summary>One platform's OCI image layout in a multi-platform archive publish, which the index's archive gathers.</summary>
    public string Layout => Record(LayoutName);

    /// <summary>The folder's publish lock (<see cref="OutputFolderLock"/>), and its holder's process id beside it.</summary>
    public string Lock => Record(LockName);
    public string LockOwner => Record(LockOwnerName);

    /// <summary>Whether <c>.diamol/</c> exists: then the folder is one of ours (see <see cref="ContextStager.IsOurs"/> for every mark).</summary>
    public bool HasRecords => Directory.Exists(Records);

    public override string ToString() => Root;

    private string Top(string name) => Path.Combine(Root, name);

    private string Record(string name) => Path.Combine(Root, RecordsName, name);
}
