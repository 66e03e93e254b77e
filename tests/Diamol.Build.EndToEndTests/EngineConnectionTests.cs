namespace Diamol.Build.EndToEndTests;

/// <summary>A publish talks to one engine connection: the builder choice, the base image's inspection and the build share it.</summary>
[TestClass]
public sealed class EngineConnectionTests
{
    [TestMethod]
    public void A_publish_connects_and_negotiates_with_the_engine_once()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string repository = "diamol-connect/" + Guid.NewGuid().ToString("N")[..8];
        // Every connection starts by asking /version (the negotiation); the proxy counts the connections that did.
        using var proxy = FaultProxy.ForEngine(@"GET /(v[0-9.]+/)?version ", Fault.Observe);
        try
        {
            var result = project.PublishWith(new Dictionary<string, string?> { ["DOCKER_HOST"] = proxy.Host },
                $"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}", "DiamolBuilder=docker");

            result.EnsureSuccess("the publish through the counting proxy");
            StringAssert.Contains(result.Output, "WebPing -> " + repository + ":latest");
            Assert.AreEqual(1, proxy.Triggered, "the builder choice, the base image's inspection and the build each connected on their own");
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }
}
