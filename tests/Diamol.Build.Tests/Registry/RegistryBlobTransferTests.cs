using System.Net;
using System.Text;
using Diamol.Build.Diagnostics;
using Diamol.Build.Registry;

namespace Diamol.Build.Tests.Registry;

[TestClass]
public sealed class RegistryBlobTransferTests : TempFolderTest
{
    private const string Registry = "registry.test";

    private string NewFolder()
    {
        return Directory.CreateDirectory(Path.Combine(Root, Guid.NewGuid().ToString("N")[..8])).FullName;
    }

    [TestMethod]
    public async Task Download_writes_the_verified_blob()
    {
        var (bytes, blob) = TestImages.Blob("the layer content");
        using var client = new RegistryClient(Registry, () => null, new FakeRegistryHandler(_ => FakeRegistryHandler.Bytes(bytes)));
        string folder = NewFolder();
        string destination = Path.Combine(folder, "blobs", "layer.tar.gz");
        await client.DownloadBlobAsync("team/app", blob, destination, default);

        CollectionAssert.AreEqual(bytes, File.ReadAllBytes(destination));
        CollectionAssert.AreEqual(new[] { destination }, Directory.GetFiles(Path.GetDirectoryName(destination)!));
    }

    [TestMethod]
    public async Task Download_with_a_digest_mismatch_is_DIAM3013_and_leaves_no_file()
    {
        var (_, blob) = TestImages.Blob("what the manifest promised");
        byte[] served = Encoding.UTF8.GetBytes("what the registry served!!");
        Assert.AreEqual(blob.Size, served.Length, "same size, different content");
        using var client = new RegistryClient(Registry, () => null, new FakeRegistryHandler(_ => FakeRegistryHandler.Bytes(served)));
        string folder = NewFolder();
        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => client.DownloadBlobAsync("team/app", blob, Path.Combine(folder, "layer"), default));

