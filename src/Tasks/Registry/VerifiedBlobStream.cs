using Diamol.Build.Common;

namespace Diamol.Build.Registry;

/// <summary>
/// Reads a blob from disk and hashes it as it goes (no second read): when the last of <see cref="BlobDescriptor.Size"/>
/// bytes has been read, or the file ends before, or it goes on after, and the bytes are not the digest, the read
/// throws <see cref="BlobMismatchException"/>. Only the file's length was checked before, so a damaged cached blob of
/// the right size went into archives and pushes as it was.
/// </summary>
internal sealed class VerifiedBlobStream(string path, BlobDescriptor blob)
    : HashedReadStream(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16))
{
    private long _read;
    private bool _verified;

    /// <summary>The mismatch this stream found, if any (a caller whose reads were wrapped by others finds it here).</summary>
    public BlobMismatchException? Mismatch { get; private set; }

    public override long Length => blob.Size;

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    protected override void Observe(ReadOnlySpan<byte> bytes)
    {
        if (Mismatch is not null) throw Mismatch;
        if (bytes.Length == 0)
        {
            if (!_verified) Verify();
            return;
        }

        if (_verified || _read + bytes.Length > blob.Size) Fail($"more than {blob.Size} bytes");
        Hash.AppendData(bytes);
        _read += bytes.Length;
        if (_read == blob.Size) Verify();
    }

    private void Verify()
    {
        if (_read != blob.Size) Fail($"{_read} bytes");
        string actual = ContentDigest.Of(Hash);
        if (actual != blob.Digest) Fail(actual);
        _verified = true;
    }

    private void Fail(string actual)
    {
        Mismatch = new BlobMismatchException(blob.Digest, path, actual);
        throw Mismatch;
    }
}
