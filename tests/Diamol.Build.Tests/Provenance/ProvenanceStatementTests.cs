using System.Text;
using System.Text.Json;
using Diamol.Build.Oci;
using Diamol.Build.Provenance;

namespace Diamol.Build.Tests.Provenance;

/// <summary>The provenance statement: in-toto Statement v1 with a SLSA v1 predicate, the same bytes for the same input, secrets redacted.</summary>
[TestClass]
public sealed class ProvenanceStatementTests
{
    private const string Secret = "hunter2-very-secret";
    private const string Commit = "0123456789abcdef0123456789abcdef01234567";

    private static readonly string ImageDigest = "sha256:" + new string('d', 64);
    private static readonly string BaseDigest = "sha256:" + new string('e', 64);

    private static ProvenanceInput Input(bool reversed = false)
    {
        var settings = new[]
        {
            KeyValuePair.Create("ContainerRepository", "team/app"),
            KeyValuePair.Create("ContainerBaseImage", "mcr.microsoft.com/dotnet/runtime:10.0"),
            KeyValuePair.Create("DiamolRegistryPassword", Secret),
            KeyValuePair.Create("ContainerEnvironmentVariables", "MODE=prod;DB_PASSWORD=" + Secret),
            KeyValuePair.Create("ContainerLabel", "note=copied " + Secret),
            KeyValuePair.Create("RestoreSources", "https://feed-user:feed-token-77@feeds.example.test/v3/index.json;/local/feed"),
        };
        var arguments = new[] { KeyValuePair.Create("NUGET_FEED", "internal-feed-value"), KeyValuePair.Create("EMPTY", "") };
        var internals = new[] { KeyValuePair.Create("sdkVersion", "10.0.401"), KeyValuePair.Create("builder", "oci") };
        if (reversed)
        {
            Array.Reverse(settings);
            Array.Reverse(arguments);
            Array.Reverse(internals);
        }

        return new ProvenanceInput(
            [new ProvenanceSubject("localhost:5000/team/app", ImageDigest)],
            "https://github.com/actions/runner",
            "1.2.3",
            new Dictionary<string, string>(settings),
            new Dictionary<string, string>(arguments),
            new Dictionary<string, string>(internals),
            "https://x-access-token:ghs_token123@github.com/team/app.git",
            Commit,
            "mcr.microsoft.com/dotnet/runtime:10.0",
            BaseDigest,
            ReproducibleTime.From("1700000000"),
            "https://github.com/team/app/actions/runs/42");
    }

    [TestMethod]
    public void The_statement_is_in_toto_v1_with_a_SLSA_v1_predicate_over_the_image_digest()
    {
        using var json = JsonDocument.Parse(ProvenanceStatement.Write(Input()));
        var root = json.RootElement;

        Assert.AreEqual("https://in-toto.io/Statement/v1", root.GetProperty("_type").GetString());
        var subject = root.GetProperty("subject").EnumerateArray().Single();
        Assert.AreEqual("localhost:5000/team/app", subject.GetProperty("name").GetString());
        Assert.AreEqual(new string('d', 64), subject.GetProperty("digest").GetProperty("sha256").GetString(), "in-toto digests are hex without the algorithm");
        Assert.AreEqual("https://slsa.dev/provenance/v1", root.GetProperty("predicateType").GetString());

        var definition = root.GetProperty("predicate").GetProperty("buildDefinition");
        Assert.AreEqual(ProvenanceStatement.BuildType, definition.GetProperty("buildType").GetString());
        var settings = definition.GetProperty("externalParameters").GetProperty("settings");
        Assert.AreEqual("team/app", settings.GetProperty("ContainerRepository").GetString());
        Assert.AreEqual("10.0.401", definition.GetProperty("internalParameters").GetProperty("sdkVersion").GetString());

        var dependencies = definition.GetProperty("resolvedDependencies").EnumerateArray().ToList();
        Assert.AreEqual(2, dependencies.Count);
        Assert.AreEqual("git+https://github.com/team/app.git", dependencies[0].GetProperty("uri").GetString(), "the token of the checkout URL is gone");
        Assert.AreEqual(Commit, dependencies[0].GetProperty("digest").GetProperty("gitCommit").GetString());
        Assert.AreEqual("mcr.microsoft.com/dotnet/runtime:10.0", dependencies[1].GetProperty("name").GetString());
        Assert.AreEqual("pkg:oci/runtime@sha256%3A" + new string('e', 64) + "?repository_url=mcr.microsoft.com/dotnet/runtime&tag=10.0",
            dependencies[1].GetProperty("uri").GetString());
        Assert.AreEqual(new string('e', 64), dependencies[1].GetProperty("digest").GetProperty("sha256").GetString());

        var run = root.GetProperty("predicate").GetProperty("runDetails");
        Assert.AreEqual("https://github.com/actions/runner", run.GetProperty("builder").GetProperty("id").GetString());
        Assert.AreEqual("1.2.3", run.GetProperty("builder").GetProperty("version").GetProperty("Diamol.Build").GetString());
        Assert.AreEqual("2023-11-14T22:13:20Z", run.GetProperty("metadata").GetProperty("startedOn").GetString());
        Assert.AreEqual("2023-11-14T22:13:20Z", run.GetProperty("metadata").GetProperty("finishedOn").GetString());
        Assert.AreEqual("https://github.com/team/app/actions/runs/42", run.GetProperty("metadata").GetProperty("invocationId").GetString());
    }

