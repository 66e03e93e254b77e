using Diamol.Build.Common;

namespace Diamol.Build.Oci;

/// <summary>
/// A content-addressed folder of blobs (DiamolCacheDirectory, by default under the user's profile): base image layers
/// fetched once are shared by every project and build. A blob is only ever stored under its verified digest.
/// </summary>
internal sealed class BlobCache(string directory)
{
    public string Directory { get; } = directory;

    /// <summary>The default: ~/.diamol/cache (LOCALAPPDATA on Windows), beside NuGet's and docker's own caches.</summary>
    public static string DefaultDirectory() =>
        Path.Combine(Environment.GetFolderPath(OperatingSystem.IsWindows() ? Environment.SpecialFolder.LocalApplicationData : Environment.SpecialFolder.UserProfile), ".diamol", "cache");

    /// <summary>The folder of the blobs, each named by its digest's hex.</summary>
    public string BlobFolder => OciLayoutWriter.BlobFolderIn(Directory);

    public string PathOf(string digest) => Path.Combine(BlobFolder, ContentDigest.HexOf(digest));

    public bool Contains(string digest, long size) => new FileInfo(PathOf(digest)) is { Exists: true } file && file.Length == size;
}
