using Diamol.Build.Common;

namespace Diamol.Build.Registry;

/// <summary>
/// A read-only view of a blob being uploaded: it hashes and counts what is read, and reports each read so the
/// request's idle time-out restarts while the body is still flowing.
/// </summary>
internal sealed class BlobBodyStream(Stream inner, long length) : HashedReadStream(inner)
{
    private string? _digest;
    private bool _disposed;

    public Action? Progress { get; set; }

    public long BytesRead { get; private set; }

    /// <summary>
    /// The digest of everything read, after the last read. Taken when the stream is disposed too: HttpClient disposes
    /// the request's content (and so this stream) before a <c>DIGEST_INVALID</c> answer is read, and the digest is
    /// what that error must name.
    /// </summary>
    public string Digest() => _digest ??= ContentDigest.Of(Hash);

    public override long Length => length;

    public override long Position { get => BytesRead; set => throw new NotSupportedException(); }

    protected override void Observe(ReadOnlySpan<byte> bytes)
    {
        Hash.AppendData(bytes);
        BytesRead += bytes.Length;
        Progress?.Invoke();
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            Digest();
        }

        base.Dispose(disposing);
    }
}
