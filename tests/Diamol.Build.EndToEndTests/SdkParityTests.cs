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

    /// <summary>
    /// On a base that is an index (as every Microsoft base is), PublishContainer labels the image with the digest of the
    /// platform's manifest, not the index's: so do both builders (the engine knows only the index's digest).
    /// </summary>
    [TestMethod]
    public void On_a_multi_platform_base_the_base_digest_label_names_the_platforms_manifest_as_PublishContainers_with_both_builders()
    {
        string baseImage = TestEnvironment.BaseRuntimeDeps + "-multi";
        var index = RegistryInspection.Manifest("dotnet/runtime-deps", "10.0-multi");
        string amd64 = index.GetProperty("manifests").EnumerateArray()
            .Single(m => m.GetProperty("platform").GetProperty("architecture").GetString() == "amd64").GetProperty("digest").GetString()!;
        foreach (string builder in new[] { "docker", "oci" })
        {
            var project = ConsumerProject.FromSample("WebPing");
            project.RuntimeIdentifier = "linux-x64";
            AssertParity(project, baseImage, config =>
                Assert.AreEqual(amd64, config.GetProperty("Labels").GetProperty("org.opencontainers.image.base.digest").GetString(), $"the label of the {builder} builder's image"),
                $"DiamolBuilder={builder}");
        }
    }

    /// <summary>ContainerArchiveOutputPath naming a folder: both write `&lt;ContainerRepository&gt;.tar.gz` under it, the repository's folders included.</summary>
    [TestMethod]
    public void An_archive_folder_gets_the_file_name_PublishContainer_gives_it()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string id = Guid.NewGuid().ToString("N")[..8];
        string repository = $"diamol-parity/archive-{id}";
        string ours = Path.Combine(TestEnvironment.WorkRoot, "archive-ours-" + id) + "/";
        string sdks = Path.Combine(TestEnvironment.WorkRoot, "archive-sdk-" + id) + "/";
        project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}", $"ContainerArchiveOutputPath={ours}").EnsureSuccess("Diamol.Build archive");
        project.PublishContainerWithSdk($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}", $"ContainerArchiveOutputPath={sdks}")
            .EnsureSuccess("PublishContainer archive");

        string[] Names(string folder) => Directory.GetFiles(folder, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(folder, f)).Order().ToArray();
        CollectionAssert.AreEqual(Names(sdks), Names(ours));
        CollectionAssert.AreEqual(new[] { Path.Combine("diamol-parity", $"archive-{id}.tar.gz") }, Names(ours));
        // Both are plain tar files despite the name (a tar header's "ustar" magic at offset 257).
        foreach (string archive in new[] { ours, sdks }.Select(f => Path.Combine(f, "diamol-parity", $"archive-{id}.tar.gz")))
        {
            byte[] header = new byte[262];
            using (var file = File.OpenRead(archive)) file.ReadExactly(header);
            Assert.AreEqual("ustar", System.Text.Encoding.ASCII.GetString(header, 257, 5), archive);
        }
    }

    private static void AssertParity(ConsumerProject project, string baseImage, Action<System.Text.Json.JsonElement>? alsoOurs = null, params string[] ourProperties)
    {
        string id = Guid.NewGuid().ToString("N")[..8];
        string ours = $"diamol-parity/{project.Name.ToLowerInvariant()}-ours-{id}:latest";
        string sdks = $"diamol-parity/{project.Name.ToLowerInvariant()}-sdk-{id}:latest";
        try
        {
            project.Publish([$"ContainerBaseImage={baseImage}", $"ContainerRepository={ours.Split(':')[0]}", .. ourProperties]).EnsureSuccess("Diamol.Build publish");
            project.PublishContainerWithSdk($"ContainerBaseImage={baseImage}", $"ContainerRepository={sdks.Split(':')[0]}").EnsureSuccess("PublishContainer");

            ImageParity.AssertSameConfigAndFiles(ours, sdks);
            alsoOurs?.Invoke(ImageInspection.Config(ours));
        }
        finally
        {
            ImageInspection.RemoveImages(ours, sdks);
        }
    }
}
