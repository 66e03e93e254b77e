using Diamol.Build.Diagnostics;
using Diamol.Build.Engine;
using Diamol.Build.Tests.Pipeline;

namespace Diamol.Build.Tests.Engine;

/// <summary>One connection per publish: every stage that asks gets the same engine, or the same failure, without connecting again.</summary>
[TestClass]
public sealed class SharedEngineConnectionTests
{
    [TestMethod]
    public async Task Every_ask_gets_the_one_connection()
    {
        int connects = 0;
        var engine = new FakeContainerEngine();
        using var shared = new SharedEngineConnection(() => { connects++; return Task.FromResult<IContainerEngine>(engine); });

        var first = await shared.ConnectAsync(default);
        var second = await shared.ConnectAsync(default);

        Assert.AreSame(first, second);
        Assert.AreEqual(1, connects);
    }

    [TestMethod]
    public async Task No_engine_is_found_out_once()
    {
        int connects = 0;
        using var shared = new SharedEngineConnection(() => { connects++; return Task.FromException<IContainerEngine>(FakeContainerEngine.Failure(DiagnosticCode.DIAM3001)); });

        for (int i = 0; i < 3; i++)
        {
            var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => shared.ConnectAsync(default));
            Assert.AreEqual(DiagnosticCode.DIAM3001, e.Code);
        }

        Assert.AreEqual(1, connects, "a publish without an engine must not wait for the connect time-out at every stage");
    }

    [TestMethod]
    public async Task One_asks_cancellation_does_not_fail_the_next_ask()
    {
        var connected = new TaskCompletionSource<IContainerEngine>();
        using var shared = new SharedEngineConnection(() => connected.Task);
        using var cancel = new CancellationTokenSource();

        var cancelled = shared.ConnectAsync(cancel.Token);
        cancel.Cancel();
        await Assert.ThrowsAsync<OperationCanceledException>(() => cancelled);

        var engine = new FakeContainerEngine();
        connected.SetResult(engine);
        Assert.AreSame(engine, await shared.ConnectAsync(default));
    }

    [TestMethod]
    public void Engines_with_other_addresses_or_certificates_get_their_own_connection()
    {
        var plain = new EngineEndpoint(new Uri("tcp://build-host:2376"), "DOCKER_HOST");
        var tls = plain with { Tls = new EngineTls("/certs/ca.pem", "/certs/cert.pem", "/certs/key.pem", true) };
        Assert.AreNotEqual(SharedEngineConnection.KeyOf([plain]), SharedEngineConnection.KeyOf([tls]));
        Assert.AreEqual(SharedEngineConnection.KeyOf([plain]), SharedEngineConnection.KeyOf([plain with { Source = "the DiamolDockerHost property" }]));
    }
}
