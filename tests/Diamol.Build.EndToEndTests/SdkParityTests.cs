namespace Diamol.Build.EndToEndTests;

/// <summary>
/// A project set up for the SDK's PublishContainer works unchanged: publishing it with Diamol.Build and with
/// `-t:PublishContainer` gives images with equal configuration and identical files under the working directory.
/// </summary>
[TestClass]
public sealed class SdkParityTests
{
    [TestMethod]
    public void WebPing_matches_PublishContainer() =>
        AssertParity(ConsumerProject.FromSample("WebPing"), TestEnvironment.BaseRuntime);

    [TestMethod]
    public void WebApi_with_a_ProjectReference_matches_PublishContainer() =>
        AssertParity(ConsumerProject.FromSample("WebApi", "Greetings"), TestEnvironment.BaseAspNet);

    [TestMethod]
    public void Self_contained_WebPing_matches_PublishContainer()
    {
        var project = ConsumerProject.FromSample("WebPing");
        project.RuntimeIdentifier = "linux-x64";
        AssertParity(project, TestEnvironment.BaseRuntimeDeps);
    }

    private static void AssertParity(ConsumerProject project, string baseImage)
    {
        string id = Guid.NewGuid().ToString("N")[..8];
        string ours = $"diamol-parity/{project.Name.ToLowerInvariant()}-ours-{id}:latest";
        string sdks = $"diamol-parity/{project.Name.ToLowerInvariant()}-sdk-{id}:latest";
        try
        {
            project.Publish($"ContainerBaseImage={baseImage}", $"ContainerRepository={ours.Split(':')[0]}").EnsureSuccess("Diamol.Build publish");
            project.PublishContainerWithSdk($"ContainerBaseImage={baseImage}", $"ContainerRepository={sdks.Split(':')[0]}").EnsureSuccess("PublishContainer");

            ImageParity.AssertSameConfigAndFiles(ours, sdks);
        }
        finally
        {
            ImageInspection.RemoveImages(ours, sdks);
        }
    }
}
