namespace Diamol.Build.History;

/// <summary>One image history entry as the engine reports it, oldest first, with the number of filesystem
/// layers of the image that entry produced when the engine still knows that image (null for pulled or imported history).</summary>
public sealed record EngineHistoryEntry(string Id, string CreatedBy, DateTimeOffset? Created, long Size, int? LayerCount);

/// <summary>What the engine says about the built image.</summary>
public sealed record EngineImage(
    string Id,
    DateTimeOffset? Created,
    long Size,
    string? Os,
    string? Architecture,
    IReadOnlyList<string> Env,
    IReadOnlyList<string> DiffIds,
    IReadOnlyDictionary<string, string>? Labels = null);

/// <summary>What the engine says about the base image.</summary>
public sealed record EngineBaseImage(string Name, string? Id, int LayerCount, long Size);
