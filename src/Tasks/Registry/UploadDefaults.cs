namespace Diamol.Build.Registry;

/// <summary>
/// When blobs go up in chunks, and how big the chunks are. Mirrors the SDK's RegistrySettings and
/// OrasRepositoryFactory (Registry/RegistrySettings.cs, Registry/OrasRepositoryFactory.cs): a blob goes up whole
/// unless DOTNET_CONTAINER_DEBUG_REGISTRY_FORCE_CHUNKED_UPLOAD is true (or the registry refuses a whole upload); chunks are 5 MiB unless
/// DOTNET_CONTAINER_REGISTRY_CHUNKED_UPLOAD_SIZE_BYTES says otherwise (the SDK_CONTAINER_* names are the legacy
/// spellings). Unlike the SDK's 64 KiB, 5 MiB is the least Amazon ECR takes but the last (and
/// fewer round trips everywhere), and never smaller than what the registry asks for in OCI-Chunk-Min-Length.
/// </summary>
internal static class UploadDefaults
{
    public const string ChunkSizeVariable = "DOTNET_CONTAINER_REGISTRY_CHUNKED_UPLOAD_SIZE_BYTES";
    public const string LegacyChunkSizeVariable = "SDK_CONTAINER_REGISTRY_CHUNKED_UPLOAD_SIZE_BYTES";
    public const string ForceChunkedVariable = "DOTNET_CONTAINER_DEBUG_REGISTRY_FORCE_CHUNKED_UPLOAD";
    public const string LegacyForceChunkedVariable = "SDK_CONTAINER_DEBUG_REGISTRY_FORCE_CHUNKED_UPLOAD";

    public const long DefaultChunkSize = 5 * 1024 * 1024;
    public const long AmazonEcrMinimumChunkSize = 5 * 1024 * 1024;

    /// <summary>The OCI distribution spec's header on an upload's 202: the smallest chunk the registry takes but the last.</summary>
    public const string MinimumChunkHeader = "OCI-Chunk-Min-Length";

    /// <summary>Blobs larger than this go up in chunks: never, unless chunking is forced.</summary>
    public static long ChunkThreshold(Func<string, string?> variable)
    {
        string? force = variable(ForceChunkedVariable) ?? variable(LegacyForceChunkedVariable);
        return IsTrue(force) ? 0 : long.MaxValue;
    }

    public static long ChunkSize(string registry, Func<string, string?> variable)
    {
        long size = long.TryParse(variable(ChunkSizeVariable) ?? variable(LegacyChunkSizeVariable), out long configured) && configured > 0
            ? configured
            : DefaultChunkSize;
        return IsAmazonEcr(registry) ? Math.Max(size, AmazonEcrMinimumChunkSize) : size;
    }

    /// <summary>The registry's OCI-Chunk-Min-Length, when it sends a valid one.</summary>
    public static long? MinimumChunkHint(HttpResponseMessage response) =>
        response.Headers.TryGetValues(MinimumChunkHeader, out var values)
        && long.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out long minimum)
        && minimum is > 0 and <= int.MaxValue
            ? minimum
            : null;

    /// <summary>The chunk to send: the setting, raised to the registry's minimum.</summary>
    public static long EffectiveChunkSize(long configured, long? registryMinimum) =>
        registryMinimum is { } minimum && minimum > configured ? minimum : configured;

    /// <summary>
    /// A PATCH's Content-Range in the distribution spec's form "start-end" (inclusive), without the "bytes " unit:
    /// distribution, Harbor, GHCR, ECR and Artifact Registry take it, and ACR takes nothing else.
    /// </summary>
    public static string ContentRange(long first, int length) => ContentRange(first, length, withUnit: false);

    /// <summary>
    /// The same range with the "bytes " unit of RFC 9110 when <paramref name="withUnit"/>: for a registry that refuses
    /// the spec's bare form (a proxy or registry that parses Content-Range as HTTP defines it).
    /// </summary>
    public static string ContentRange(long first, int length, bool withUnit) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{(withUnit ? "bytes " : "")}{first}-{first + length - 1}");

    /// <summary>
    /// An answer to a session's first PATCH that may be about the Content-Range form rather than the chunk (400 bad
    /// request, 416 range not satisfiable): the same chunk is sent once more with the other form.
    /// </summary>
    public static bool MayRefuseContentRangeForm(System.Net.HttpStatusCode status) => (int)status is 400 or 416;

    /// <summary>
    /// An answer to a whole PUT or a PATCH that turns the upload style down rather than the blob: bad request, no such
    /// method, length or range not accepted, too large, not implemented. The other style gets one chance.
    /// </summary>
    public static bool RefusesStyle(System.Net.HttpStatusCode status) =>
        (int)status is 400 or 405 or 411 or 413 or 415 or 416 or 501;

    private static bool IsAmazonEcr(string registry) =>
        registry.Contains(".dkr.ecr.", StringComparison.OrdinalIgnoreCase) && RegistryEndpoint.HostWithoutPort(registry).EndsWith(".amazonaws.com", StringComparison.OrdinalIgnoreCase);

    private static bool IsTrue(string? value) => value is not null && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase));
}
