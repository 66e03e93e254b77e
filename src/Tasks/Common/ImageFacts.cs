using System.Text.Json.Serialization;

namespace Diamol.Build.Common;

/// <summary>
/// What is known of an image: an engine's inspection of it, or the config the OCI writer wrote. Our own shape, so
/// that nothing above the engine client depends on Docker.DotNet; the build record keeps it (<c>.diamol/build.json</c>)
/// without the fields only an inspection fills, which serve the base image's rules at the time.
/// </summary>
/// <param name="DiffIds">The image's layer diff ids, base first.</param>
/// <param name="Entrypoint">The config's entrypoint (inspection only; not kept in the record).</param>
/// <param name="RepoDigests">"name@sha256:..." for each registry the image was pulled from or pushed to (inspection only; not kept in the record).</param>
/// <param name="Variant">The CPU variant the config names ("v8"; inspection only; not kept in the record).</param>
internal sealed record ImageFacts(
    string Id,
    DateTimeOffset? Created,
    long Size,
    string? Os,
    string? Architecture,
    IReadOnlyList<string> Env,
    IReadOnlyList<string> DiffIds,
    IReadOnlyDictionary<string, string>? Labels = null,
    [property: JsonIgnore] IReadOnlyList<string>? Entrypoint = null,
    [property: JsonIgnore] IReadOnlyList<string>? RepoDigests = null,
    [property: JsonIgnore] string? Variant = null)
{
    /// <summary>The platform the image's config names; null when it names no architecture.</summary>
    [JsonIgnore]
    public ImagePlatform? Platform => Architecture is { Length: > 0 } architecture
        ? new ImagePlatform(Os is { Length: > 0 } os ? os : "linux", architecture, Variant is { Length: > 0 } variant ? variant : null)
        : null;
}
