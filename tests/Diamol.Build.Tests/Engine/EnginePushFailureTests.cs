using Diamol.Build.Engine;

namespace Diamol.Build.Tests.Engine;

[TestClass]
public sealed class EnginePushFailureTests
{
    [TestMethod]
    [DataRow("unauthorized: authentication required", "Authentication")]
    [DataRow("denied: requested access to the resource is denied", "Authentication")]
    [DataRow("received unexpected HTTP status: 500 Internal Server Error", "Server")]
    [DataRow("received unexpected HTTP status: 503 Service Unavailable", "Server")]
    [DataRow("Get \"http://127.0.0.1:5009/v2/\": dial tcp 127.0.0.1:5009: connect: connection refused", "Network")]
    [DataRow("Patch \"http://localhost:5000/v2/x/blobs/uploads/1\": EOF", "Network")]
    [DataRow("something the registry made up", "Server")]
    // The kind by name: the enum is internal, and a public test method cannot take it.
    public void Push_failures_are_told_apart(string reason, string kind) => Assert.AreEqual(Enum.Parse<EnginePushFailureKind>(kind), EnginePushFailure.Classify(reason));

    [TestMethod]
    [DataRow("team/app", "docker.io")]
    [DataRow("localhost:5000/team/app", "localhost:5000")]
    [DataRow("registry.example/app", "registry.example")]
    public void A_refused_push_names_the_registry_the_repository_is_on(string repository, string registry)
    {
        var e = EngineFailures.PushFailed(new EngineEndpoint(new Uri("unix:///var/run/docker.sock"), "a test"), repository, "1.0",
            "unauthorized: authentication required", hadLogin: false);
        StringAssert.StartsWith(e.Message, $"The registry {registry} refused the push of {repository}:1.0");
    }
}
