using System.Net;
using System.Text;
using Diamol.Build.Diagnostics;
using Diamol.Build.Registry;

namespace Diamol.Build.Tests.Registry;

/// <summary>How the client adapts its upload style to what the registry takes, and retries an upload as a whole.</summary>
[TestClass]
public sealed class RegistryUploadStyleTests
{
    private const string Registry = "registry.test";

    /// <summary>
    /// A fake registry's upload sessions: each POST opens session N at /uploads/N-0; each PATCH moves it to the next
    /// Location (/uploads/N-1, ...); PUT ?digest= commits. <paramref name="refuse"/> answers a request instead.
    /// </summary>
    private static FakeRegistryHandler Sessions(Func<RecordedRequest, HttpResponseMessage?> refuse, string? minimumChunk = null)
    {
        int sessions = 0;
        var steps = new Dictionary<int, int>();
        return new FakeRegistryHandler(request =>
        {
            if (refuse(request) is { } answer) return answer;
            switch (request.Method.Method)
            {
                case "HEAD":
                    return FakeRegistryHandler.Status(HttpStatusCode.NotFound);
                case "POST":
                    int session = ++sessions;
                    steps[session] = 0;
                    var started = FakeRegistryHandler.Accepted($"/v2/team/app/blobs/uploads/{session}-0");
                    if (minimumChunk is not null) started.Headers.TryAddWithoutValidation(UploadDefaults.MinimumChunkHeader, minimumChunk);
                    return started;
                case "PATCH":
                    int id = int.Parse(request.Path.Split('/').Last().Split('-')[0]);
                    var accepted = FakeRegistryHandler.Accepted($"/v2/team/app/blobs/uploads/{id}-{++steps[id]}");
                    accepted.Headers.TryAddWithoutValidation("Range", "0-" + request.Header("Content-Range")!.Split('-')[1]);
                    return accepted;
                case "DELETE":
                    return FakeRegistryHandler.Status(HttpStatusCode.NoContent);
                default:
                    return FakeRegistryHandler.Status(HttpStatusCode.Created);
            }
        });
    }

    private static bool IsWholePut(RecordedRequest r) => r.Method == HttpMethod.Put && (r.Body?.Length ?? 0) > 0;

    [TestMethod]
    [DataRow(HttpStatusCode.BadRequest)]
    [DataRow(HttpStatusCode.MethodNotAllowed)]
    [DataRow(HttpStatusCode.RequestEntityTooLarge)]
    [DataRow(HttpStatusCode.NotImplemented)]
    public async Task A_refused_whole_PUT_falls_back_to_chunks_in_a_new_session(HttpStatusCode refusal)
    {
        var (bytes, blob) = TestImages.Blob("0123456789");
        var handler = Sessions(r => IsWholePut(r) ? FakeRegistryHandler.Status(refusal) : null);
        var log = new List<string>();
        using var client = new RegistryClient(Registry, () => null, handler) { ChunkSize = 4, Log = log.Add, Retries = RegistryRetryTests.Fast };

        Assert.AreEqual(BlobPushOutcome.Uploaded, await client.PushBlobAsync("team/app", blob, () => new MemoryStream(bytes), null, default));

        var methods = handler.Requests.Select(r => $"{r.Method} {r.Path}").ToArray();
        CollectionAssert.AreEqual(new[]
        {
            "HEAD /v2/team/app/blobs/" + blob.Digest,
            "POST /v2/team/app/blobs/uploads/", "PUT /v2/team/app/blobs/uploads/1-0", "DELETE /v2/team/app/blobs/uploads/1-0",
            "POST /v2/team/app/blobs/uploads/", "PATCH /v2/team/app/blobs/uploads/2-0", "PATCH /v2/team/app/blobs/uploads/2-1", "PATCH /v2/team/app/blobs/uploads/2-2",
            "PUT /v2/team/app/blobs/uploads/2-3",
        }, methods, string.Join("\n", methods));
        CollectionAssert.AreEqual(bytes, handler.Requests.Where(r => r.Method == HttpMethod.Patch).SelectMany(r => r.Body!).ToArray());
        StringAssert.Contains(log.Single(), "refused a whole (monolithic) upload");
        StringAssert.Contains(log.Single(), "chunked instead");
    }

