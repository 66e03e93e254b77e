namespace Diamol.Build.Oci;

/// <summary>One written layer: its compressed blob on disk, the digest registries know it by, and the DiffID (uncompressed).</summary>
internal sealed record LayerBlob(string Name, string Digest, long Size, string DiffId, long UncompressedSize, string Path, string Key);
