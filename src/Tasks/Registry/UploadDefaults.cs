namespace Diamol.Build.Registry;

/// <summary>
/// When blobs go up in chunks, and how big the chunks are. Mirrors the SDK's RegistrySettings and
/// OrasRepositoryFactory (Registry/RegistrySettings.cs, Registry/OrasRepositoryFactory.cs): a blob goes up whole
/// unless DOTNET_CONTAINER_DEBUG_REGISTRY_FORCE_CHUNKED_UPLOAD is true; chunks are 64 KiB unless
/// DOTNET_CONTAINER_REGISTRY_CHUNKED_UPLOAD_SIZE_BYTES says otherwise (the SDK_CONTAINER_* names are the legacy
/// spellings); Amazon ECR takes chunks of at least 5 MiB but the last.
/// </summary>
public static class UploadDefaults
{
    public const string ChunkSizeVariable = "DOTNET_CONTAINER_REGISTRY_CHUNKED_UPLOAD_SIZE_BYTES";
    public const string LegacyChunkSizeVariable = "SDK_CONTAINER_REGISTRY_CHUNKED_UPLOAD_SIZE_BYTES";
    public const string ForceChunkedVariable = "DOTNET_CONTAINER_DEBUG_REGISTRY_FORCE_CHUNKED_UPLOAD";
    public const string LegacyForceChunkedVariable = "SDK_CONTAINER_DEBUG_REGISTRY_FORCE_CHUNKED_UPLOAD";

    public const long DefaultChunkSize = 64 * 1024;
    public const long AmazonEcrMinimumChunkSize = 5 * 1024 * 1024;

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

    private static bool IsAmazonEcr(string registry) =>
        registry.Contains(".dkr.ecr.", StringComparison.OrdinalIgnoreCase) && RegistryEndpoint.HostWithoutPort(registry).EndsWith(".amazonaws.com", StringComparison.OrdinalIgnoreCase);

    private static bool IsTrue(string? value) => value is not null && (value == "1" || value.Equals("true", StringComparison.OrdinalIgnoreCase));
}
