namespace Diamol.Build.Registry;

/// <summary>A blob as a manifest names it: media type, content digest (sha256:...) and size in bytes.</summary>
internal sealed record BlobDescriptor(string MediaType, string Digest, long Size);
