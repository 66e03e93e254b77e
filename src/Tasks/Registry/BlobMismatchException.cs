namespace Diamol.Build.Registry;

/// <summary>
/// A blob on disk (a cached base layer, one of our own layer blobs) whose bytes, read to be archived, loaded or
/// pushed, are not its digest. Thrown while the bytes are copied, so the caller can remove the file, fetch or write
/// it again, and try once more; a second mismatch of the same blob is DIAM3013.
/// </summary>
internal sealed class BlobMismatchException(string digest, string path, string actual)
    : IOException($"The file '{path}' should hold the blob {digest} but holds {actual}.")
{
    public string Digest { get; } = digest;

    public string Path { get; } = path;

    public string Actual { get; } = actual;
}