    [TestMethod]
    public async Task A_whole_PUT_whose_body_the_registry_ignored_falls_back_to_chunks()
    {
        var (bytes, blob) = TestImages.Blob("0123456789");
        var handler = Sessions(r => IsWholePut(r)
            ? FakeRegistryHandler.Json(HttpStatusCode.BadRequest, """{"errors":[{"code":"DIGEST_INVALID","message":"provided digest did not match uploaded content"}]}""")
            : null);
        using var client = new RegistryClient(Registry, () => null, handler) { ChunkSize = 4, Retries = RegistryRetryTests.Fast };

        Assert.AreEqual(BlobPushOutcome.Uploaded, await client.PushBlobAsync("team/app", blob, () => new MemoryStream(bytes), null, default));

        Assert.AreEqual(3, handler.Requests.Count(r => r.Method == HttpMethod.Patch));
        CollectionAssert.AreEqual(bytes, handler.Requests.Where(r => r.Method == HttpMethod.Patch).SelectMany(r => r.Body!).ToArray(), "the chunks carry the blob");
        var close = handler.Requests.Last();
        Assert.AreEqual(HttpMethod.Put, close.Method);
        StringAssert.Contains(close.Uri.Query, blob.Digest["sha256:".Length..], "the closing PUT names the blob");
    }

    [TestMethod]
    [DataRow(HttpStatusCode.MethodNotAllowed)]
    [DataRow(HttpStatusCode.BadRequest)]
    [DataRow(HttpStatusCode.RequestedRangeNotSatisfiable)]
    public async Task A_refused_PATCH_falls_back_to_one_whole_PUT_and_the_DELETE_goes_to_the_latest_Location(HttpStatusCode refusal)
    {
        var (bytes, blob) = TestImages.Blob("0123456789");
        // The first chunk is taken, the second refused: the session has moved on to 1-1 by then.
        var handler = Sessions(r => r.Method == HttpMethod.Patch && r.Path.EndsWith("1-1", StringComparison.Ordinal) ? FakeRegistryHandler.Status(refusal) : null);
        using var client = new RegistryClient(Registry, () => null, handler) { ChunkThreshold = 0, ChunkSize = 4, Retries = RegistryRetryTests.Fast };

        await client.PushBlobAsync("team/app", blob, () => new MemoryStream(bytes), null, default);

        var delete = handler.Requests.Single(r => r.Method == HttpMethod.Delete);
        Assert.AreEqual("/v2/team/app/blobs/uploads/1-1", delete.Path, "the cancelling DELETE goes to the session's latest Location, not its first");
        var put = handler.Requests.Last();
        Assert.IsTrue(IsWholePut(put), "then one whole PUT");
        Assert.AreEqual("/v2/team/app/blobs/uploads/2-0", put.Path, "in a new session");
        CollectionAssert.AreEqual(bytes, put.Body);
    }

    [TestMethod]
    public async Task A_registry_that_refuses_both_styles_fails_with_the_second_refusal()
    {
        var (bytes, blob) = TestImages.Blob("0123456789");
        var handler = Sessions(r => r.Method == HttpMethod.Patch || IsWholePut(r) ? FakeRegistryHandler.Status(HttpStatusCode.MethodNotAllowed) : null);
        using var client = new RegistryClient(Registry, () => null, handler) { ChunkSize = 4, Retries = RegistryRetryTests.Fast };

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => client.PushBlobAsync("team/app", blob, () => new MemoryStream(bytes), null, default));

