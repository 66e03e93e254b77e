using Diamol.Build.Diagnostics;
using Diamol.Build.Engine;

namespace Diamol.Build.Tests.Engine;

[TestClass]
public sealed class EngineLocatorTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;

    [TestMethod]
    public void The_property_wins_over_DOCKER_HOST()
    {
        var found = EngineLocator.Candidates("tcp://127.0.0.1:2375", Env(("DOCKER_HOST", "unix:///other.sock")));
        Assert.AreEqual("tcp://127.0.0.1:2375/", found.Single().Uri.ToString());
        StringAssert.Contains(found.Single().Source, "DiamolDockerHost");
    }

    [TestMethod]
    public void DOCKER_HOST_wins_over_the_default_socket()
    {
        var found = EngineLocator.Candidates(null, Env(("DOCKER_HOST", "unix:///run/user/1000/docker.sock")));
        Assert.AreEqual("unix:///run/user/1000/docker.sock", found.Single().Uri.ToString());
    }

    [TestMethod]
    public void Without_settings_the_default_socket_is_tried()
    {
        Assert.AreEqual(EngineLocator.DefaultUnixSocket, EngineLocator.Candidates(null, Env()).Single().Uri.ToString());
    }

    [TestMethod]
    public void A_malformed_address_is_refused_with_its_source()
    {
        var e = Assert.ThrowsExactly<DiamolException>(() => EngineLocator.Candidates(null, Env(("DOCKER_HOST", "not an address"))));
        Assert.AreEqual(DiagnosticCode.DIAM3001, e.Code);
        StringAssert.Contains(e.Message, "DOCKER_HOST");
    }

    [TestMethod]
    public async Task An_engine_that_does_not_answer_fails_quickly_with_what_was_tried()
    {
        var missing = new EngineEndpoint(new Uri("unix:///tmp/diamol-no-engine-" + Guid.NewGuid().ToString("N") + ".sock"), "a test");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => DockerEngine.ConnectAsync([missing], TimeSpan.FromSeconds(10), CancellationToken.None));
        Assert.AreEqual(DiagnosticCode.DIAM3001, e.Code);
        StringAssert.Contains(e.Message, missing.Uri.ToString());
        StringAssert.Contains(e.Message, "DiamolBuildImage=false");
        Assert.IsTrue(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
    }
}
