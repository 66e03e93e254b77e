using Diamol.Build.Credentials;
using Diamol.Build.Engine;
using Diamol.Build.Pipeline;
using Diamol.Build.Tests.Spec;

namespace Diamol.Build.Tests.Pipeline;

/// <summary>The engine path takes its logins from the publish's one <see cref="CredentialLookup"/>, as the OCI writer does.</summary>
[TestClass]
public sealed class EngineCredentialsTests : EngineStageTest
{
    private const string Target = "registry.test:5000";
    private readonly List<string> _dockerAsked = [];

    private CredentialLookup Lookup(Dictionary<string, string> variables) =>
        new(name => variables.TryGetValue(name, out var value) ? value : null,
            registry => { _dockerAsked.Add(registry); return new RegistryLogin(registry, "docker-user", "docker-secret", null); }, "/config");

    [TestMethod]
    public async Task The_engines_push_and_pulls_take_the_lookups_logins_and_docker_is_asked_once_per_registry()
    {
        Stage(ContainerSpecFactoryTests.Valid with { Registry = Target, Tags = ["1.0", "latest"] }, ("WebPing.dll", "app", false));
        var lookup = Lookup(new Dictionary<string, string>
        {
            [EnvironmentCredentials.PushUserVariable] = "ci",
            [EnvironmentCredentials.PushPasswordVariable] = "ci-secret",
        });

        await Run(new BuildOptions(new Dictionary<string, string>(), [], PullPolicy.Always) { Credentials = lookup });

        // The push pair for the push registry; the base (another registry) is pulled with docker's login, looked up once.
        Assert.AreEqual(2, _engine.Logins.Count(l => l.Call.StartsWith("push ", StringComparison.Ordinal)));
        Assert.IsTrue(_engine.Logins.Where(l => l.Call.StartsWith("push ", StringComparison.Ordinal)).All(l => l.Login?.Username == "ci"));
        Assert.AreEqual("docker-user", _engine.Builds.Single().BaseImageLogin?.Username);
        CollectionAssert.AreEqual(new[] { "localhost:5000" }, _dockerAsked);
    }

    [TestMethod]
    public async Task A_base_image_the_engine_lacks_is_pulled_with_the_push_login_when_it_is_kept_in_the_push_registry()
    {
        var engine = new FakeContainerEngine { Pull = _ => null };
        var lookup = Lookup(new Dictionary<string, string>
        {
            [EnvironmentCredentials.UserVariable] = "ci",
            [EnvironmentCredentials.PasswordVariable] = "ci-secret",
        });

        var facts = await DockerfileStage.ReadBaseImageAsync($"{Target}/team/base:1", engine, PullPolicy.Missing, null, lookup, Target, _log, default);

        Assert.IsNotNull(facts);
        Assert.AreEqual(("pull " + $"{Target}/team/base:1", "ci"), (engine.Logins.Single().Call, engine.Logins.Single().Login?.Username));
        Assert.AreEqual(0, _dockerAsked.Count, "the SDK's variables spare docker's helper");
    }
}
