using Diamol.Build.Common;
using System.Text;
using System.Text.Json.Nodes;
using Diamol.Build.Oci;
using Diamol.Build.Registry;

namespace Diamol.Build.Signing;

/// <summary>
/// Signs digests as cosign's SIGNATURE_SPEC lays signatures out: per signed object one OCI image manifest, tagged
/// <c>sha256-&lt;hex&gt;.sig</c> in the object's repository, whose layers are simple-signing payloads (media type
/// <see cref="SimpleSigningPayload.MediaType"/>) each carrying its signature, base64 of the DER ECDSA signature over
/// the payload's bytes, in the annotation <see cref="SignatureAnnotation"/>. The image and each attachment (SBOM,
/// provenance) are separate objects, each signed under its own tag, exactly as `cosign sign` of each digest would.
/// </summary>
internal static class CosignSignatures
{
    public const string SignatureAnnotation = "dev.cosignproject.cosign/signature";

    /// <summary>The tag cosign's tag-based discovery finds a digest's signatures under: ':' becomes '-', then ".sig".</summary>
    public static string TagOf(string digest)
    {
        if (!ContentDigest.IsSha256(digest)) throw new ArgumentException($"'{digest}' is not a sha256 digest.", nameof(digest));
        return digest.Replace(':', '-') + ".sig";
    }

    /// <summary>One signature object per digest (in the order given, each digest once), each with this key's signature of its payload.</summary>
    public static IReadOnlyList<SignatureArtifact> Sign(
        SigningKey key, string repository, IEnumerable<string> digests, IReadOnlyDictionary<string, string>? optional = null) =>
        digests.Distinct(StringComparer.Ordinal).Select(digest =>
        {
            byte[] payload = SimpleSigningPayload.Create(repository, digest, optional);
            return Artifact(digest, [new SignatureLayer(payload, Convert.ToBase64String(key.Sign(payload)))]);
        }).ToList();

    /// <summary>
    /// The signature object of a digest over the given layers: a pusher that finds signatures already under the tag
    /// passes theirs first and ours after, as cosign appends a second signature to the same manifest.
    /// </summary>
    public static SignatureArtifact Artifact(string digest, IReadOnlyList<SignatureLayer> signatures)
    {
        var layers = signatures.Select(s => new ArtifactBlob(BlobDescriptor.Of(SimpleSigningPayload.MediaType, s.Payload), s.Payload)).ToList();
        byte[] configBytes = Config(layers);
        var config = new ArtifactBlob(BlobDescriptor.Of(MediaTypes.OciConfig, configBytes), configBytes);
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciManifest,
            ["config"] = config.Descriptor.ToJson(),
            ["layers"] = new JsonArray(layers.Zip(signatures, (layer, signature) =>
            {
                var descriptor = layer.Descriptor.ToJson();
                descriptor["annotations"] = new JsonObject { [SignatureAnnotation] = signature.Signature };
                return (JsonNode)descriptor;
            }).ToArray()),
        };
        return new SignatureArtifact(digest, TagOf(digest), WrittenManifest.Of(manifest, MediaTypes.OciManifest), config, layers);
    }

    // cosign's signature image is an empty image with the payloads as layers: its config lists them as the rootfs
    // (uncompressed, so each diff id is the layer's digest). Nothing reads it, but registries and tools expect an image.
    private static byte[] Config(IEnumerable<ArtifactBlob> layers)
    {
        var config = new JsonObject
        {
            ["architecture"] = "",
            ["os"] = "",
            ["config"] = new JsonObject(),
            ["rootfs"] = new JsonObject
            {
                ["type"] = "layers",
                ["diff_ids"] = new JsonArray(layers.Select(l => (JsonNode)JsonValue.Create(l.Descriptor.Digest)).ToArray()),
            },
        };
        return Encoding.UTF8.GetBytes(config.ToJsonString(CompactJson.Options));
    }
}
