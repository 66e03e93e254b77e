using System.Formats.Tar;
using System.IO.Compression;
using System.Text;

namespace Diamol.Build.EndToEndTests;

/// <summary>
/// A published file replaced by another of the same size with the old mtime (as <c>touch -r</c>, <c>cp -p</c>,
/// <c>rsync -a</c> and tar leave it) reaches the image: staging, the digest cache and the OCI writer's blob reuse see
/// the new inode and ctime. The file is replaced in the publish folder: replaced in the project, the SDK's own copy
/// (MSBuild's Copy compares size and time) never brings it to the publish folder at all.
/// </summary>
[TestClass]
public sealed class ContentIdentityTests
{
    private const string Old = "the old bytes of data.txt";
    private const string New = "the NEW bytes of data.txt";

    private static ConsumerProject ProjectWithData()
    {
        var project = ConsumerProject.NewConsole("ContentIdentity");
        project.AddToProject(
            "  <ItemGroup>\n    <Content Include=\"data.txt\" CopyToPublishDirectory=\"PreserveNewest\" />\n  </ItemGroup>\n");
        File.WriteAllText(Path.Combine(project.Directory, "data.txt"), Old);
        return project;
    }

    /// <summary>As rsync -a or tar extraction do: a new file, the old one's mtime, renamed over it.</summary>
    private static void ReplaceKeepingSizeAndTime(string path, string text)
    {
        Assert.AreEqual(new FileInfo(path).Length, Encoding.UTF8.GetByteCount(text), "same size");
        string replacement = path + ".new";
        File.WriteAllText(replacement, text);
        ProcessRunner.Run("touch", ["-r", path, replacement]).EnsureSuccess("touch -r");
        File.Move(replacement, path, overwrite: true);
    }

    [TestMethod]
    public void A_same_size_same_mtime_replacement_reaches_the_image_with_the_engine_builder()
    {
        var project = ProjectWithData();
        string repository = $"diamol-identity/engine-{Guid.NewGuid().ToString("N")[..8]}";
        string[] properties = [$"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}", "DiamolBuilder=docker"];
        try
        {
            project.Publish(properties).EnsureSuccess("first publish");
            Assert.AreEqual(Old, Cat(repository + ":latest", "/app/data.txt"));

            string published = Path.Combine(project.PublishFolder, "data.txt");
            var time = File.GetLastWriteTimeUtc(published);
            ReplaceKeepingSizeAndTime(published, New);
            Assert.AreEqual(time, File.GetLastWriteTimeUtc(published));

            var again = project.Publish(properties).EnsureSuccess("publish after the replacement");

            Assert.AreEqual(New, File.ReadAllText(published), "the SDK left the replaced file as it was");
            Assert.AreEqual(New, Cat(repository + ":latest", "/app/data.txt"), again.All);
            StringAssert.DoesNotMatch(again.All, new System.Text.RegularExpressions.Regex("up to date, no build needed"));
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }

    [TestMethod]
    public void A_same_size_same_mtime_replacement_reaches_the_registry_with_the_OCI_writer()
    {
        var project = ProjectWithData();
        string repository = $"diamol-identity/oci-{Guid.NewGuid().ToString("N")[..8]}";
        string[] properties = [$"ContainerBaseImage={TestEnvironment.BaseRuntime}", "ContainerRegistry=localhost:5000", $"ContainerRepository={repository}", "DiamolBuilder=oci"];
        project.Publish(properties).EnsureSuccess("first push");
        Assert.AreEqual(Old, RegistryFile(repository, "app/data.txt"));

        ReplaceKeepingSizeAndTime(Path.Combine(project.PublishFolder, "data.txt"), New);
        var again = project.Publish(properties).EnsureSuccess("push after the replacement");

        Assert.AreEqual(New, RegistryFile(repository, "app/data.txt"), again.All);
    }

    private static string Cat(string image, string path) =>
        ProcessRunner.Run("docker", ["run", "--rm", "--network", "none", "--entrypoint", "cat", image, path], timeout: TimeSpan.FromMinutes(2))
            .EnsureSuccess("cat " + path).Output.TrimEnd('\n');

    /// <summary>The file as the registry's layers hold it: the last layer (of the tag's manifest) that has it.</summary>
    private static string RegistryFile(string repository, string name)
    {
        string? found = null;
        using var client = new HttpClient();
        foreach (string digest in RegistryInspection.LayerDigests(repository, "latest"))
        {
            using var blob = new MemoryStream(client.GetByteArrayAsync($"http://127.0.0.1:5000/v2/{repository}/blobs/{digest}").GetAwaiter().GetResult());
            using var reader = new TarReader(new GZipStream(blob, CompressionMode.Decompress));
            while (reader.GetNextEntry() is { } entry)
            {
                if (entry.Name.TrimStart('.', '/') == name && entry.DataStream is { } data) found = new StreamReader(data).ReadToEnd();
            }
        }

        return found ?? throw new AssertFailedException($"{name} is in no layer of {repository}:latest");
    }
}
