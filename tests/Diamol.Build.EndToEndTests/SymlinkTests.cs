namespace Diamol.Build.EndToEndTests;

/// <summary>
/// Only what was published enters the image: a symbolic link in the publish folder that leads to a file of this
/// machine stops the publish with DIAM2007, and neither the context nor any image holds that file's bytes.
/// </summary>
[TestClass]
public sealed class SymlinkTests
{
    [TestMethod]
    public void A_link_to_a_host_file_stops_the_publish_and_leaks_nothing()
    {
        var project = ConsumerProject.NewConsole("LinkLeak" + Guid.NewGuid().ToString("N")[..8].ToUpperInvariant());
        string secret = Path.Combine(Path.GetDirectoryName(project.Directory)!, "host-secret-" + Guid.NewGuid().ToString("N")[..8]);
        File.WriteAllText(secret, "not for the image");
        // A custom target that drops a link into the publish folder, as a careless script might.
        project.AddToProject(
            $"  <Target Name=\"DropLink\" AfterTargets=\"Publish\" BeforeTargets=\"DiamolPublishImage\">\n" +
            $"    <Exec Command=\"ln -sf {secret} $(PublishDir)leak.txt\" />\n  </Target>\n");
        string repository = project.Name.ToLowerInvariant();
        try
        {
            var publish = project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}");
            Assert.AreNotEqual(0, publish.ExitCode, publish.All);
            StringAssert.Contains(publish.Output, "DIAM2007");
            StringAssert.Contains(publish.Output, "'leak.txt'");
            Assert.AreNotEqual(0, ProcessRunner.Docker("image", "inspect", repository + ":latest").ExitCode, "no image was built");
            string layers = Path.Combine(project.ContainerFolder, "layers");
            Assert.IsFalse(Directory.Exists(layers) && Directory.EnumerateFiles(layers, "*", SearchOption.AllDirectories)
                .Any(f => File.ReadAllText(f).Contains("not for the image", StringComparison.Ordinal)), "the host file's bytes reached the context");
        }
        finally
        {
            ProcessRunner.Docker("image", "rm", "-f", repository + ":latest");
        }
    }
}
