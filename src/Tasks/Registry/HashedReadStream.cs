using System.Security.Cryptography;
using Diamol.Build.Common;

namespace Diamol.Build.Registry;

/// <summary>
/// A read-only stream over another that SHA-256-hashes what is read and shows each read to
/// <see cref="ReadThroughStream.Observe"/>: what the upload body and the verified blob reader share.
/// </summary>
internal abstract class HashedReadStream(Stream inner) : ReadThroughStream(inner)
{
    protected IncrementalHash Hash { get; } = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    protected override void Dispose(bool disposing)
    {
        if (disposing) Hash.Dispose();
        base.Dispose(disposing);
    }
}