    [TestMethod]
    public void The_same_input_in_another_order_gives_the_same_bytes()
    {
        byte[] first = ProvenanceStatement.Write(Input());

        CollectionAssert.AreEqual(first, ProvenanceStatement.Write(Input()));
        CollectionAssert.AreEqual(first, ProvenanceStatement.Write(Input(reversed: true)));
        Assert.AreNotEqual(Encoding.UTF8.GetString(first), Encoding.UTF8.GetString(ProvenanceStatement.Write(Input() with { BuildTime = ReproducibleTime.Fixed })));
    }

    [TestMethod]
    public void Secrets_are_redacted_wherever_they_are_and_build_argument_values_always()
    {
        byte[] bytes = ProvenanceStatement.Write(Input());
        string text = Encoding.UTF8.GetString(bytes);

        Assert.IsFalse(text.Contains(Secret, StringComparison.Ordinal), text);
        Assert.IsFalse(text.Contains("ghs_token123", StringComparison.Ordinal), text);
        Assert.IsFalse(text.Contains("internal-feed-value", StringComparison.Ordinal), text);
        using var json = JsonDocument.Parse(bytes);
        var external = json.RootElement.GetProperty("predicate").GetProperty("buildDefinition").GetProperty("externalParameters");
        var settings = external.GetProperty("settings");
        Assert.AreEqual("<redacted>", settings.GetProperty("DiamolRegistryPassword").GetString(), "a setting of a password-like name");
        StringAssert.StartsWith(settings.GetProperty("ContainerEnvironmentVariables").GetString(), "MODE=prod;DB_PASSWORD=<redacted>");
        Assert.AreEqual("note=copied <redacted>", settings.GetProperty("ContainerLabel").GetString(), "a known secret value elsewhere");
        Assert.AreEqual("https://<redacted>@feeds.example.test/v3/index.json;/local/feed", settings.GetProperty("RestoreSources").GetString(),
            "a URL's credentials in any setting");
        Assert.IsFalse(text.Contains("feed-token-77", StringComparison.Ordinal));
        Assert.AreEqual("<redacted>", external.GetProperty("buildArguments").GetProperty("NUGET_FEED").GetString());
        Assert.AreEqual("", external.GetProperty("buildArguments").GetProperty("EMPTY").GetString());
    }

    [TestMethod]
    public void Without_source_or_base_image_the_dependencies_say_only_what_is_known_and_a_bad_digest_is_refused()
    {
        using var json = JsonDocument.Parse(ProvenanceStatement.Write(Input() with { RepositoryUrl = null, BaseImage = null, BaseImageDigest = null, InvocationId = null }));
        var dependency = json.RootElement.GetProperty("predicate").GetProperty("buildDefinition").GetProperty("resolvedDependencies").EnumerateArray().Single();
        Assert.IsFalse(dependency.TryGetProperty("uri", out _));
        Assert.AreEqual(Commit, dependency.GetProperty("digest").GetProperty("gitCommit").GetString());
        Assert.IsFalse(json.RootElement.GetProperty("predicate").GetProperty("runDetails").GetProperty("metadata").TryGetProperty("invocationId", out _));

        Assert.ThrowsExactly<ArgumentException>(() => ProvenanceStatement.Write(Input() with { Subjects = [new ProvenanceSubject("x", "sha256:12")] }));
        Assert.ThrowsExactly<ArgumentException>(() => ProvenanceStatement.Write(Input() with { Subjects = [] }));
    }
}
