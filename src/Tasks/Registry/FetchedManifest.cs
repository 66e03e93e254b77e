namespace Diamol.Build.Registry;

/// <summary>A manifest or index as a registry served it: its bytes, media type, digest (verified) and ETag when the registry sent one.</summary>
internal sealed record FetchedManifest(byte[] Bytes, string MediaType, string Digest, string? ETag = null);
