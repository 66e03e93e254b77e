namespace Diamol.Build.EndToEndTests;

/// <summary>
/// The Web SDK's other way to publish: `dotnet build` with DeployOnBuild=true (from a publish profile, the command
/// line or a file read after the package's targets). It runs Publish inside the build and AfterPublish before it, so
/// the image must follow Publish there, and hold the whole publish folder; a publish that makes no image and says
/// nothing is the failure these tests guard against.
/// </summary>
[TestClass]
public sealed class DeployOnBuildTests
{
    [TestMethod]
    public void A_publish_profile_that_deploys_on_build_makes_the_image_of_the_whole_publish_folder()
    {
        var project = ConsumerProject.FromSample("WebApi", "Greetings");
        WriteFile(project, "Properties/PublishProfiles/Folder.pubxml", DeployToFolder);
        BuildAndCheck(project, "PublishProfile=Folder");
        Assert.IsTrue(File.Exists(Path.Combine(project.Directory, "deployed", "WebApi.dll")), "the profile's own deployment must still happen");
    }

    [TestMethod]
    public void DeployOnBuild_set_after_the_package_targets_are_read_still_makes_the_image()
    {
        // Directory.Build.targets is imported after NuGet packages' targets: a decision taken when our targets are
        // read would not see it.
        var project = ConsumerProject.FromSample("WebApi", "Greetings");
        WriteFile(project, "Directory.Build.targets", DeployToFolder);
        BuildAndCheck(project);
    }

    /// <summary>What a Visual Studio folder profile holds, with DeployOnBuild: `dotnet build` then publishes to deployed/.</summary>
    private const string DeployToFolder = """
        <Project>
          <PropertyGroup>
            <DeployOnBuild>true</DeployOnBuild>
            <WebPublishMethod>FileSystem</WebPublishMethod>
            <PublishUrl>deployed/</PublishUrl>
          </PropertyGroup>
        </Project>
        """;

    private static void BuildAndCheck(ConsumerProject project, params string[] properties)
    {
        string repository = "diamol-e2e/deploy-on-build-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            var build = project.Build([$"ContainerBaseImage={TestEnvironment.BaseAspNet}", $"ContainerRepository={repository}", .. properties])
                .EnsureSuccess("dotnet build with DeployOnBuild");
            StringAssert.Contains(build.Output, $"WebApi -> {repository}:latest (sha256:");

            // The image's /app is exactly the publish folder the deploy-on-build publish wrote.
            string publishFolder = Path.Combine(project.Directory, "obj", "Release", "net10.0", "PubTmp", "Out");
            Assert.IsTrue(Directory.Exists(publishFolder), "the deploy-on-build publish folder is missing: " + build.Output);
            CollectionAssert.AreEqual(PublishSnapshot.FileLines(publishFolder), ImageInspection.Files(repository + ":latest", "/app"));
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }

    private static void WriteFile(ConsumerProject project, string relative, string text)
    {
        string path = Path.Combine(project.Directory, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
