using Diamol.Build.Credentials;
using Diamol.Build.Engine;
using Diamol.Build.Registry;

namespace Diamol.Build.Tests.Registry;

[TestClass]
public sealed class RegistrySettingsTests
{
    private static Func<string, string?> Variables(params (string Name, string Value)[] values) =>
        name => values.FirstOrDefault(v => v.Name == name).Value;

    [TestMethod]
    [DataRow("localhost:5000", "http://localhost:5000/")]
    [DataRow("localhost", "http://localhost/")]
    [DataRow("127.0.0.1:5000", "http://127.0.0.1:5000/")]
    [DataRow("ghcr.io", "https://ghcr.io/")]
    [DataRow("docker.io", "https://registry-1.docker.io/")]
    [DataRow("myregistry.example:5000", "https://myregistry.example:5000/")]
    public void Base_uri_is_http_only_for_insecure_registries(string registry, string expected) =>
        Assert.AreEqual(expected, RegistryEndpoint.BaseUri(registry, Variables()).ToString());

    [TestMethod]
    public void Insecure_registries_variable_lists_registries_for_http()
    {
        var variables = Variables((RegistryEndpoint.InsecureRegistriesVariable, "other.example; MyRegistry.example:5000 "));

        Assert.AreEqual("http://myregistry.example:5000/", RegistryEndpoint.BaseUri("myregistry.example:5000", variables).ToString());
        Assert.IsFalse(RegistryEndpoint.IsInsecure("myregistry.example", variables), "the name must match exactly, port included");
    }

    [TestMethod]
    public void Push_credentials_prefer_the_push_pair_then_the_generic_then_the_legacy()
    {
        var generic = Variables((EnvironmentCredentials.UserVariable, "u"), (EnvironmentCredentials.PasswordVariable, "p"),
            (EnvironmentCredentials.LegacyUserVariable, "legacy"), (EnvironmentCredentials.LegacyPasswordVariable, "lp"));
        Assert.AreEqual(new RegistryLogin("r", "u", "p", null), EnvironmentCredentials.Find("r", RegistryAccess.Push, generic));

        var push = Variables((EnvironmentCredentials.PushUserVariable, "pu"), (EnvironmentCredentials.PushPasswordVariable, "pp"),
            (EnvironmentCredentials.UserVariable, "u"), (EnvironmentCredentials.PasswordVariable, "p"));
        Assert.AreEqual(new RegistryLogin("r", "pu", "pp", null), EnvironmentCredentials.Find("r", RegistryAccess.Push, push));

        var legacy = Variables((EnvironmentCredentials.LegacyUserVariable, "legacy"), (EnvironmentCredentials.LegacyPasswordVariable, "lp"));
        Assert.AreEqual(new RegistryLogin("r", "legacy", "lp", null), EnvironmentCredentials.Find("r", RegistryAccess.Push, legacy));
    }

    [TestMethod]
    public void Pull_credentials_come_only_from_the_pull_pair()
    {
        var generic = Variables((EnvironmentCredentials.UserVariable, "u"), (EnvironmentCredentials.PasswordVariable, "p"));
        Assert.IsNull(EnvironmentCredentials.Find("r", RegistryAccess.Pull, generic));

        var pull = Variables((EnvironmentCredentials.PullUserVariable, "pu"), (EnvironmentCredentials.PullPasswordVariable, "pp"));
        Assert.AreEqual(new RegistryLogin("r", "pu", "pp", null), EnvironmentCredentials.Find("r", RegistryAccess.Pull, pull));
    }

    [TestMethod]
    public void Half_a_pair_is_no_login_and_the_token_user_marks_an_identity_token()
    {
        Assert.IsNull(EnvironmentCredentials.Find("r", RegistryAccess.Push, Variables((EnvironmentCredentials.UserVariable, "u"))));

        var token = Variables((EnvironmentCredentials.UserVariable, "<token>"), (EnvironmentCredentials.PasswordVariable, "refresh"));
        Assert.AreEqual(new RegistryLogin("r", null, null, "refresh"), EnvironmentCredentials.Find("r", RegistryAccess.Push, token));
    }

    [TestMethod]
    public void Chunking_defaults_are_the_sdks()
    {
        Assert.AreEqual(long.MaxValue, UploadDefaults.ChunkThreshold(Variables()));
        Assert.AreEqual(0, UploadDefaults.ChunkThreshold(Variables((UploadDefaults.ForceChunkedVariable, "true"))));
        Assert.AreEqual(5 * 1024 * 1024, UploadDefaults.ChunkSize("localhost:5000", Variables()));
        Assert.AreEqual(1_000_000, UploadDefaults.ChunkSize("localhost:5000", Variables((UploadDefaults.ChunkSizeVariable, "1000000"))));
        Assert.AreEqual(5 * 1024 * 1024, UploadDefaults.ChunkSize("123456789.dkr.ecr.eu-west-1.amazonaws.com", Variables()));
    }

    [TestMethod]
    public void Challenge_parameters_are_read_with_quotes_and_commas()
    {
        var challenge = AuthenticationChallenge.Parse("Bearer",
            """realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push repository:c:pull" """);

        Assert.AreEqual("https://auth.example/token", challenge.Realm);
        Assert.AreEqual("registry.example", challenge.Service);
        CollectionAssert.AreEqual(new[] { "repository:a/b:pull,push", "repository:c:pull" }, challenge.Scopes.ToArray());
    }
}
