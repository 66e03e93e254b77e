using System.Text.Json.Serialization;

namespace Diamol.Build.History;

/// <summary>
/// The layer-history artifact (image-history.json): which instruction made which layer, how big, cached or new.
/// Its shape is versioned by <see cref="SchemaVersion"/> and documented in docs/history-artifact.md.
/// </summary>
internal sealed record LayerHistory
{
    /// <summary>2 added every file of our layers (path, size, digest) and the file-level changes; version 1 artifacts still read.</summary>
    public const int CurrentSchemaVersion = 2;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    public required string Generator { get; init; }
    public required HistoryImage Image { get; init; }
    public required HistoryBaseImage BaseImage { get; init; }
    /// <summary>The generated Dockerfile, relative to the artifact.</summary>
    public required string Dockerfile { get; init; }
    public required IReadOnlyList<HistoryEntry> Entries { get; init; }
    public required HistoryTotals Totals { get; init; }
    /// <summary>What changed since the previous artifact for the same repository; null when there was none.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public HistoryChanges? Changes { get; init; }
}

/// <summary>The difference between two builds' artifacts: which layers are new, which are gone, how many bytes.</summary>
internal sealed record HistoryChanges
{
    public required string PreviousImageId { get; init; }
    public DateTimeOffset? PreviousCreated { get; init; }
    /// <summary>Bytes in layers the previous image did not have: what a push or a pull of this image adds.</summary>
    public long AddedBytes { get; init; }
    /// <summary>Bytes in layers of the previous image this one no longer has.</summary>
    public long RemovedBytes { get; init; }
    public IReadOnlyList<ChangedLayer> Added { get; init; } = [];
    public IReadOnlyList<ChangedLayer> Removed { get; init; } = [];
    /// <summary>Files added, removed and changed in our layers, when both artifacts list their files (schema 2).</summary>
    public IReadOnlyList<FileChange> Files { get; init; } = [];
    /// <summary>One line for a CI log, e.g. "+97 kB in layer app (WebApi.dll +3 kB)".</summary>
    public required string Summary { get; init; }
}

/// <summary>One file of our layers that is new, gone or different since the previous build.</summary>
/// <param name="Change">"added", "removed" or "changed".</param>
/// <param name="SizeBefore">Null when added.</param>
/// <param name="SizeAfter">Null when removed.</param>
internal sealed record FileChange(string Layer, string Path, string Change, long? SizeBefore, long? SizeAfter)
{
    public long Delta => (SizeAfter ?? 0) - (SizeBefore ?? 0);
}

/// <summary>A layer that one of two compared images has and the other has not.</summary>
internal sealed record ChangedLayer(int Index, string? DiffId, string Origin, string? LayerKind, string? LayerName, long Size, string CreatedBy);

internal sealed record HistoryImage
{
    public required string Id { get; init; }
    public required string Repository { get; init; }
    public required IReadOnlyList<string> Tags { get; init; }
    public DateTimeOffset? Created { get; init; }
    public long Size { get; init; }
    public string? Os { get; init; }
    public string? Architecture { get; init; }
    /// <summary>The manifest digest the registry stored, when the image was pushed.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Digest { get; init; }
    /// <summary>The image's environment, with values of secret-looking names redacted.</summary>
    public IReadOnlyList<string> Env { get; init; } = [];
}

internal sealed record HistoryBaseImage
{
    /// <summary>As written in FROM.</summary>
    public required string Name { get; init; }
    public string? Id { get; init; }
    /// <summary>The digest FROM is pinned to, when known.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Digest { get; init; }
    public int Layers { get; init; }
    public long Size { get; init; }
}

internal sealed record HistoryEntry
{
    public required int Index { get; init; }
    public required string CreatedBy { get; init; }
    public DateTimeOffset? Created { get; init; }
    /// <summary>The line of the generated Dockerfile this entry came from; null for base image entries.</summary>
    public int? DockerfileLine { get; init; }
    public long Size { get; init; }
    public bool EmptyLayer { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? DiffId { get; init; }
    /// <summary>Whether the engine took this step from its cache in this build; null for base entries.</summary>
    public bool? Cached { get; init; }
    /// <summary>"base" or "ours".</summary>
    public required string Origin { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LayerKind { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? LayerName { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? FileCount { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<HistoryFile>? LargestFiles { get; init; }
    /// <summary>Every file of the layer with its digest (schema 2): what the change report compares.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<HistoryFile>? Files { get; init; }
    /// <summary>Our entries: the instruction as our Dockerfile writes it ("COPY layers/app/ /app/"), where the engine's
    /// record says "COPY dir:&lt;sha&gt; in /app/".</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Instruction { get; init; }

    /// <summary>The folder of the staged context the layer was copied from.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? SourceFolder { get; init; }
}

internal sealed record HistoryFile(string Path, long Size,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Digest = null);

internal sealed record HistoryTotals
{
    public long BaseBytes { get; init; }
    public long OurBytes { get; init; }
    /// <summary>Bytes in layers this build created (not taken from the cache).</summary>
    public long NewBytes { get; init; }
    /// <summary>Bytes in our layers the engine reused from its cache.</summary>
    public long CachedBytes { get; init; }
}
