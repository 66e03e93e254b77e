using System.Text.Json;

namespace Diamol.Build.EndToEndTests;

/// <summary>
/// With Diamol.Build in the project, the SDK's own container publish (`-t:PublishContainer`, or the DefaultContainer
/// publish profile) does not make a second image: Diamol.Build takes the request over, and image.json names the image
/// the tag really points at.
/// </summary>
[TestClass]
public sealed class SdkCoexistenceTests
{
    [TestMethod]
    [DataRow("-t:PublishContainer", DisplayName = "-t:PublishContainer")]
    [DataRow("PublishProfile=DefaultContainer", DisplayName = "PublishProfile=DefaultContainer")]
    public void The_SDK_container_publish_is_taken_over(string request)
    {
        // The DefaultContainer profile comes with the Web SDK, so a web project takes that path.
        bool web = request.StartsWith("PublishProfile", StringComparison.Ordinal);
        var project = web ? ConsumerProject.FromSample("WebApi", "Greetings") : ConsumerProject.FromSample("WebPing");
        string repository = "diamol-coexist/" + project.Name.ToLowerInvariant() + "-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            var publish = project.Publish($"ContainerBaseImage={(web ? TestEnvironment.BaseAspNet : TestEnvironment.BaseRuntime)}", $"ContainerRepository={repository}", request)
                .EnsureSuccess("publish with " + request);
            StringAssert.Contains(publish.Output, "Diamol.Build makes this image; the SDK's PublishContainer was asked not to publish a second one");
            using var image = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContainerFolder, "image.json")));
            Assert.AreEqual(ImageInspection.Inspect(repository + ":latest").GetProperty("Id").GetString(), image.RootElement.GetProperty("id").GetString(),
                "image.json names the image the tag points at");
            // Our image, not the SDK's: it has our layers (the SDK makes one layer over the base).
            Assert.IsTrue(ImageInspection.FileLayers(repository + ":latest").Length >= 2, "the tagged image is Diamol.Build's layered image");
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }
}
