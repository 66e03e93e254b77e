using System.Formats.Tar;
using System.Text;
using System.Text.Json;
using Diamol.Build.Common;
using Diamol.Build.Oci;
using Diamol.Build.Registry;

namespace Diamol.Build.Tests.Oci;

/// <summary>The one writer of an OCI image layout: what a tarball holds, in which order, and the index.json it names.</summary>
[TestClass]
public sealed class OciLayoutWriterTests
{
    private static Dictionary<string, byte[]> Entries(byte[] tarball, List<string> names)
    {
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var reader = new TarReader(new MemoryStream(tarball));
        while (reader.GetNextEntry() is { } entry)
        {
            names.Add(entry.Name);
            var content = new MemoryStream();
            entry.DataStream?.CopyTo(content);
            entries[entry.Name] = content.ToArray();
        }

        return entries;
    }

    [TestMethod]
    public void A_layout_starts_with_its_marker_holds_each_blob_once_and_names_the_manifest_under_every_tag()
    {
        byte[] blob = Encoding.UTF8.GetBytes("{\"a\":1}");
        string digest = ContentDigest.Of(blob);
        var manifest = new WrittenManifest(Encoding.UTF8.GetBytes("{}"), ContentDigest.Of(Encoding.UTF8.GetBytes("{}")), MediaTypes.OciManifest);
        var output = new MemoryStream();

        var layout = new OciLayoutWriter(output, folderEntries: false);
        layout.AddBlob(digest, blob);
        layout.AddBlob(digest, blob);
        layout.AddBlob(manifest.Digest, manifest.Bytes);
        layout.AddIndex(manifest, ["team/app:1.0", "localhost:5000/team/app:latest"]);
        layout.Finish();

        var names = new List<string>();
        var entries = Entries(output.ToArray(), names);
        CollectionAssert.AreEqual(new[] { "oci-layout", OciLayoutWriter.BlobName(digest), OciLayoutWriter.BlobName(manifest.Digest), "index.json" }, names);
        Assert.AreEqual("{\"imageLayoutVersion\":\"1.0.0\"}", Encoding.UTF8.GetString(entries["oci-layout"]));
        using var index = JsonDocument.Parse(entries["index.json"]);
        Assert.AreEqual(MediaTypes.OciIndex, index.RootElement.GetProperty("mediaType").GetString());
        var named = index.RootElement.GetProperty("manifests").EnumerateArray().ToArray();
        Assert.AreEqual(2, named.Length);
        foreach (var entry in named)
        {
            Assert.AreEqual(manifest.Digest, entry.GetProperty("digest").GetString());
            Assert.AreEqual(manifest.MediaType, entry.GetProperty("mediaType").GetString());
        }

        Assert.AreEqual("localhost:5000/team/app:latest", named[1].GetProperty("annotations").GetProperty("io.containerd.image.name").GetString());
        Assert.AreEqual("latest", named[1].GetProperty("annotations").GetProperty("org.opencontainers.image.ref.name").GetString());
    }

    [TestMethod]
    public void The_image_archive_has_folder_entries_and_docker_archives_manifest_beside_the_layout()
    {
        var output = new MemoryStream();
        var layout = new OciLayoutWriter(output, folderEntries: true);
        layout.AddFile("manifest.json", Encoding.UTF8.GetBytes("[]"));
        layout.Finish();

        var names = new List<string>();
        Entries(output.ToArray(), names);
        CollectionAssert.AreEqual(new[] { "oci-layout", "blobs/", "blobs/sha256/", "manifest.json" }, names);
    }
}