        Assert.AreEqual(DiagnosticCode.DIAM3011, e.Code);
        StringAssert.Contains(e.Message, "PATCH blob");
        Assert.AreEqual(2, handler.Requests.Count(r => r.Method == HttpMethod.Post), "one session per style, no ping-pong");
        Assert.AreEqual(2, handler.Requests.Count(r => r.Method == HttpMethod.Delete), "both sessions cancelled");
    }

    [TestMethod]
    public async Task Chunks_are_at_least_the_registry_s_OCI_Chunk_Min_Length()
    {
        var (bytes, blob) = TestImages.Blob("0123456789");
        var handler = Sessions(_ => null, minimumChunk: "6");
        using var client = new RegistryClient(Registry, () => null, handler) { ChunkThreshold = 0, ChunkSize = 4 };

        Assert.AreEqual(BlobPushOutcome.Uploaded, await client.PushBlobAsync("team/app", blob, () => new MemoryStream(bytes), null, default));

        CollectionAssert.AreEqual(bytes, handler.Requests.Where(r => r.Method == HttpMethod.Patch).SelectMany(r => r.Body!).ToArray(), "the chunks carry the blob");
        CollectionAssert.AreEqual(new[] { "0-5", "6-9" }, handler.Requests.Where(r => r.Method == HttpMethod.Patch).Select(r => r.Header("Content-Range")).ToArray(),
            "6-byte chunks but the last, in the spec's Content-Range form");
    }

    [TestMethod]
    [DataRow(HttpStatusCode.BadRequest)]
    [DataRow(HttpStatusCode.RequestedRangeNotSatisfiable)]
    public async Task A_registry_that_demands_bytes_in_Content_Range_and_refuses_a_whole_PUT_gets_chunks_in_that_form(HttpStatusCode refusal)
    {
        var (bytes, blob) = TestImages.Blob("0123456789");
        var (second, secondBlob) = TestImages.Blob("abcdefgh");
        // Chunks only, and only with "bytes start-end" (RFC 9110's form): a bare "start-end" is refused.
        var handler = Sessions(r => IsWholePut(r) ? FakeRegistryHandler.Status(HttpStatusCode.MethodNotAllowed)
            : r.Method == HttpMethod.Patch && !r.Header("Content-Range")!.StartsWith("bytes ", StringComparison.Ordinal) ? FakeRegistryHandler.Status(refusal)
            : null);
        var log = new List<string>();
        using var client = new RegistryClient(Registry, () => null, handler) { ChunkSize = 4, Log = log.Add, Retries = RegistryRetryTests.Fast };

        Assert.AreEqual(BlobPushOutcome.Uploaded, await client.PushBlobAsync("team/app", blob, () => new MemoryStream(bytes), null, default));
        Assert.AreEqual(BlobPushOutcome.Uploaded, await client.PushBlobAsync("team/app", secondBlob, () => new MemoryStream(second), null, default));

        var patches = handler.Requests.Where(r => r.Method == HttpMethod.Patch).Select(r => $"{r.Path} {r.Header("Content-Range")}").ToArray();
        CollectionAssert.AreEqual(new[]
        {
            "/v2/team/app/blobs/uploads/2-0 0-3", "/v2/team/app/blobs/uploads/2-0 bytes 0-3", "/v2/team/app/blobs/uploads/2-1 bytes 4-7", "/v2/team/app/blobs/uploads/2-2 bytes 8-9",
            "/v2/team/app/blobs/uploads/4-0 bytes 0-3", "/v2/team/app/blobs/uploads/4-1 bytes 4-7",
        }, patches, "the refused first chunk again in the other form, in the same session; the form kept for the next blob\n" + string.Join("\n", patches));
        CollectionAssert.AreEqual(bytes, handler.Requests.Where(r => r.Method == HttpMethod.Patch && r.Path.Contains("/2-", StringComparison.Ordinal)
            && r.Header("Content-Range")!.StartsWith("bytes ", StringComparison.Ordinal)).SelectMany(r => r.Body!).ToArray());
        Assert.IsTrue(log.Any(l => l.Contains("sending it again as 'bytes 0-3'", StringComparison.Ordinal)), string.Join("\n", log));
    }

    [TestMethod]
    public async Task A_first_chunk_refused_in_both_Content_Range_forms_falls_back_to_a_whole_PUT()
    {
        var (bytes, blob) = TestImages.Blob("0123456789");
        var handler = Sessions(r => r.Method == HttpMethod.Patch ? FakeRegistryHandler.Status(HttpStatusCode.BadRequest) : null);
        using var client = new RegistryClient(Registry, () => null, handler) { ChunkThreshold = 0, ChunkSize = 4, Retries = RegistryRetryTests.Fast };

        await client.PushBlobAsync("team/app", blob, () => new MemoryStream(bytes), null, default);

        CollectionAssert.AreEqual(new[] { "0-3", "bytes 0-3" }, handler.Requests.Where(r => r.Method == HttpMethod.Patch).Select(r => r.Header("Content-Range")).ToArray(),
            "each form once, no ping-pong");
        Assert.IsTrue(IsWholePut(handler.Requests.Last()), "then the whole PUT");
        CollectionAssert.AreEqual(bytes, handler.Requests.Last().Body);
    }

    [TestMethod]
    public void Chunk_size_hints_and_Content_Range_form()
    {
        Assert.AreEqual(5 * 1024 * 1024, UploadDefaults.ChunkSize("localhost:5000", _ => null), "the least ECR takes");
        Assert.AreEqual(8, UploadDefaults.EffectiveChunkSize(4, 8));
        Assert.AreEqual(8, UploadDefaults.EffectiveChunkSize(8, 4));
        Assert.AreEqual(8, UploadDefaults.EffectiveChunkSize(8, null));
        Assert.AreEqual("0-4", UploadDefaults.ContentRange(0, 5));
        Assert.AreEqual("5242880-10485759", UploadDefaults.ContentRange(5242880, 5242880));
        Assert.AreEqual("bytes 5-9", UploadDefaults.ContentRange(5, 5, withUnit: true));
        foreach (string bad in new[] { "", "-1", "zero", "99999999999" })
        {
            var response = new HttpResponseMessage(HttpStatusCode.Accepted);
            response.Headers.TryAddWithoutValidation(UploadDefaults.MinimumChunkHeader, bad);
            Assert.IsNull(UploadDefaults.MinimumChunkHint(response), bad);
        }
    }

    [TestMethod]
    public async Task An_upload_cut_by_a_reset_is_cancelled_and_tried_again_in_a_new_session()
    {
        var (bytes, blob) = TestImages.Blob("0123456789");
        int puts = 0;
        var handler = Sessions(r => IsWholePut(r) && ++puts == 1 ? throw new HttpRequestException("send failed", new IOException("Connection reset by peer")) : null);
        var log = new List<string>();
        using var client = new RegistryClient(Registry, () => null, handler) { Retries = RegistryRetryTests.Fast, Log = log.Add };

        await client.PushBlobAsync("team/app", blob, () => new MemoryStream(bytes), null, default);

        var methods = handler.Requests.Select(r => $"{r.Method} {r.Path}").ToArray();
        CollectionAssert.AreEqual(new[]
        {
            "HEAD /v2/team/app/blobs/" + blob.Digest,
            "POST /v2/team/app/blobs/uploads/", "PUT /v2/team/app/blobs/uploads/1-0", "DELETE /v2/team/app/blobs/uploads/1-0",
            "POST /v2/team/app/blobs/uploads/", "PUT /v2/team/app/blobs/uploads/2-0",
        }, methods, string.Join("\n", methods));
        CollectionAssert.AreEqual(bytes, handler.Requests.Last().Body, "the whole blob, opened again");
        StringAssert.Contains(log.Single(), "the upload of blob " + blob.Digest);
    }

    [TestMethod]
    public async Task A_503_in_the_middle_of_the_chunks_restarts_the_upload()
    {
        var (bytes, blob) = TestImages.Blob("0123456789");
        int patches = 0;
        var handler = Sessions(r => r.Method == HttpMethod.Patch && ++patches == 2 ? FakeRegistryHandler.Status(HttpStatusCode.ServiceUnavailable) : null);
        using var client = new RegistryClient(Registry, () => null, handler) { ChunkThreshold = 0, ChunkSize = 4, Retries = RegistryRetryTests.Fast };

        await client.PushBlobAsync("team/app", blob, () => new MemoryStream(bytes), null, default);

        Assert.AreEqual("/v2/team/app/blobs/uploads/1-1", handler.Requests.Single(r => r.Method == HttpMethod.Delete).Path);
        CollectionAssert.AreEqual(bytes, handler.Requests.Where(r => r.Method == HttpMethod.Patch && r.Path.StartsWith("/v2/team/app/blobs/uploads/2-", StringComparison.Ordinal))
            .SelectMany(r => r.Body!).ToArray(), "the second session has every byte");
        Assert.IsFalse(handler.Requests.Any(IsWholePut), "a passing failure is no refusal of the style");
    }
}
