using Diamol.Build.Common;

namespace Diamol.Build.Registry;

/// <summary>One manifest an index (or Docker manifest list) points at, with its platform when it declares one.</summary>
internal sealed record ImageIndexEntry(string MediaType, string Digest, long Size, ImagePlatform? Platform);
