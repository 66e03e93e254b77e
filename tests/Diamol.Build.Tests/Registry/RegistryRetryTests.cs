using System.Net;
using Diamol.Build.Diagnostics;
using Diamol.Build.Registry;

namespace Diamol.Build.Tests.Registry;

/// <summary>The client's retries against a fake registry, with waits of milliseconds.</summary>
[TestClass]
public sealed class RegistryRetryTests
{
    private const string Registry = "registry.test";
    private static readonly string Digest = "sha256:" + new string('a', 64);

    internal static readonly RetryPolicy Fast = RetryPolicy.Default with
    {
        BaseDelay = TimeSpan.FromMilliseconds(1),
        MaxDelay = TimeSpan.FromMilliseconds(5),
        MaxRetryAfter = TimeSpan.FromMilliseconds(20),
    };

    /// <summary>Answers requests in turn from a script, then with the last answer; throws where the script says so.</summary>
    private sealed class ScriptedHandler(params Func<HttpRequestMessage, HttpResponseMessage>[] script) : HttpMessageHandler
    {
        public List<HttpRequestMessage> Requests { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.Content is not null) await request.Content.ReadAsByteArrayAsync(cancellationToken);
            Requests.Add(request);
            var response = script[Math.Min(Requests.Count - 1, script.Length - 1)](request);
            response.RequestMessage = request;
            return response;
        }
    }

    private static HttpResponseMessage Reset(HttpRequestMessage _) => throw new HttpRequestException("An error occurred while sending the request.", new IOException("Connection reset by peer"));

    private static HttpResponseMessage With(HttpStatusCode status, string? retryAfter = null)
    {
        var response = FakeRegistryHandler.Status(status);
        if (retryAfter is not null) response.Headers.TryAddWithoutValidation("Retry-After", retryAfter);
        return response;
    }

    [TestMethod]
    public async Task A_reset_connection_is_tried_again_and_each_retry_is_logged()
    {
        var log = new List<string>();
        var handler = new ScriptedHandler(Reset, _ => With(HttpStatusCode.OK));
        using var client = new RegistryClient(Registry, () => null, handler) { Retries = Fast, Log = log.Add };

        Assert.IsTrue(await client.BlobExistsAsync("team/app", Digest, default));

        Assert.AreEqual(2, handler.Requests.Count);
        Assert.AreEqual(1, log.Count);
        StringAssert.Contains(log[0], $"HEAD blob {Digest}", "what");
        StringAssert.Contains(log[0], "Connection reset by peer", "why");
        StringAssert.Contains(log[0], "trying again in ", "the wait");
        StringAssert.Contains(log[0], "try 2 of at most 5");
    }

    [TestMethod]
    [DataRow(HttpStatusCode.RequestTimeout)]
    [DataRow(HttpStatusCode.TooManyRequests)]
    [DataRow(HttpStatusCode.BadGateway)]
    [DataRow(HttpStatusCode.ServiceUnavailable)]
    [DataRow(HttpStatusCode.GatewayTimeout)]
    public async Task A_status_that_means_later_is_tried_again(HttpStatusCode status)
    {
        var handler = new ScriptedHandler(_ => With(status), _ => With(HttpStatusCode.OK));
        using var client = new RegistryClient(Registry, () => null, handler) { Retries = Fast };

        Assert.IsTrue(await client.BlobExistsAsync("team/app", Digest, default));
        Assert.AreEqual(2, handler.Requests.Count);
    }

    [TestMethod]
    [DataRow(HttpStatusCode.BadRequest)]
    [DataRow(HttpStatusCode.Forbidden)]
    [DataRow(HttpStatusCode.MethodNotAllowed)]
    [DataRow(HttpStatusCode.InternalServerError)]
    public async Task Other_failures_are_not_tried_again(HttpStatusCode status)
    {
        var handler = new ScriptedHandler(_ => With(status));
        using var client = new RegistryClient(Registry, () => null, handler) { Retries = Fast };

        await Assert.ThrowsExactlyAsync<DiamolException>(() => client.BlobExistsAsync("team/app", Digest, default));
        Assert.AreEqual(1, handler.Requests.Count);
    }

    [TestMethod]
    public async Task Retry_after_is_waited_for()
    {
        var log = new List<string>();
        var handler = new ScriptedHandler(_ => With(HttpStatusCode.TooManyRequests, "1"), _ => With(HttpStatusCode.OK));
        // Retry-After: 1 capped at 300 ms, so the test shows the wait without taking a second.
        using var client = new RegistryClient(Registry, () => null, handler) { Retries = Fast with { MaxRetryAfter = TimeSpan.FromMilliseconds(300) }, Log = log.Add };
        var clock = System.Diagnostics.Stopwatch.StartNew();

        Assert.IsTrue(await client.BlobExistsAsync("team/app", Digest, default));

        Assert.IsTrue(clock.Elapsed >= TimeSpan.FromMilliseconds(250), $"waited only {clock.Elapsed}");
        StringAssert.Contains(log.Single(), "in 0.3 s");
        StringAssert.Contains(log.Single(), "as its Retry-After asks");
    }

    [TestMethod]
    public async Task A_rate_limit_that_lasts_fails_with_rate_limit_advice_and_the_tries_made()
    {
        var handler = new ScriptedHandler(_ => With(HttpStatusCode.TooManyRequests, "1"));
        using var client = new RegistryClient(Registry, () => null, handler) { Retries = Fast with { MaxTries = 3 } };

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => client.BlobExistsAsync("team/app", Digest, default));

        Assert.AreEqual(DiagnosticCode.DIAM3011, e.Code);
        Assert.AreEqual(3, handler.Requests.Count);
        StringAssert.Contains(e.Message, "rate limit");
        StringAssert.Contains(e.Message, "tried 3 times");
        StringAssert.Contains(e.Message, "DiamolRegistryRetries");
        Assert.IsFalse(e.Message.Contains("Check the repository name", StringComparison.Ordinal), e.Message);
    }

    [TestMethod]
    public async Task A_network_that_stays_down_is_DIAM3010_with_the_tries_made()
    {
        var handler = new ScriptedHandler(Reset);
        using var client = new RegistryClient(Registry, () => null, handler) { Retries = Fast with { MaxTries = 4 } };

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => client.BlobExistsAsync("team/app", Digest, default));

        Assert.AreEqual(DiagnosticCode.DIAM3010, e.Code);
        Assert.AreEqual(4, handler.Requests.Count);
        StringAssert.Contains(e.Message, "tried 4 times");
    }

    [TestMethod]
    public async Task One_try_is_one_request_and_the_error_as_before()
    {
        var handler = new ScriptedHandler(_ => With(HttpStatusCode.ServiceUnavailable));
        using var client = new RegistryClient(Registry, () => null, handler) { Retries = RetryPolicy.None };

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => client.BlobExistsAsync("team/app", Digest, default));

        Assert.AreEqual(1, handler.Requests.Count);
        Assert.IsFalse(e.Message.Contains("tried", StringComparison.Ordinal), e.Message);
    }

    [TestMethod]
    public async Task A_manifest_is_written_once_per_try()
    {
        var handler = new ScriptedHandler(Reset, _ => With(HttpStatusCode.BadGateway), _ => With(HttpStatusCode.Created));
        using var client = new RegistryClient(Registry, () => null, handler) { Retries = Fast };

        await client.PutManifestAsync("team/app", "latest", "{}"u8.ToArray(), MediaTypes.OciManifest, default);

        Assert.AreEqual(3, handler.Requests.Count);
        Assert.IsTrue(handler.Requests.All(r => r.Method == HttpMethod.Put && r.RequestUri!.AbsolutePath == "/v2/team/app/manifests/latest"));
    }

    [TestMethod]
    public async Task Caller_cancellation_is_not_retried()
    {
        using var cancel = new CancellationTokenSource();
        var handler = new ScriptedHandler(_ => { cancel.Cancel(); throw new OperationCanceledException(cancel.Token); });
        using var client = new RegistryClient(Registry, () => null, handler) { Retries = Fast };

        await Assert.ThrowsAsync<OperationCanceledException>(() => client.BlobExistsAsync("team/app", Digest, cancel.Token));
        Assert.AreEqual(1, handler.Requests.Count);
    }

    [TestMethod]
    public async Task A_download_cut_half_way_is_fetched_again_from_the_start()
    {
        var (bytes, blob) = TestImages.Blob("0123456789");
        int gets = 0;
        var handler = new FakeRegistryHandler(_ => ++gets == 1
            ? new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new BreakingStream(bytes[..4])) }
            : FakeRegistryHandler.Bytes(bytes));
        using var client = new RegistryClient(Registry, () => null, handler) { Retries = Fast };

        CollectionAssert.AreEqual(bytes, await client.GetBlobAsync("team/app", blob, default));
        Assert.AreEqual(2, gets);
    }

    /// <summary>Gives some bytes, then fails as a reset connection does.</summary>
    private sealed class BreakingStream(byte[] first) : MemoryStream(first)
    {
        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int read = await base.ReadAsync(buffer, cancellationToken);
            return read > 0 ? read : throw new IOException("Connection reset by peer");
        }

        public override int Read(byte[] buffer, int offset, int count)
        {
            int read = base.Read(buffer, offset, count);
            return read > 0 ? read : throw new IOException("Connection reset by peer");
        }
    }
}
