using Diamol.Build.Common;
using Diamol.Build.Diagnostics;
using Diamol.Build.Engine;
using Diamol.Build.Spec;
using Diamol.Build.Tests.Pipeline;

namespace Diamol.Build.Tests.Engine;

/// <summary>Reading the base image from the engine: pinning, pulling when missing, and the pull policy.</summary>
[TestClass]
public sealed class BaseImageInspectorTests
{
    private static readonly string Ours = "sha256:" + new string('1', 64);
    private static readonly string Mirror = "sha256:" + new string('0', 64);

    private static ImageReference Reference(string name) => ImageReference.TryParse(name, out _)!;

    private static ImageFacts Ubuntu(FakeContainerEngine engine) =>
        engine.Add("sha256:" + new string('b', 64)) with
        {
            Env = ["PATH=/usr/bin", "APP_UID=1654"],
            Entrypoint = ["/entry.sh"],
            RepoDigests = ["mirror.example.com/library/ubuntu@" + Mirror, "docker.io/library/ubuntu@" + Ours],
        };

    [TestMethod]
    [DataRow("ubuntu:24.04")]
    [DataRow("docker.io/library/ubuntu:24.04")]
    [DataRow("library/ubuntu:24.04")]
    public async Task The_pin_is_the_repo_digest_of_the_same_repository_however_it_is_spelt(string name)
    {
        var engine = new FakeContainerEngine();
        engine.Add(Ubuntu(engine), name);

        var facts = await BaseImageInspector.ReadAsync(engine, Reference(name), () => null, PullPolicy.Missing, new ListBuildLog(), default);

        Assert.AreEqual(Ours, facts.Digest, "a mirror's digest of another repository must not pin FROM");
        CollectionAssert.AreEqual(new[] { "PATH=/usr/bin", "APP_UID=1654" }, facts.Env.ToArray());
        CollectionAssert.AreEqual(new[] { "/entry.sh" }, facts.Entrypoint!.ToArray());
        Assert.IsFalse(engine.Calls.Any(c => c.StartsWith("pull", StringComparison.Ordinal)));
    }

    [TestMethod]
    public async Task A_missing_base_image_is_pulled_first_and_asks_for_the_login_only_then()
    {
        var engine = new FakeContainerEngine { Pull = _ => null };
        int loginAsked = 0;

        await BaseImageInspector.ReadAsync(engine, Reference("registry.test/base:1"), () => { loginAsked++; return null; }, PullPolicy.Missing, new ListBuildLog(), default);

        CollectionAssert.Contains(engine.Calls, "pull registry.test/base:1");
        Assert.AreEqual(1, loginAsked);
    }

    [TestMethod]
    public async Task One_that_cannot_be_pulled_is_DIAM3018_with_the_engines_reason()
    {
        var engine = new FakeContainerEngine { Pull = _ => "manifest unknown" };

        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() =>
            BaseImageInspector.ReadAsync(engine, Reference("registry.test/base:1"), () => null, PullPolicy.Missing, new ListBuildLog(), default));

        Assert.AreEqual(DiagnosticCode.DIAM3018, e.Code);
        StringAssert.Contains(e.Message, "ContainerBaseImage has the value 'registry.test/base:1'");
        StringAssert.Contains(e.Message, "manifest unknown");
    }

    [TestMethod]
    public async Task Pull_policy_Never_does_not_pull_and_Always_always_does()
    {
        var never = new FakeContainerEngine();
        var e = await Assert.ThrowsExactlyAsync<DiamolException>(() =>
            BaseImageInspector.ReadAsync(never, Reference("registry.test/base:1"), () => null, PullPolicy.Never, new ListBuildLog(), default));
        StringAssert.Contains(e.Message, "DiamolPullPolicy is Never");
        Assert.IsFalse(never.Calls.Any(c => c.StartsWith("pull", StringComparison.Ordinal)));

        var always = new FakeContainerEngine { Pull = _ => null };
        always.Add("sha256:" + new string('b', 64), "registry.test/base:1");
        await BaseImageInspector.ReadAsync(always, Reference("registry.test/base:1"), () => null, PullPolicy.Always, new ListBuildLog(), default);
        CollectionAssert.Contains(always.Calls, "pull registry.test/base:1");
    }
}
