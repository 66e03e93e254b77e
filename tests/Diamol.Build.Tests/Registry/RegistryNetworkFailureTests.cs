using System.Net;
using Diamol.Build.Diagnostics;
using Diamol.Build.Registry;

namespace Diamol.Build.Tests.Registry;

[TestClass]
public sealed class RegistryNetworkFailureTests
{
    private const string Registry = "registry.test";

    private sealed class ThrowingHandler(Func<CancellationToken, Task<HttpResponseMessage>> send) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) => send(cancellationToken);
    }

    [TestMethod]
    public async Task Refused_connection_is_DIAM3010_naming_the_registry_and_the_request()
    {
        var handler = new ThrowingHandler(_ => throw new HttpRequestException("Connection refused (registry.test:443)"));
        using var client = new RegistryClient(Registry, () => null, handler) { Retries = RetryPolicy.None };

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => client.BlobExistsAsync("team/app", "sha256:" + new string('a', 64), default));

        Assert.AreEqual(DiagnosticCode.DIAM3010, e.Code);
        StringAssert.Contains(e.Message, Registry);
        StringAssert.Contains(e.Message, "team/app");
        StringAssert.Contains(e.Message, "HEAD blob");
        StringAssert.Contains(e.Message, "Connection refused");
        StringAssert.Contains(e.Message, "retry");
    }

    [TestMethod]
    public async Task Time_out_is_DIAM3010()
    {
        var handler = new ThrowingHandler(async ct =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        using var client = new RegistryClient(Registry, () => null, handler, TimeSpan.FromMilliseconds(200)) { Retries = RetryPolicy.None };

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => client.BlobExistsAsync("team/app", "sha256:" + new string('a', 64), default));

        Assert.AreEqual(DiagnosticCode.DIAM3010, e.Code);
        StringAssert.Contains(e.Message, "no answer within");
    }

    [TestMethod]
    public async Task Broken_connection_is_DIAM3010()
    {
        var handler = new ThrowingHandler(_ => throw new IOException("Connection reset by peer"));
        using var client = new RegistryClient(Registry, () => null, handler) { Retries = RetryPolicy.None };

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => client.BlobExistsAsync("team/app", "sha256:" + new string('a', 64), default));

        Assert.AreEqual(DiagnosticCode.DIAM3010, e.Code);
    }

    [TestMethod]
    public async Task Cancellation_by_the_caller_passes_through()
    {
        var handler = new ThrowingHandler(async ct =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        });
        using var client = new RegistryClient(Registry, () => null, handler) { Retries = RetryPolicy.None };
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAsync<OperationCanceledException>(() => client.BlobExistsAsync("team/app", "sha256:" + new string('a', 64), cancel.Token));
    }
}
