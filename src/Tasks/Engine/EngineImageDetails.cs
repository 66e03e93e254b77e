namespace Diamol.Build.Engine;

/// <summary>What an image inspection tells the pipeline; our own shape, so that nothing above the engine client depends on Docker.DotNet.</summary>
/// <param name="Layers">The image's layer diff ids, base first.</param>
/// <param name="RepoDigests">"name@sha256:..." for each registry the image was pulled from or pushed to.</param>
public sealed record EngineImageDetails(
    string Id,
    DateTimeOffset? Created,
    long Size,
    string? Os,
    string? Architecture,
    IReadOnlyList<string> Env,
    IReadOnlyDictionary<string, string>? Labels,
    IReadOnlyList<string>? Entrypoint,
    IReadOnlyList<string> Layers,
    IReadOnlyList<string> RepoDigests,
    string? Variant = null)
{
    /// <summary>The platform the image's config names; null when it names no architecture.</summary>
    public Common.ImagePlatform? Platform => Architecture is { Length: > 0 } architecture
        ? new Common.ImagePlatform(Os is { Length: > 0 } os ? os : "linux", architecture, Variant is { Length: > 0 } variant ? variant : null)
        : null;
}
