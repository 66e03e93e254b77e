using System.Security.Cryptography;
using Diamol.Build.Common;

namespace Diamol.Build.Oci;

/// <summary>A write-through stream that counts and SHA-256-hashes what passes, for digests computed in one pass.</summary>
internal sealed class HashingStream(Stream inner) : WriteOnlyStream
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>"sha256:..." of everything written.</summary>
    public string Digest() => ContentDigest.Of(_hash);

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _hash.AppendData(buffer);
        Written += buffer.Length;
        inner.Write(buffer);
    }

    public override void Flush() => inner.Flush();

    protected override void Dispose(bool disposing)
    {
        if (disposing) _hash.Dispose();
        base.Dispose(disposing);
    }

    public override long Length => Written;
}