        Assert.AreEqual(DiagnosticCode.DIAM3013, e.Code);
        StringAssert.Contains(e.Message, blob.Digest);
        StringAssert.Contains(e.Message, Registry);
        Assert.AreEqual(0, Directory.GetFileSystemEntries(folder).Length, "neither the file nor its temporary copy is left");
    }

    [TestMethod]
    public async Task Get_blob_that_is_longer_than_its_descriptor_is_DIAM3013()
    {
        var (bytes, blob) = TestImages.Blob("{}");
        using var client = new RegistryClient(Registry, () => null, new FakeRegistryHandler(_ => FakeRegistryHandler.Bytes([.. bytes, .. bytes])));

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => client.GetBlobAsync("team/app", blob, default));

        Assert.AreEqual(DiagnosticCode.DIAM3013, e.Code);
    }

    [TestMethod]
    public async Task Monolithic_upload_is_one_PUT_with_the_digest_to_a_relative_location()
    {
        var (bytes, blob) = TestImages.Blob("small layer");
        var handler = new FakeRegistryHandler(request => request.Method.Method switch
        {
            "HEAD" => FakeRegistryHandler.Status(HttpStatusCode.NotFound),
            "POST" => FakeRegistryHandler.Accepted("/v2/team/app/blobs/uploads/u1?_state=abc"),
            "PUT" => FakeRegistryHandler.Status(HttpStatusCode.Created),
            _ => FakeRegistryHandler.Status(HttpStatusCode.MethodNotAllowed),
        });
        using var client = new RegistryClient(Registry, () => null, handler);

        var outcome = await client.PushBlobAsync("team/app", blob, () => new MemoryStream(bytes), null, default);

        Assert.AreEqual(BlobPushOutcome.Uploaded, outcome);
        var put = handler.Requests.Single(r => r.Method == HttpMethod.Put);
        Assert.AreEqual("registry.test", put.Uri.Host);
        Assert.AreEqual("/v2/team/app/blobs/uploads/u1", put.Path);
        StringAssert.Contains(put.Uri.Query, "_state=abc");
        StringAssert.Contains(Uri.UnescapeDataString(put.Uri.Query), "digest=" + blob.Digest);
        CollectionAssert.AreEqual(bytes, put.Body);
        Assert.IsFalse(handler.Requests.Any(r => r.Method == HttpMethod.Patch));
    }

    [TestMethod]
    public async Task Chunked_upload_sends_PATCHes_with_Content_Range_then_PUT_digest()
    {
        var (bytes, blob) = TestImages.Blob("0123456789");
        int session = 0;
        var handler = new FakeRegistryHandler(request =>
        {
            switch (request.Method.Method)
            {
                case "HEAD":
                    return FakeRegistryHandler.Status(HttpStatusCode.NotFound);
                case "POST":
                    return FakeRegistryHandler.Accepted("/v2/team/app/blobs/uploads/s0");
                case "PATCH":
                    string[] range = request.Header("Content-Range")!.Split('-');
                    var accepted = FakeRegistryHandler.Accepted($"/v2/team/app/blobs/uploads/s{++session}");
                    accepted.Headers.TryAddWithoutValidation("Range", $"0-{range[1]}");
                    return accepted;
                default:
                    return FakeRegistryHandler.Status(HttpStatusCode.Created);
            }
        });
        using var client = new RegistryClient(Registry, () => null, handler) { ChunkThreshold = 4, ChunkSize = 4 };

        await client.PushBlobAsync("team/app", blob, () => new MemoryStream(bytes), null, default);

        var patches = handler.Requests.Where(r => r.Method == HttpMethod.Patch).ToList();
        CollectionAssert.AreEqual(new[] { "0-3", "4-7", "8-9" }, patches.Select(p => p.Header("Content-Range")).ToArray());
        CollectionAssert.AreEqual(new[] { "/v2/team/app/blobs/uploads/s0", "/v2/team/app/blobs/uploads/s1", "/v2/team/app/blobs/uploads/s2" },
            patches.Select(p => p.Path).ToArray(), "each PATCH goes to the Location the previous answer gave");
        CollectionAssert.AreEqual(bytes, patches.SelectMany(p => p.Body!).ToArray());
        var put = handler.Requests.Last();
        Assert.AreEqual(HttpMethod.Put, put.Method);
        Assert.AreEqual("/v2/team/app/blobs/uploads/s3", put.Path);
        StringAssert.Contains(Uri.UnescapeDataString(put.Uri.Query), "digest=" + blob.Digest);
        Assert.AreEqual(0, put.Body?.Length ?? 0);
    }

    [TestMethod]
    public async Task Chunked_upload_of_content_that_does_not_match_is_DIAM3013_and_cancels_the_session()
    {
        var (_, blob) = TestImages.Blob("0123456789");
        var handler = new FakeRegistryHandler(request => request.Method.Method switch
        {
            "HEAD" => FakeRegistryHandler.Status(HttpStatusCode.NotFound),
            "POST" or "PATCH" => FakeRegistryHandler.Accepted("/v2/team/app/blobs/uploads/s"),
            "DELETE" => FakeRegistryHandler.Status(HttpStatusCode.NoContent),
            _ => FakeRegistryHandler.Status(HttpStatusCode.Created),
        });
        using var client = new RegistryClient(Registry, () => null, handler) { ChunkThreshold = 0, ChunkSize = 4 };

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() =>
            client.PushBlobAsync("team/app", blob, () => new MemoryStream(Encoding.UTF8.GetBytes("9876543210")), null, default));

        Assert.AreEqual(DiagnosticCode.DIAM3013, e.Code);
        Assert.IsFalse(handler.Requests.Any(r => r.Method == HttpMethod.Put), "never committed");
        Assert.AreEqual(HttpMethod.Delete, handler.Requests.Last().Method);
    }

    [TestMethod]
    public async Task Blob_already_there_is_not_uploaded_again()
    {
        var (bytes, blob) = TestImages.Blob("layer");
        var handler = new FakeRegistryHandler(_ => FakeRegistryHandler.Status(HttpStatusCode.OK));
        using var client = new RegistryClient(Registry, () => null, handler);

        var outcome = await client.PushBlobAsync("team/app", blob, () => throw new AssertFailedException("must not be opened"), "base/runtime", default);

        Assert.AreEqual(BlobPushOutcome.AlreadyPresent, outcome);
        Assert.AreEqual(HttpMethod.Head, handler.Requests.Single().Method);
        Assert.AreEqual($"/v2/team/app/blobs/{blob.Digest}", handler.Requests.Single().Path);
    }

    [TestMethod]
    public async Task Mount_that_the_registry_performs_returns_true()
    {
        string digest = TestImages.Blob("layer").Descriptor.Digest;
        var handler = new FakeRegistryHandler(_ => FakeRegistryHandler.Status(HttpStatusCode.Created));
        using var client = new RegistryClient(Registry, () => null, handler);

        Assert.IsTrue(await client.TryMountBlobAsync("team/app", digest, "base/runtime", default));

        var post = handler.Requests.Single();
        Assert.AreEqual(HttpMethod.Post, post.Method);
        Assert.AreEqual("/v2/team/app/blobs/uploads/", post.Path);
        string query = Uri.UnescapeDataString(post.Uri.Query);
        StringAssert.Contains(query, "mount=" + digest);
        StringAssert.Contains(query, "from=base/runtime");
    }

    [TestMethod]
    public async Task Mount_answered_with_an_upload_session_cancels_it_and_returns_false()
    {
        string digest = TestImages.Blob("layer").Descriptor.Digest;
        var handler = new FakeRegistryHandler(request => request.Method == HttpMethod.Post
            ? FakeRegistryHandler.Accepted("/v2/team/app/blobs/uploads/started")
            : FakeRegistryHandler.Status(HttpStatusCode.NoContent));
        using var client = new RegistryClient(Registry, () => null, handler);

        Assert.IsFalse(await client.TryMountBlobAsync("team/app", digest, "base/runtime", default));

        Assert.AreEqual(HttpMethod.Delete, handler.Requests[1].Method);
        Assert.AreEqual("/v2/team/app/blobs/uploads/started", handler.Requests[1].Path);
    }

    [TestMethod]
    public async Task Push_blob_goes_HEAD_then_mount_then_upload()
    {
        var (bytes, blob) = TestImages.Blob("layer");
        var handler = new FakeRegistryHandler(request => request.Method.Method switch
        {
            "HEAD" => FakeRegistryHandler.Status(HttpStatusCode.NotFound),
            "POST" => FakeRegistryHandler.Accepted("/v2/team/app/blobs/uploads/x"),
            "DELETE" => FakeRegistryHandler.Status(HttpStatusCode.NoContent),
            _ => FakeRegistryHandler.Status(HttpStatusCode.Created),
        });
        using var client = new RegistryClient(Registry, () => null, handler);

        var outcome = await client.PushBlobAsync("team/app", blob, () => new MemoryStream(bytes), "base/runtime", default);

        Assert.AreEqual(BlobPushOutcome.Uploaded, outcome);
        CollectionAssert.AreEqual(new[] { "HEAD", "POST", "DELETE", "POST", "PUT" }, handler.Requests.Select(r => r.Method.Method).ToArray());
        StringAssert.Contains(handler.Requests[1].Uri.Query, "mount=");
    }
}
