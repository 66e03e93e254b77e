using Diamol.Build.Oci;
using Diamol.Build.Registry;

namespace Diamol.Build.Signing;

/// <summary>A blob to write (to a registry or an OCI layout) with the descriptor that names it.</summary>
internal sealed record ArtifactBlob(BlobDescriptor Descriptor, byte[] Bytes);

/// <summary>One payload and the base64 of its DER signature: a layer of a signature manifest.</summary>
internal sealed record SignatureLayer(byte[] Payload, string Signature);

/// <summary>
/// The cosign signature object of one signed digest, as plain values a pusher writes: the blobs first (config, then
/// each layer), then the manifest under <see cref="Tag"/> in the signed object's repository.
/// </summary>
/// <param name="SignedDigest">The digest the signatures are over (the image's manifest or index, or an attachment's manifest).</param>
/// <param name="Tag">Where cosign's tag-based discovery looks: <c>sha256-&lt;hex&gt;.sig</c>.</param>
internal sealed record SignatureArtifact(string SignedDigest, string Tag, WrittenManifest Manifest, ArtifactBlob Config, IReadOnlyList<ArtifactBlob> Layers)
{
    /// <summary>Every blob the manifest names, the config first.</summary>
    public IEnumerable<ArtifactBlob> Blobs => [Config, .. Layers];
}
