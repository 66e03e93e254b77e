namespace Diamol.Build.EndToEndTests;

/// <summary>
/// The output folder (container/) after what happens to folders: half deleted by a person, cleaned by `dotnet clean`,
/// on a disk that fills up. A publish repairs what is ours, clean removes it, a full disk is named and leaves no
/// Dockerfile that would build a half-staged context.
/// </summary>
[TestClass]
public sealed class OutputFolderTests
{
    [TestMethod]
    public void A_publish_after_deleting_the_records_folder_rebuilds_it_and_clean_removes_the_output_folder()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string repository = "diamol-folder/" + Guid.NewGuid().ToString("N")[..8];
        string[] properties = [$"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}"];
        try
        {
            project.Publish(properties).EnsureSuccess("first publish");
            Directory.Delete(Path.Combine(project.ContainerFolder, ".diamol"), recursive: true);
            File.Delete(Path.Combine(project.ContainerFolder, "image.json"));

            var again = project.Publish(properties);
            Assert.AreEqual(0, again.ExitCode, "a half-deleted output folder blocked the publish: " + again.Output);
            Assert.IsTrue(File.Exists(Path.Combine(project.ContainerFolder, ".diamol", "build.json")));
            Assert.IsTrue(File.Exists(Path.Combine(project.ContainerFolder, "image.json")));
            Assert.AreEqual(0, Directory.EnumerateFiles(project.ContainerFolder, "*.tmp", SearchOption.AllDirectories).Count(), "temporary files were left");

            project.Clean().EnsureSuccess("dotnet clean");
            Assert.IsFalse(Directory.Exists(project.ContainerFolder), "dotnet clean left the output folder");
            Assert.IsTrue(ImageInspection.Inspect(repository + ":latest").ValueKind != System.Text.Json.JsonValueKind.Undefined, "clean must not touch images");
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }

    [TestMethod]
    public void A_full_disk_while_staging_is_named_and_leaves_no_Dockerfile()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string mount = Path.Combine(TestEnvironment.WorkRoot, "full-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(mount);
        // Big enough for the folders and small files, too small for the app's files: staging runs out of space.
        ProcessRunner.Run("mount", ["-t", "tmpfs", "-o", "size=96k", "tmpfs", mount]).EnsureSuccess("mounting a small tmpfs (the tests run as root)");
        try
        {
            var result = project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"DiamolOutputPath={mount}/", "DiamolBuildImage=false");
            Assert.AreNotEqual(0, result.ExitCode, result.All);
            StringAssert.Contains(result.Output, "error DIAM2002", result.Output);
            StringAssert.Contains(result.Output, "the disk is full");
            StringAssert.Contains(result.Output, mount);
            Assert.IsFalse(result.Output.Contains("DIAM9001", StringComparison.Ordinal), result.Output);
            Assert.IsFalse(File.Exists(Path.Combine(mount, "Dockerfile")), "a Dockerfile was left over a half-staged context");
            Assert.AreEqual(0, Directory.EnumerateFiles(mount, "*.tmp", SearchOption.AllDirectories).Count(), "temporary files were left");
        }
        finally
        {
            ProcessRunner.Run("umount", [mount]);
        }
    }
}
