using System.Diagnostics;
using System.Net;
using Diamol.Build.Common;
using Diamol.Build.Diagnostics;
using Diamol.Build.Oci;
using Diamol.Build.Registry;

namespace Diamol.Build.Tests.Registry;

/// <summary>
/// Answers read whole (manifests, token answers, error bodies, configs) are limited while they are read, and a
/// stalled body fails within the idle time-out (issue 20 item 6).
/// </summary>
[TestClass]
public sealed class RegistryBoundedReadTests
{
    private const string Registry = "registry.test";

    private static Task<ResolvedImage> Pull(RegistryClient client) =>
        client.ResolveAsync("team/app", "1.0", ImagePlatform.FromRuntimeIdentifier("linux-x64"), default);

    /// <summary>A body that never ends (or never sends a byte), counting what was read from it; no length given.</summary>
    private sealed class EndlessStream(bool stall) : Stream
    {
        public long Served;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (stall) await Task.Delay(Timeout.Infinite, cancellationToken);
            buffer.Span.Fill((byte)'{');
            Interlocked.Add(ref Served, buffer.Length);
            return buffer.Length;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => Served; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    private static HttpResponseMessage Endless(HttpStatusCode status, EndlessStream body, string mediaType)
    {
        var content = new StreamContent(body);
        content.Headers.TryAddWithoutValidation("Content-Type", mediaType);
        return new HttpResponseMessage(status) { Content = content };
    }

    [TestMethod]
    public async Task A_HEAD_of_a_large_blob_is_not_bounded_as_an_answer()
    {
        // A HEAD's Content-Length is the size of the blob it asks about (tens of MB for a layer), and it has no body.
        var handler = new FakeRegistryHandler(_ =>
        {
            var content = new ByteArrayContent([]);
            content.Headers.ContentLength = 50L * 1024 * 1024;
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
        });
        using var client = new RegistryClient(Registry, () => null, handler);

        Assert.IsTrue(await client.BlobExistsAsync("team/app", "sha256:" + new string('a', 64), default));
    }

    [TestMethod]
    public async Task An_endless_manifest_is_refused_after_the_limit_not_read_into_memory()
    {
        var body = new EndlessStream(stall: false);
        var handler = new FakeRegistryHandler(_ => Endless(HttpStatusCode.OK, body, "application/vnd.oci.image.manifest.v1+json"));
        using var client = new RegistryClient(Registry, () => null, handler);

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => Pull(client));

        Assert.AreEqual(DiagnosticCode.DIAM3011, e.Code);
        StringAssert.Contains(e.Message, "4194304");
        Assert.IsTrue(body.Served < BoundedAnswer.Limit + 1024 * 1024, $"{body.Served} bytes were read");
    }

    [TestMethod]
    public async Task An_endless_token_answer_is_refused_after_the_limit()
    {
        var body = new EndlessStream(stall: false);
        var handler = new FakeRegistryHandler(request => request.Uri.Host == "auth.test"
            ? Endless(HttpStatusCode.OK, body, "application/json")
            : FakeRegistryHandler.Challenge("""Bearer realm="https://auth.test/token",service="registry.test" """));
        using var client = new RegistryClient(Registry, () => null, handler);

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => Pull(client));

        Assert.AreEqual(DiagnosticCode.DIAM3011, e.Code);
        Assert.IsTrue(body.Served < BoundedAnswer.Limit + 1024 * 1024, $"{body.Served} bytes were read");
    }

    [TestMethod]
    public async Task An_endless_error_body_is_dropped_and_the_status_still_reported()
    {
        var body = new EndlessStream(stall: false);
        var handler = new FakeRegistryHandler(_ => Endless(HttpStatusCode.InternalServerError, body, "application/json"));
        using var client = new RegistryClient(Registry, () => null, handler);

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => Pull(client));

        Assert.AreEqual(DiagnosticCode.DIAM3011, e.Code);
        StringAssert.Contains(e.Message, "500");
        Assert.IsTrue(body.Served < BoundedAnswer.Limit + 1024 * 1024, $"{body.Served} bytes were read");
    }

    [TestMethod]
    public async Task A_stalled_manifest_body_fails_within_the_idle_timeout()
    {
        var handler = new FakeRegistryHandler(_ => Endless(HttpStatusCode.OK, new EndlessStream(stall: true), "application/vnd.oci.image.manifest.v1+json"));
        // One try: the bound of a single exchange is what is measured (retries are RegistryRetryTests').
        using var client = new RegistryClient(Registry, () => null, handler, requestTimeout: TimeSpan.FromMilliseconds(500)) { Retries = RetryPolicy.Default with { MaxTries = 1 } };
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => Pull(client));

        Assert.AreEqual(DiagnosticCode.DIAM3010, e.Code);
        Assert.IsTrue(clock.Elapsed < TimeSpan.FromSeconds(10), clock.Elapsed.ToString());
    }

    [TestMethod]
    public async Task A_config_the_manifest_says_is_huge_is_refused_before_it_is_asked_for()
    {
        var handler = new FakeRegistryHandler(_ => FakeRegistryHandler.Status(HttpStatusCode.OK));
        using var client = new RegistryClient(Registry, () => null, handler);

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() =>
            client.GetBlobAsync("team/app", new BlobDescriptor("application/vnd.oci.image.config.v1+json", "sha256:" + new string('c', 64), 1L << 30), default));

        Assert.AreEqual(DiagnosticCode.DIAM3011, e.Code);
        Assert.AreEqual(0, handler.Requests.Count);
    }
}
