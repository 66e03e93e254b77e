using System.Formats.Tar;
using System.Text;
using System.Text.Json;
using Diamol.Build.Attachments;
using Diamol.Build.Oci;
using Diamol.Build.Registry;

namespace Diamol.Build.Tests.Attachments;

[TestClass]
public sealed class LayoutAttachmentsTests
{
    private static readonly DateTimeOffset Created = DateTimeOffset.FromUnixTimeSeconds(1_700_000_000);

    [TestMethod]
    public void Attachments_go_into_the_layout_as_blobs_and_untagged_index_entries_with_the_image_as_subject()
    {
        var image = WrittenManifest.Of(new System.Text.Json.Nodes.JsonObject { ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.OciManifest }, MediaTypes.OciManifest);
        var subject = new BlobDescriptor(image.MediaType, image.Digest, image.Bytes.Length);
        var sbom = new Attachment(MediaTypes.Spdx, Encoding.UTF8.GetBytes("""{"spdxVersion":"SPDX-2.3"}"""));
        var provenance = new Attachment(MediaTypes.InToto, "{}"u8.ToArray());
        using var tar = new MemoryStream();

        var layout = new OciLayoutWriter(tar, folderEntries: true);
        layout.AddBlob(image.Digest, image.Bytes);
        var entries = LayoutAttachments.Add(layout, [subject], [sbom, provenance], Created);
        layout.AddIndex(image, ["registry.test/team/app:1.0"], entries);
        layout.Finish();

        var files = Files(tar.ToArray());
        using var index = JsonDocument.Parse(files["index.json"]);
        var manifests = index.RootElement.GetProperty("manifests").EnumerateArray().ToArray();
        Assert.AreEqual(3, manifests.Length);
        Assert.AreEqual(image.Digest, manifests[0].GetProperty("digest").GetString());
        Assert.AreEqual("1.0", manifests[0].GetProperty("annotations").GetProperty("org.opencontainers.image.ref.name").GetString());
        CollectionAssert.AreEqual(new[] { MediaTypes.Spdx, MediaTypes.InToto }, manifests[1..].Select(m => m.GetProperty("artifactType").GetString()).ToArray());
        foreach (var entry in manifests[1..])
        {
            Assert.IsFalse(entry.GetProperty("annotations").TryGetProperty("org.opencontainers.image.ref.name", out _), "an attachment is no tag");
            byte[] manifest = files[OciLayoutWriter.BlobName(entry.GetProperty("digest").GetString()!)];
            Assert.AreEqual(entry.GetProperty("size").GetInt64(), manifest.Length);
            using var json = JsonDocument.Parse(manifest);
            Assert.AreEqual(image.Digest, json.RootElement.GetProperty("subject").GetProperty("digest").GetString());
            string document = json.RootElement.GetProperty("layers")[0].GetProperty("digest").GetString()!;
            Assert.IsTrue(files.ContainsKey(OciLayoutWriter.BlobName(document)));
        }

        CollectionAssert.AreEqual(sbom.Content, files[OciLayoutWriter.BlobName(sbom.ContentDescriptor.Digest)]);
        CollectionAssert.AreEqual("{}"u8.ToArray(), files[OciLayoutWriter.BlobName(EmptyBlob.Digest)]);
    }

    [TestMethod]
    public void No_attachments_leave_the_layout_as_it_was()
    {
        var image = WrittenManifest.Of(new System.Text.Json.Nodes.JsonObject { ["schemaVersion"] = 2 }, MediaTypes.OciManifest);
        byte[] Write(bool withNone)
        {
            using var tar = new MemoryStream();
            var layout = new OciLayoutWriter(tar, folderEntries: false);
            var entries = withNone ? LayoutAttachments.Add(layout, [new BlobDescriptor(image.MediaType, image.Digest, image.Bytes.Length)], [], Created) : null;
            layout.AddIndex(image, ["a:1"], entries);
            layout.Finish();
            return tar.ToArray();
        }

        CollectionAssert.AreEqual(Write(false), Write(true));
    }

    private static Dictionary<string, byte[]> Files(byte[] tar)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var reader = new TarReader(new MemoryStream(tar));
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.DataStream is null) continue;
            using var copy = new MemoryStream();
            entry.DataStream.CopyTo(copy);
            files[entry.Name] = copy.ToArray();
        }

        return files;
    }
}
