using Diamol.Build.Credentials;
using Diamol.Build.Diagnostics;
using Diamol.Build.Engine;
using Diamol.Build.Spec;

namespace Diamol.Build.Tests.Engine;

/// <summary>docker's config.json has one reader: the engine locator and the registry logins see the same file the same way.</summary>
[TestClass]
public sealed class DockerConfigurationTests
{
    private const string ConfigFile = "/home/dev/.docker/config.json";

    private static LocatorEnvironment With(string json) => EngineLocatorTests.Machine(null, new() { [ConfigFile] = json });

    [TestMethod]
    public void A_broken_config_json_is_one_error_whichever_reader_meets_it_first()
    {
        var env = With("{ not json");

        var locating = Assert.ThrowsExactly<DiamolException>(() => EngineLocator.Candidates(null, env));
        var loggingIn = Assert.ThrowsExactly<DiamolException>(() => RegistryCredentials.Find("registry.test", env));

        Assert.AreEqual(DiagnosticCode.DIAM3020, locating.Code);
        Assert.AreEqual(DiagnosticCode.DIAM3020, loggingIn.Code);
        StringAssert.Contains(locating.Message, ConfigFile);
    }

    [TestMethod]
    public void DOCKER_CONFIG_moves_the_file_for_both_readers()
    {
        var env = EngineLocatorTests.Machine(new() { ["DOCKER_CONFIG"] = "/ci/docker" }, new()
        {
            ["/ci/docker/config.json"] = "{\"auths\":{\"registry.test\":{\"auth\":\"" + Convert.ToBase64String("ci:s3cret"u8.ToArray()) + "\"}}}",
            [ConfigFile] = "{ not json",
        });

        var login = RegistryCredentials.Find("registry.test", env);

        Assert.AreEqual("ci", login!.Username);
        Assert.AreEqual("/ci/docker/config.json", DockerConfiguration.Read(env).FilePath);
        Assert.AreEqual(1, EngineLocator.Candidates(null, env).Count, "the broken file under ~/.docker is not read");
    }

    [TestMethod]
    public void A_missing_file_and_an_empty_one_read_as_no_settings()
    {
        Assert.IsNull(RegistryCredentials.Find("registry.test", EngineLocatorTests.Machine()));
        Assert.IsNull(RegistryCredentials.Find("registry.test", With("")));
        Assert.IsNull(DockerConfiguration.Read(With("{}")).CurrentContext);
    }

    [TestMethod]
    public void A_login_that_is_not_base64_is_DIAM3020_and_names_the_registry_not_the_value()
    {
        var e = Assert.ThrowsExactly<DiamolException>(() => RegistryCredentials.Find("registry.test", With("{\"auths\":{\"registry.test\":{\"auth\":\"%%%secret\"}}}")));

        Assert.AreEqual(DiagnosticCode.DIAM3020, e.Code);
        StringAssert.Contains(e.Message, "registry.test");
        Assert.IsFalse(e.Message.Contains("%%%secret", StringComparison.Ordinal));
    }

    [TestMethod]
    public void Docker_Hub_logins_are_found_by_any_of_its_names()
    {
        var env = With("{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + Convert.ToBase64String("hub:pw"u8.ToArray()) + "\"}}}");
        foreach (string name in new[] { "docker.io", "index.docker.io", "registry-1.docker.io" })
        {
            Assert.AreEqual("hub", RegistryCredentials.Find(name, env)?.Username, name);
        }

        Assert.AreEqual("docker.io", ImageReference.TryParse("ubuntu:24.04", out _)!.RegistryOrDockerHub);
    }

    [TestMethod]
    [DataRow("ubuntu", "docker.io/library/ubuntu")]
    [DataRow("library/ubuntu", "docker.io/library/ubuntu")]
    [DataRow("docker.io/ubuntu", "docker.io/library/ubuntu")]
    [DataRow("index.docker.io/library/ubuntu:24.04", "docker.io/library/ubuntu")]
    [DataRow("team/app", "docker.io/team/app")]
    [DataRow("localhost:5000/app", "localhost:5000/app")]
    [DataRow("mcr.microsoft.com/dotnet/runtime:10.0", "mcr.microsoft.com/dotnet/runtime")]
    public void Image_names_have_one_canonical_spelling(string name, string canonical)
    {
        Assert.AreEqual(canonical, ImageReference.TryParse(name, out _)!.CanonicalName);
    }
}
