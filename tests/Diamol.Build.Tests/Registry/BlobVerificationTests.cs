using System.Net;
using System.Text;
using Diamol.Build.Common;
using Diamol.Build.Diagnostics;
using Diamol.Build.Layers;
using Diamol.Build.Oci;
using Diamol.Build.Pipeline;
using Diamol.Build.Registry;
using Diamol.Build.Tests.Pipeline;

namespace Diamol.Build.Tests.Registry;

/// <summary>Every blob read for an archive, a load or a push is hashed as it is copied, and a wrong one stops the copy.</summary>
[TestClass]
public sealed class BlobVerificationTests : TempFolderTest
{
    private const string Registry = "registry.test";

    private (string Path, BlobDescriptor Blob) OnDisk(string text, string? damaged = null)
    {
        var (_, blob) = TestImages.Blob(text);
        string path = Path.Combine(Root, blob.Digest["sha256:".Length..]);
        File.WriteAllText(path, damaged ?? text);
        return (path, blob);
    }

    [TestMethod]
    public void The_right_bytes_read_through_and_a_damaged_file_of_the_same_size_throws_naming_the_blob()
    {
        var (good, blob) = OnDisk("layer bytes");
        using (var stream = new VerifiedBlobStream(good, blob))
        {
            Assert.AreEqual("layer bytes", new StreamReader(stream).ReadToEnd());
        }

        var (bad, badBlob) = OnDisk("layer bytes", damaged: "layer bytez");
        using var damaged = new VerifiedBlobStream(bad, badBlob);
        var e = Assert.ThrowsExactly<BlobMismatchException>(() => damaged.CopyTo(Stream.Null));
        Assert.AreEqual(badBlob.Digest, e.Digest);
        Assert.AreEqual(bad, e.Path);
        Assert.AreEqual(ContentDigest.Of(Encoding.UTF8.GetBytes("layer bytez")), e.Actual);
        Assert.AreSame(e, damaged.Mismatch);
    }

    [TestMethod]
    [DataRow("short", DisplayName = "shorter than its descriptor")]
    [DataRow("layer bytes and more", DisplayName = "longer than its descriptor")]
    public void A_file_of_another_length_throws(string onDisk)
    {
        var (path, blob) = OnDisk("layer bytes", damaged: onDisk);
        using var stream = new VerifiedBlobStream(path, blob);
        Assert.ThrowsExactly<BlobMismatchException>(() => stream.CopyTo(Stream.Null));
    }

    [TestMethod]
    public void An_archive_is_not_written_with_a_damaged_blob()
    {
        var (path, blob) = OnDisk("layer bytes", damaged: "LAYER BYTES");
        var config = Encoding.UTF8.GetBytes("{}");
        var manifest = new WrittenManifest(Encoding.UTF8.GetBytes("{}"), ContentDigest.Of(Encoding.UTF8.GetBytes("{}")), MediaTypes.OciManifest);

        var e = Assert.ThrowsExactly<BlobMismatchException>(() =>
            ImageArchiveWriter.Write(Stream.Null, config, ContentDigest.Of(config), manifest, [new ArchiveBlob(blob, path)], ["app:1"]));

        Assert.AreEqual(blob.Digest, e.Digest);
    }

    [TestMethod]
    public async Task A_push_of_a_damaged_blob_stops_with_the_mismatch_not_a_network_error_and_cancels_the_upload()
    {
        var (path, blob) = OnDisk("layer bytes", damaged: "layer bytez");
        var handler = new FakeRegistryHandler(request => request.Method.Method switch
        {
            "HEAD" => FakeRegistryHandler.Status(HttpStatusCode.NotFound),
            "POST" => FakeRegistryHandler.Accepted("/v2/team/app/blobs/uploads/u1"),
            "DELETE" => FakeRegistryHandler.Status(HttpStatusCode.NoContent),
            _ => FakeRegistryHandler.Status(HttpStatusCode.Created),
        });
        using var client = new RegistryClient(Registry, () => null, handler);

        var e = await Assert.ThrowsExactlyAsync<BlobMismatchException>(() => client.PushBlobAsync("team/app", blob, () => new VerifiedBlobStream(path, blob), null, default));

        Assert.AreEqual(blob.Digest, e.Digest);
        Assert.IsTrue(handler.Requests.Any(r => r.Method == HttpMethod.Delete), "the upload session is cancelled");
    }

