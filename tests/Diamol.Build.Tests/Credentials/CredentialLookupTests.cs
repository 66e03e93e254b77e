using Diamol.Build.Credentials;
using Diamol.Build.Diagnostics;
using Diamol.Build.Registry;

namespace Diamol.Build.Tests.Credentials;

/// <summary>The publish's one credential lookup: docker's login (a credential helper run) asked once per registry, the SDK's variables first.</summary>
[TestClass]
public sealed class CredentialLookupTests
{
    private readonly List<string> _dockerAsked = [];

    private CredentialLookup Lookup(Dictionary<string, string>? variables = null, Func<string, RegistryLogin?>? docker = null) =>
        new(name => variables is not null && variables.TryGetValue(name, out var value) ? value : null,
            registry =>
            {
                _dockerAsked.Add(registry);
                return docker is null ? new RegistryLogin(registry, "helper-user", "helper-secret", null) : docker(registry);
            },
            "/config");

    [TestMethod]
    public void Docker_is_asked_once_per_registry_however_many_clients_and_accesses_ask()
    {
        var lookup = Lookup();

        for (int i = 0; i < 5; i++)
        {
            Assert.AreEqual("helper-user", lookup.Find("registry.test", RegistryAccess.Pull)?.Username);
            Assert.AreEqual("helper-user", lookup.Find("registry.test", RegistryAccess.Push)?.Username);
        }

        Assert.AreEqual("helper-user", lookup.Find("other.test", RegistryAccess.Pull)?.Username);
        CollectionAssert.AreEqual(new[] { "registry.test", "other.test" }, _dockerAsked);
    }

    [TestMethod]
    public void No_login_is_an_answer_kept_too()
    {
        var lookup = Lookup(docker: _ => null);

        Assert.IsNull(lookup.Find("registry.test", RegistryAccess.Pull));
        Assert.IsNull(lookup.Find("registry.test", RegistryAccess.Pull));

        Assert.AreEqual(1, _dockerAsked.Count);
    }

    [TestMethod]
    public void The_SDKs_variables_come_first_and_spare_the_helper()
    {
        var lookup = Lookup(new Dictionary<string, string>
        {
            [EnvironmentCredentials.UserVariable] = "ci",
            [EnvironmentCredentials.PasswordVariable] = "ci-secret",
        });

        Assert.AreEqual("ci", lookup.Find("registry.test", RegistryAccess.Push)?.Username);
        Assert.AreEqual("ci", lookup.Find("registry.test", RegistryAccess.PullFromPushRegistry)?.Username);
        Assert.AreEqual(0, _dockerAsked.Count);
        // A pull from another registry does not take the push pair: docker's login it is.
        Assert.AreEqual("helper-user", lookup.Find("other.test", RegistryAccess.Pull)?.Username);
    }

    [TestMethod]
    public void A_failing_helper_fails_every_ask_of_the_publish_without_running_again()
    {
        var lookup = Lookup(docker: registry => throw new DiamolException(DiagnosticCode.DIAM3005, $"The credential helper did not answer for {registry}."));

        Assert.AreEqual(DiagnosticCode.DIAM3005, Assert.ThrowsExactly<DiamolException>(() => lookup.Find("registry.test", RegistryAccess.Pull)).Code);
        Assert.AreEqual(DiagnosticCode.DIAM3005, Assert.ThrowsExactly<DiamolException>(() => lookup.Find("registry.test", RegistryAccess.Push)).Code);

        Assert.AreEqual(1, _dockerAsked.Count);
    }

    [TestMethod]
    public void A_session_gives_one_client_per_registry_and_access_and_disposes_them_together()
    {
        using var session = new RegistrySession(Lookup());

        var pull = session.For("registry.test:5000", RegistryAccess.Pull);
        Assert.AreSame(pull, session.For("REGISTRY.test:5000", RegistryAccess.Pull), "registry names are host names: case does not matter");
        var push = session.For("registry.test:5000", RegistryAccess.Push);
        Assert.AreNotSame(pull, push);
        Assert.AreNotSame(pull, session.For("other.test", RegistryAccess.Pull));
        Assert.AreEqual(3, session.ClientCount);

        session.Dispose();
        Assert.ThrowsExactly<ObjectDisposedException>(() => session.For("registry.test:5000", RegistryAccess.Pull));
    }
}
