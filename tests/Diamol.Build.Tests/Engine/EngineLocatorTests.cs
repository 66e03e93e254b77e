using Diamol.Build.Credentials;
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

    internal static LocatorEnvironment Machine(Dictionary<string, string>? variables = null, Dictionary<string, string>? files = null, params string[] sockets) =>
        new(name => variables?.GetValueOrDefault(name), path => sockets.Contains(path) || files?.ContainsKey(path) == true,
            path => files?.GetValueOrDefault(path), "/home/dev");

    private static string ContextMeta(string name) =>
        "/home/dev/.docker/contexts/meta/" +
        Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(name))).ToLowerInvariant() + "/meta.json";

    [TestMethod]
    public void Without_settings_the_sockets_present_are_tried_in_the_clis_order()
    {
        var env = Machine(new() { ["XDG_RUNTIME_DIR"] = "/run/user/1000" }, null,
            "/run/user/1000/podman/podman.sock", "/var/run/docker.sock", "/run/user/1000/docker.sock");
        CollectionAssert.AreEqual(
            new[] { "unix:///run/user/1000/docker.sock", "unix:///var/run/docker.sock", "unix:///run/user/1000/podman/podman.sock" },
            EngineLocator.Candidates(null, env).Select(c => c.Uri.ToString()).ToArray());
    }

    [TestMethod]
    public void With_no_socket_present_the_default_is_named_for_the_error()
    {
        var found = EngineLocator.Candidates(null, Machine()).Single();
        Assert.AreEqual(EngineLocator.DefaultUnixSocket, found.Uri.ToString());
        StringAssert.Contains(found.Source, "not present");
    }

    [TestMethod]
    public void DOCKER_CONTEXT_reads_the_context_store()
    {
        var env = Machine(new() { ["DOCKER_CONTEXT"] = "remote" },
            new() { [ContextMeta("remote")] = "{\"Name\":\"remote\",\"Endpoints\":{\"docker\":{\"Host\":\"tcp://127.0.0.1:2375\"}}}" },
            "/var/run/docker.sock");
        var found = EngineLocator.Candidates(null, env).Single();
        Assert.AreEqual("tcp://127.0.0.1:2375/", found.Uri.ToString());
        StringAssert.Contains(found.Source, "docker context 'remote'");
    }

    [TestMethod]
    public void The_current_context_in_config_json_counts_and_default_falls_through()
    {
        var named = Machine(null, new()
        {
            ["/home/dev/.docker/config.json"] = "{\"currentContext\":\"colima\"}",
            [ContextMeta("colima")] = "{\"Endpoints\":{\"docker\":{\"Host\":\"unix:///home/dev/.colima/docker.sock\"}}}",
        });
        Assert.AreEqual("unix:///home/dev/.colima/docker.sock", EngineLocator.Candidates(null, named).Single().Uri.ToString());

        var fallback = Machine(null, new() { ["/home/dev/.docker/config.json"] = "{\"currentContext\":\"default\"}" }, "/var/run/docker.sock");
        Assert.AreEqual("unix:///var/run/docker.sock", EngineLocator.Candidates(null, fallback).Single().Uri.ToString());
    }

    [TestMethod]
    public void A_named_context_without_an_address_is_an_error()
    {
        var e = Assert.ThrowsExactly<DiamolException>(() => EngineLocator.Candidates(null, Machine(new() { ["DOCKER_CONTEXT"] = "gone" })));
        Assert.AreEqual(DiagnosticCode.DIAM3001, e.Code);
        StringAssert.Contains(e.Message, "'gone'");
    }

    [TestMethod]
    public void DOCKER_TLS_VERIFY_takes_the_certificates_from_DOCKER_CERT_PATH()
    {
        var env = Machine(new() { ["DOCKER_HOST"] = "tcp://build-host:2376", ["DOCKER_TLS_VERIFY"] = "1", ["DOCKER_CERT_PATH"] = "/certs" },
            new() { ["/certs/ca.pem"] = "", ["/certs/cert.pem"] = "", ["/certs/key.pem"] = "" });
        var tls = EngineLocator.Candidates(null, env).Single().Tls!;
        Assert.AreEqual(new EngineTls("/certs/ca.pem", "/certs/cert.pem", "/certs/key.pem", Verify: true), tls);

        Assert.IsNull(EngineLocator.Candidates(null, Machine(new() { ["DOCKER_HOST"] = "tcp://build-host:2375" })).Single().Tls, "no TLS unless asked");
    }

    [TestMethod]
    public void A_contexts_stored_certificates_are_used()
    {
        string hash = ContextMeta("secure").Split('/')[^2];
        string tls = $"/home/dev/.docker/contexts/tls/{hash}/docker/";
        var env = Machine(new() { ["DOCKER_CONTEXT"] = "secure" }, new()
        {
            [ContextMeta("secure")] = "{\"Endpoints\":{\"docker\":{\"Host\":\"tcp://build-host:2376\",\"SkipTLSVerify\":false}}}",
            [tls + "ca.pem"] = "",
            [tls + "cert.pem"] = "",
            [tls + "key.pem"] = "",
        });
        Assert.AreEqual(new EngineTls(tls + "ca.pem", tls + "cert.pem", tls + "key.pem", Verify: true), EngineLocator.Candidates(null, env).Single().Tls);
    }

    [TestMethod]
    public void Without_DOCKER_CERT_PATH_the_certificates_are_in_dockers_configuration_folder()
    {
        var env = Machine(new() { ["DOCKER_HOST"] = "tcp://build-host:2376", ["DOCKER_TLS_VERIFY"] = "1", ["DOCKER_CONFIG"] = "/ci/docker" },
            new() { ["/ci/docker/ca.pem"] = "", ["/ci/docker/cert.pem"] = "", ["/ci/docker/key.pem"] = "" });
        Assert.AreEqual(new EngineTls("/ci/docker/ca.pem", "/ci/docker/cert.pem", "/ci/docker/key.pem", Verify: true), EngineLocator.Candidates(null, env).Single().Tls,
            "the docker CLI defaults DOCKER_CERT_PATH to its configuration folder, which DOCKER_CONFIG moves");
    }

    [TestMethod]
    public void Missing_certificates_are_named()
    {
        var env = Machine(new() { ["DOCKER_HOST"] = "tcp://build-host:2376", ["DOCKER_TLS_VERIFY"] = "1" });
        var e = Assert.ThrowsExactly<DiamolException>(() => EngineLocator.Candidates(null, env));
        StringAssert.Contains(e.Message, "/home/dev/.docker/cert.pem");
    }

    [TestMethod]
    [DataRow("1.41", "1.41")]
    [DataRow("1.52", "1.51")]
    [DataRow("1.51", "1.51")]
    [DataRow("1.39", null)]
    [DataRow("1.40", null)]
    [DataRow("garbage", null)]
    public void The_api_version_is_the_lower_of_the_two(string engine, string? expected) =>
        Assert.AreEqual(expected, EngineConnection.Negotiate(engine)?.ToString());

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
        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() => EngineConnection.ConnectAsync([missing], TimeSpan.FromSeconds(10), CancellationToken.None));
        Assert.AreEqual(DiagnosticCode.DIAM3001, e.Code);
        StringAssert.Contains(e.Message, missing.Uri.ToString());
        StringAssert.Contains(e.Message, "DiamolBuildImage=false");
        Assert.IsTrue(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed}");
    }
}