    [TestMethod]
    public async Task A_registrys_DIGEST_INVALID_is_DIAM3013_naming_the_blob_and_what_was_sent()
    {
        var (bytes, blob) = TestImages.Blob("layer bytes");
        var handler = new FakeRegistryHandler(request => request.Method.Method switch
        {
            "HEAD" => FakeRegistryHandler.Status(HttpStatusCode.NotFound),
            "POST" => FakeRegistryHandler.Accepted("/v2/team/app/blobs/uploads/u1"),
            "PUT" => FakeRegistryHandler.Json(HttpStatusCode.BadRequest, """{"errors":[{"code":"DIGEST_INVALID","message":"provided digest did not match uploaded content"}]}"""),
            _ => FakeRegistryHandler.Status(HttpStatusCode.NoContent),
        });
        using var client = new RegistryClient(Registry, () => null, handler);

        // Before: the digest of what was sent was read after HttpClient disposed the body: ObjectDisposedException, DIAM9001.
        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => client.PushBlobAsync("team/app", blob, () => new MemoryStream(bytes), null, default));

        Assert.AreEqual(DiagnosticCode.DIAM3013, e.Code);
        StringAssert.Contains(e.Message, blob.Digest);
    }

    [TestMethod]
    public async Task A_mismatch_is_repaired_once_then_the_step_runs_again_and_a_second_one_is_DIAM3013()
    {
        var (path, blob) = OnDisk("layer bytes", damaged: "layer bytez");
        var log = new ListBuildLog();
        var restored = new List<string>();
        var repair = new BlobRepair((digest, _) =>
        {
            restored.Add(digest);
            File.WriteAllText(path, "layer bytes");
            return Task.FromResult<string?>("written again");
        }, log);
        int runs = 0;

        await repair.RunAsync("the test step", () =>
        {
            runs++;
            using var stream = new VerifiedBlobStream(path, blob);
            stream.CopyTo(Stream.Null);
            return Task.CompletedTask;
        }, default);

        Assert.AreEqual(2, runs);
        CollectionAssert.AreEqual(new[] { blob.Digest }, restored);
        Assert.IsTrue(log.Lines.Any(l => l.Contains(blob.Digest) && l.Contains("written again")), string.Join("\n", log.Lines));

        // A restore that does not help: the same blob mismatches again, and that is DIAM3013 naming it.
        File.WriteAllText(path, "layer bytez");
        var stubborn = new BlobRepair((_, _) => Task.FromResult<string?>("fetched again"), log);
        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => stubborn.RunAsync("the test step", () =>
        {
            using var stream = new VerifiedBlobStream(path, blob);
            stream.CopyTo(Stream.Null);
            return Task.CompletedTask;
        }, default));
        Assert.AreEqual(DiagnosticCode.DIAM3013, e.Code);
        StringAssert.Contains(e.Message, blob.Digest);
        StringAssert.Contains(e.Message, path);

        // A blob nobody can restore: DIAM3013 at once.
        var none = new BlobRepair((_, _) => Task.FromResult<string?>(null), log);
        Assert.AreEqual(DiagnosticCode.DIAM3013, (await Assert.ThrowsExactlyAsync<DiamolException>(() => none.RunAsync("the test step", () =>
            Task.FromException(new HttpRequestException("wrapped", new BlobMismatchException(blob.Digest, path, "x"))), default))).Code);
    }

    [TestMethod]
    public void A_multi_platform_archive_with_a_damaged_blob_in_a_layout_is_DIAM3013_and_leaves_no_archive()
    {
        string layout = Path.Combine(Root, "layout");
        string blobs = Path.Combine(layout, "blobs", "sha256");
        Directory.CreateDirectory(blobs);
        var (_, blob) = TestImages.Blob("layer bytes");
        System.IO.File.WriteAllText(Path.Combine(blobs, blob.Digest["sha256:".Length..]), "layer bytez");
        string archive = Path.Combine(Root, "app.tar.gz");

        var e = Assert.ThrowsExactly<DiamolException>(() => ImageIndexStage.WriteArchive(archive, ["app:1"], ImageFormat.Oci,
            [new PlatformManifest(new ImagePlatform("linux", "amd64"), blob.Digest, MediaTypes.OciManifest, 10, layout)]));

        Assert.AreEqual(DiagnosticCode.DIAM3013, e.Code);
        StringAssert.Contains(e.Message, blob.Digest);
        Assert.IsFalse(System.IO.File.Exists(archive));
        Assert.IsFalse(System.IO.File.Exists(archive + ".tmp"));
    }
}
