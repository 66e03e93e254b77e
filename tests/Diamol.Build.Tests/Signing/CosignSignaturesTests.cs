using Diamol.Build.Common;
using System.Text;
using System.Text.Json;
using Diamol.Build.Registry;
using Diamol.Build.Signing;

namespace Diamol.Build.Tests.Signing;

/// <summary>
/// The signature objects against cosign's SIGNATURE_SPEC: the simple-signing payload, the manifest (config, one layer
/// per signed payload, its media type and signature annotation), the sha256-&lt;hex&gt;.sig tag, one object per signed
/// digest; each signature verified by openssl from the annotation alone.
/// </summary>
[TestClass]
public sealed class CosignSignaturesTests : TempFolderTest
{
    private const string Repository = "localhost:5000/team/app";

    private static readonly string Image = "sha256:" + new string('a', 64);
    private static readonly string Sbom = "sha256:" + new string('b', 64);
    private static readonly string Provenance = "sha256:" + new string('c', 64);

    private SigningKey NewKey()
    {
        Openssl.Run(Root, "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "key.pem");
        return SigningKey.Load(Path.Combine(Root, "key.pem"), null);
    }

    [TestMethod]
    public void The_payload_is_the_simple_signing_document_with_cosigns_type_and_the_digest()
    {
        byte[] payload = SimpleSigningPayload.Create(Repository, Image);

        Assert.AreEqual(
            "{\"critical\":{\"identity\":{\"docker-reference\":\"localhost:5000/team/app\"},\"image\":{\"docker-manifest-digest\":\"" + Image +
            "\"},\"type\":\"cosign container image signature\"},\"optional\":null}",
            Encoding.UTF8.GetString(payload));
        Assert.AreEqual("application/vnd.dev.cosign.simplesigning.v1+json", SimpleSigningPayload.MediaType);
    }

    [TestMethod]
    public void Optional_claims_are_written_in_ordinal_order_so_the_payload_is_the_same_bytes_each_time()
    {
        var first = SimpleSigningPayload.Create(Repository, Image, new Dictionary<string, string> { ["z"] = "1", ["a"] = "x+y" });
        var second = SimpleSigningPayload.Create(Repository, Image, new Dictionary<string, string> { ["a"] = "x+y", ["z"] = "1" });

        CollectionAssert.AreEqual(first, second);
        using var json = JsonDocument.Parse(first);
        Assert.AreEqual("{\"a\":\"x+y\",\"z\":\"1\"}", json.RootElement.GetProperty("optional").GetRawText());
    }

    [TestMethod]
    public void A_digest_that_is_not_sha256_is_refused_before_anything_is_signed()
    {
        Assert.ThrowsExactly<ArgumentException>(() => SimpleSigningPayload.Create(Repository, "sha256:ABC"));
        Assert.ThrowsExactly<ArgumentException>(() => CosignSignatures.TagOf("sha512:" + new string('a', 128)));
    }

    [TestMethod]
    public void The_signature_manifest_is_laid_out_as_the_spec_says_and_its_tag_is_the_digest_with_a_dash_and_sig()
    {
        using var key = NewKey();

        var artifact = CosignSignatures.Sign(key, Repository, [Image]).Single();

        Assert.AreEqual(Image, artifact.SignedDigest);
        Assert.AreEqual("sha256-" + new string('a', 64) + ".sig", artifact.Tag);
        Assert.AreEqual(MediaTypes.OciManifest, artifact.Manifest.MediaType);
        Assert.AreEqual(ContentDigest.Of(artifact.Manifest.Bytes), artifact.Manifest.Digest);
        using var manifest = JsonDocument.Parse(artifact.Manifest.Bytes);
        var root = manifest.RootElement;
        Assert.AreEqual(2, root.GetProperty("schemaVersion").GetInt32());
        Assert.AreEqual(MediaTypes.OciManifest, root.GetProperty("mediaType").GetString());

        var config = root.GetProperty("config");
        Assert.AreEqual(MediaTypes.OciConfig, config.GetProperty("mediaType").GetString());
        Assert.AreEqual(ContentDigest.Of(artifact.Config.Bytes), config.GetProperty("digest").GetString());
        Assert.AreEqual(artifact.Config.Bytes.Length, config.GetProperty("size").GetInt64());

        var layer = root.GetProperty("layers").EnumerateArray().Single();
        byte[] payload = artifact.Layers.Single().Bytes;
        Assert.AreEqual("application/vnd.dev.cosign.simplesigning.v1+json", layer.GetProperty("mediaType").GetString());
        Assert.AreEqual(ContentDigest.Of(payload), layer.GetProperty("digest").GetString());
        Assert.AreEqual(payload.Length, layer.GetProperty("size").GetInt64());
        Assert.AreEqual(1, layer.GetProperty("annotations").EnumerateObject().Count());
        string signature = layer.GetProperty("annotations").GetProperty("dev.cosignproject.cosign/signature").GetString()!;
        Assert.IsTrue(Openssl.Verifies(Root, key.PublicKeyPem, payload, Convert.FromBase64String(signature)));

        using var configJson = JsonDocument.Parse(artifact.Config.Bytes);
        Assert.AreEqual(ContentDigest.Of(payload), configJson.RootElement.GetProperty("rootfs").GetProperty("diff_ids")[0].GetString(),
            "the payload is an uncompressed layer: its diff id is its digest");
        CollectionAssert.AreEqual(new[] { artifact.Config, artifact.Layers[0] }, artifact.Blobs.ToArray());
        using var signed = JsonDocument.Parse(payload);
        Assert.AreEqual(Image, signed.RootElement.GetProperty("critical").GetProperty("image").GetProperty("docker-manifest-digest").GetString());
    }

    [TestMethod]
    public void The_image_and_each_attachment_are_signed_under_their_own_tag_and_openssl_verifies_each_from_its_annotation()
    {
        using var key = NewKey();
        File.WriteAllText(Path.Combine(Root, "cosign.pub"), key.PublicKeyPem);

        var artifacts = CosignSignatures.Sign(key, Repository, [Image, Sbom, Provenance, Image]);

        CollectionAssert.AreEqual(new[] { Image, Sbom, Provenance }, artifacts.Select(a => a.SignedDigest).ToArray(), "each digest once, in order");
        CollectionAssert.AllItemsAreUnique(artifacts.Select(a => a.Tag).ToArray());
        foreach (var artifact in artifacts)
        {
            using var manifest = JsonDocument.Parse(artifact.Manifest.Bytes);
            var layer = manifest.RootElement.GetProperty("layers").EnumerateArray().Single();
            byte[] der = Convert.FromBase64String(layer.GetProperty("annotations").GetProperty(CosignSignatures.SignatureAnnotation).GetString()!);
            byte[] payload = artifact.Layers.Single(l => l.Descriptor.Digest == layer.GetProperty("digest").GetString()).Bytes;
            File.WriteAllBytes(Path.Combine(Root, "payload.json"), payload);
            File.WriteAllBytes(Path.Combine(Root, "sig.der"), der);

            string verdict = Openssl.Run(Root, "dgst", "-sha256", "-verify", "cosign.pub", "-signature", "sig.der", "payload.json");

            StringAssert.Contains(verdict, "Verified OK");
            using var signed = JsonDocument.Parse(payload);
            Assert.AreEqual(artifact.SignedDigest, signed.RootElement.GetProperty("critical").GetProperty("image").GetProperty("docker-manifest-digest").GetString());
            Assert.AreEqual(artifact.SignedDigest.Replace(':', '-') + ".sig", artifact.Tag);
        }
    }

    [TestMethod]
    public void Signatures_already_under_the_tag_stay_first_in_the_manifest_and_ours_follows()
    {
        using var key = NewKey();
        var theirs = CosignSignatures.Sign(key, "other/repo", [Image]).Single();
        byte[] ours = SimpleSigningPayload.Create(Repository, Image);

        var merged = CosignSignatures.Artifact(Image,
            [new SignatureLayer(theirs.Layers[0].Bytes, "c2lnbmF0dXJl"), new SignatureLayer(ours, Convert.ToBase64String(key.Sign(ours)))]);

        using var manifest = JsonDocument.Parse(merged.Manifest.Bytes);
        var layers = manifest.RootElement.GetProperty("layers").EnumerateArray().ToList();
        Assert.AreEqual(2, layers.Count);
        Assert.AreEqual(theirs.Layers[0].Descriptor.Digest, layers[0].GetProperty("digest").GetString());
        Assert.AreEqual("c2lnbmF0dXJl", layers[0].GetProperty("annotations").GetProperty(CosignSignatures.SignatureAnnotation).GetString());
        Assert.AreEqual(ContentDigest.Of(ours), layers[1].GetProperty("digest").GetString());
        Assert.AreEqual(theirs.Tag, merged.Tag);
    }
}
