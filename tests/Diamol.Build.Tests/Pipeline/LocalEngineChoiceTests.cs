using Diamol.Build.Diagnostics;
using Diamol.Build.Pipeline;

namespace Diamol.Build.Tests.Pipeline;

/// <summary>LocalRegistry: which engine the OCI writer loads into, decided from the setting and the environment.</summary>
[TestClass]
public sealed class LocalEngineChoiceTests
{
    private static Func<string, string?> Environment(params (string Name, string Value)[] variables) =>
        name => variables.FirstOrDefault(v => v.Name == name).Value;

    [TestMethod]
    public void Podman_loads_into_CONTAINER_HOST_first()
    {
        var endpoints = LocalEngineChoice.Endpoints("Podman", null, Environment(("CONTAINER_HOST", "unix:///tmp/podman-test.sock")));

        Assert.AreEqual(new Uri("unix:///tmp/podman-test.sock"), endpoints[0].Uri);
        Assert.AreEqual("CONTAINER_HOST", endpoints[0].Source);
    }

    [TestMethod]
    public void Docker_and_no_setting_take_the_engine_the_docker_CLI_finds()
    {
        var environment = Environment(("DOCKER_HOST", "tcp://127.0.0.1:2375"));

        foreach (string? setting in new[] { null, "", "docker", " Docker " })
        {
            var endpoints = LocalEngineChoice.Endpoints(setting, null, environment);
            Assert.AreEqual("the DOCKER_HOST environment variable", endpoints.Single().Source, setting ?? "null");
        }
    }

    [TestMethod]
    public void Another_value_is_refused_with_DIAM1017_naming_it()
    {
        var e = Assert.ThrowsExactly<DiamolException>(() => LocalEngineChoice.Endpoints("containerd", null, Environment()));

        Assert.AreEqual(DiagnosticCode.DIAM1017, e.Code);
        StringAssert.Contains(e.Message, "LocalRegistry has the value 'containerd'");
    }
}
