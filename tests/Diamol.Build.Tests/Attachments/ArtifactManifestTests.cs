using Diamol.Build.Common;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Diamol.Build.Attachments;
using Diamol.Build.Registry;

namespace Diamol.Build.Tests.Attachments;

[TestClass]
public sealed class ArtifactManifestTests
{
    private static readonly BlobDescriptor Image = new(MediaTypes.OciManifest, "sha256:" + new string('a', 64), 1234);
    private static readonly DateTimeOffset Created = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    [TestMethod]
    public void The_empty_blob_is_the_two_bytes_and_digest_of_the_image_spec()
    {
        Assert.AreEqual("{}", Encoding.UTF8.GetString(EmptyBlob.Bytes));
        string computed = "sha256:" + Convert.ToHexString(SHA256.HashData(EmptyBlob.Bytes)).ToLowerInvariant();
        Assert.AreEqual(EmptyBlob.Digest, computed);
        Assert.AreEqual(new BlobDescriptor("application/vnd.oci.empty.v1+json", EmptyBlob.Digest, 2), EmptyBlob.Descriptor);
    }

    [TestMethod]
    public void An_attachment_is_an_OCI_artifact_with_the_image_as_subject()
    {
        byte[] sbom = Encoding.UTF8.GetBytes("""{"spdxVersion":"SPDX-2.3"}""");
        var attachment = new Attachment(MediaTypes.Spdx, sbom, Title: "sbom.spdx.json")
        {
            Annotations = [KeyValuePair.Create("dev.diamol.kind", "sbom")],
        };

        var manifest = ArtifactManifest.Write(attachment, Image, Created);

        Assert.AreEqual(MediaTypes.OciManifest, manifest.MediaType);
        using var json = JsonDocument.Parse(manifest.Bytes);
        var root = json.RootElement;
        Assert.AreEqual(2, root.GetProperty("schemaVersion").GetInt32());
        Assert.AreEqual("application/vnd.oci.image.manifest.v1+json", root.GetProperty("mediaType").GetString());
        Assert.AreEqual("application/spdx+json", root.GetProperty("artifactType").GetString());
        var config = root.GetProperty("config");
        Assert.AreEqual("application/vnd.oci.empty.v1+json", config.GetProperty("mediaType").GetString());
        Assert.AreEqual("sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a", config.GetProperty("digest").GetString());
        Assert.AreEqual(2, config.GetProperty("size").GetInt64());
        var layer = root.GetProperty("layers").EnumerateArray().Single();
        Assert.AreEqual("application/spdx+json", layer.GetProperty("mediaType").GetString());
        Assert.AreEqual(ContentDigest.Of(sbom), layer.GetProperty("digest").GetString());
        Assert.AreEqual(sbom.Length, layer.GetProperty("size").GetInt64());
        Assert.AreEqual("sbom.spdx.json", layer.GetProperty("annotations").GetProperty("org.opencontainers.image.title").GetString());
        var subject = root.GetProperty("subject");
        Assert.AreEqual(Image.MediaType, subject.GetProperty("mediaType").GetString());
        Assert.AreEqual(Image.Digest, subject.GetProperty("digest").GetString());
        Assert.AreEqual(Image.Size, subject.GetProperty("size").GetInt64());
        var annotations = root.GetProperty("annotations");
        Assert.AreEqual("2023-11-14T22:13:20Z", annotations.GetProperty("org.opencontainers.image.created").GetString());
        Assert.AreEqual("sbom", annotations.GetProperty("dev.diamol.kind").GetString());
        Assert.AreEqual(ContentDigest.Of(manifest.Bytes), manifest.Digest);
    }

    [TestMethod]
    public void The_same_document_subject_and_time_give_the_same_bytes_whatever_the_annotation_order()
    {
        byte[] statement = "{}"u8.ToArray();
        var one = new Attachment(MediaTypes.InToto, statement) { Annotations = [KeyValuePair.Create("b", "2"), KeyValuePair.Create("a", "1")] };
        var other = new Attachment(MediaTypes.InToto, statement) { Annotations = [KeyValuePair.Create("a", "1"), KeyValuePair.Create("b", "2")] };

        CollectionAssert.AreEqual(ArtifactManifest.Write(one, Image, Created).Bytes, ArtifactManifest.Write(other, Image, Created).Bytes);
        CollectionAssert.AreNotEqual(ArtifactManifest.Write(one, Image, Created).Bytes, ArtifactManifest.Write(one, Image, Created.AddSeconds(1)).Bytes);
    }

    [TestMethod]
    public void The_referrers_entry_carries_the_artifact_type_and_every_annotation_of_the_manifest()
    {
        var attachment = new Attachment(MediaTypes.CycloneDx, "{}"u8.ToArray()) { Annotations = [KeyValuePair.Create("dev.diamol.kind", "sbom")] };
        var manifest = ArtifactManifest.Write(attachment, Image, Created);

        var entry = ArtifactManifest.Referrer(attachment, manifest, Created);

        Assert.AreEqual(manifest.Digest, entry.Digest);
        Assert.AreEqual(manifest.Bytes.Length, entry.Size);
        Assert.AreEqual(MediaTypes.CycloneDx, entry.ArtifactType);
        using var written = JsonDocument.Parse(manifest.Bytes);
        var annotations = written.RootElement.GetProperty("annotations").EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetString()!)).ToArray();
        CollectionAssert.AreEqual(annotations, entry.Annotations.ToArray());
    }

    [TestMethod]
    [DataRow("sha256:" + "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "sha256-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [DataRow("sha512:" + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        "sha512-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    [DataRow("test+algorithm+using+algorithm+separators+and+lots+of+characters+to+excercise+overall+truncation:" +
        "alsoSome=InTheEncodedSectionToShowHyphenReplacementAndLotsAndLotsOfCharactersToExcerciseEncodedTruncation",
        "test-algorithm-using-algorithm-s-alsoSome-InTheEncodedSectionToShowHyphenReplacementAndLotsAndLot")]
    public void The_referrers_tag_follows_the_distribution_spec_table(string digest, string tag) =>
        Assert.AreEqual(tag, ReferrersTag.For(digest));
}
