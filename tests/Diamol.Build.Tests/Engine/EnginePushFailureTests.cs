using Diamol.Build.Engine;

namespace Diamol.Build.Tests.Engine;

[TestClass]
public sealed class EnginePushFailureTests
{
    [TestMethod]
    [DataRow("unauthorized: authentication required", EnginePushFailureKind.Authentication)]
    [DataRow("denied: requested access to the resource is denied", EnginePushFailureKind.Authentication)]
    [DataRow("received unexpected HTTP status: 500 Internal Server Error", EnginePushFailureKind.Server)]
    [DataRow("received unexpected HTTP status: 503 Service Unavailable", EnginePushFailureKind.Server)]
    [DataRow("Get \"http://127.0.0.1:5009/v2/\": dial tcp 127.0.0.1:5009: connect: connection refused", EnginePushFailureKind.Network)]
    [DataRow("Patch \"http://localhost:5000/v2/x/blobs/uploads/1\": EOF", EnginePushFailureKind.Network)]
    [DataRow("something the registry made up", EnginePushFailureKind.Server)]
    public void Push_failures_are_told_apart(string reason, EnginePushFailureKind kind) => Assert.AreEqual(kind, EnginePushFailure.Classify(reason));
}
