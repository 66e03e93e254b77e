using System.Text.Json;

namespace Diamol.Build.EndToEndTests;

/// <summary>
/// The daemonless OCI writer: a publish with no engine at all pushes to a registry, reproducibly, uploading only what
/// the registry lacks; each layer is independent of the others; archives load into Docker and Podman; a RID for
/// another architecture gives an image of that architecture.
/// </summary>
[TestClass]
public sealed class OciBuilderTests
{
    // Nothing listens there: any engine call would fail the publish.
    private static readonly Dictionary<string, string?> NoEngine = new() { ["DOCKER_HOST"] = "unix:///nonexistent/docker.sock" };

    private static string Unique(string name) => $"diamol-oci/{name}-{Guid.NewGuid().ToString("N")[..8]}";

    /// <summary>
    /// The compiler writes the source folder into the assembly and its symbols; builds meant to be compared map it
    /// (PathMap here; ContinuousIntegrationBuild does it in a git repository). That part is the compiler's, not ours.
    /// </summary>
    private static string SourcePaths(ConsumerProject project) => $"PathMap={Path.GetDirectoryName(project.Directory)}/=/src/";

    private static string ImageJson(ConsumerProject project, string property)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContainerFolder, "image.json")));
        return json.RootElement.GetProperty(property).ToString();
    }

    [TestMethod]
    public void Without_an_engine_a_registry_publish_pushes_only_what_the_registry_lacks()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string repository = Unique("webping");
        string[] properties = [$"ContainerBaseImage={TestEnvironment.BaseRuntime}", "ContainerRegistry=localhost:5000", $"ContainerRepository={repository}"];
        string image = $"localhost:5000/{repository}:latest";
        try
        {
            int log = RegistryInspection.LogLength();
            var first = project.PublishWith(NoEngine, [.. properties, SourcePaths(project), "-v:n"]).EnsureSuccess("publish with no engine");
            StringAssert.Contains(first.Output, "OCI builder (ContainerRegistry is set");
            Assert.AreEqual("True", ImageJson(project, "pushed"));
            int firstUploads = RegistryInspection.UploadsSince(log, repository);
            Assert.IsTrue(firstUploads >= 2, $"our layers and the config were uploaded ({firstUploads})");

            ProcessRunner.Docker("pull", image).EnsureSuccess("docker pull of the pushed image");
            var run = ProcessRunner.Run("docker", ["run", "--rm", "--network", "none", "-e", "PINGS=1", image], timeout: TimeSpan.FromMinutes(2));
            StringAssert.Contains(run.All, "Pinging", "the pulled image runs the app: " + run.All);

            // A one-line edit: the app layer and the config are all that is new.
            string program = Path.Combine(project.Directory, "Program.cs");
            File.WriteAllText(program, File.ReadAllText(program) + "\n// edited by the test\nclass EditedByTheTest { }\n");
            log = RegistryInspection.LogLength();
            project.PublishWith(NoEngine, [.. properties, SourcePaths(project)]).EnsureSuccess("publish after an edit");
            Assert.AreEqual(2, RegistryInspection.UploadsSince(log, repository), "after a one-line edit only the app layer and the config are uploaded");

            // The same inputs from another folder: nothing to upload, the manifest is all that is sent.
            var twin = ConsumerProject.FromSample("WebPing");
            File.WriteAllText(Path.Combine(twin.Directory, "Program.cs"), File.ReadAllText(program));
            log = RegistryInspection.LogLength();
            twin.PublishWith(NoEngine, [.. properties, SourcePaths(twin)]).EnsureSuccess("publish of the same inputs from another folder");
            Assert.AreEqual(0, RegistryInspection.UploadsSince(log, repository), "a second folder with the same inputs uploads no blob");
            Assert.AreEqual(ImageJson(project, "digest"), ImageJson(twin, "digest"), "the same inputs give the same manifest digest");
        }
        finally
        {
            ImageInspection.RemoveImages(image);
        }
    }

    [TestMethod]
    public void The_same_project_from_two_folders_with_other_times_and_users_gives_the_same_digest()
    {
        string repository = Unique("repro");
        string[] properties = [$"ContainerBaseImage={TestEnvironment.BaseRuntime}", "ContainerRegistry=localhost:5000", $"ContainerRepository={repository}"];
        var asRoot = ConsumerProject.FromSample("WebPing");
        asRoot.PublishWith(NoEngine, [.. properties, SourcePaths(asRoot)]).EnsureSuccess("publish as root");

        // Another folder, every file with another time, published by a user who is not root, with its own NuGet folder.
        var asUser = ConsumerProject.FromSample("WebPing");
        string root = Path.GetDirectoryName(asUser.Directory)!;
        string home = Path.Combine(root, "home");
        Directory.CreateDirectory(home);
        foreach (string file in Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)) File.SetLastWriteTimeUtc(file, new DateTime(2001, 2, 3, 4, 5, 6, DateTimeKind.Utc));
        ProcessRunner.Run("chown", ["-R", "4242:4242", root]).EnsureSuccess("chown");
        // The feed must be readable by that user.
        ProcessRunner.Run("chmod", ["-R", "a+rX", TestEnvironment.Feed]).EnsureSuccess("chmod feed");
        asUser.UserId = 4242;
        var environment = new Dictionary<string, string?>(NoEngine)
        {
            ["HOME"] = home,
            ["DOTNET_CLI_HOME"] = home,
            ["NUGET_PACKAGES"] = Path.Combine(home, "packages"),
            ["TMPDIR"] = home,
        };
        asUser.PublishWith(environment, [.. properties, SourcePaths(asUser)]).EnsureSuccess("publish as uid 4242");
        Assert.AreEqual(ImageJson(asRoot, "digest"), ImageJson(asUser, "digest"), "two folders, other times, another user: the same image");

        var later = new Dictionary<string, string?>(NoEngine) { ["SOURCE_DATE_EPOCH"] = "1700000000" };
        asRoot.PublishWith(later, [.. properties, SourcePaths(asRoot)]).EnsureSuccess("publish with SOURCE_DATE_EPOCH");
        Assert.AreNotEqual(ImageJson(asUser, "digest"), ImageJson(asRoot, "digest"), "another SOURCE_DATE_EPOCH, another image");
        var config = RegistryInspection.Manifest(repository, "latest");
        Assert.AreEqual(2, config.GetProperty("schemaVersion").GetInt32());
    }

    /// <summary>
    /// Each layer's blob depends on its own files only: after an edit in a referenced project, exactly the layers whose
    /// files changed get new blobs, and every other keeps its digest. (The compiler records a reference's identity in
    /// the app's assembly and symbols, so the app's own files change too; the host, static and package layers do not.)
    /// </summary>
    [TestMethod]
    public void An_edit_in_a_referenced_project_changes_only_the_blobs_of_layers_whose_files_changed()
    {
        var project = ConsumerProject.FromSample("WebApi", "Greetings");
        string repository = Unique("webapi");
        string[] properties = [$"ContainerBaseImage={TestEnvironment.BaseAspNet}", "ContainerRegistry=localhost:5000", $"ContainerRepository={repository}"];
        project.PublishWith(NoEngine, properties).EnsureSuccess("first publish");
        var before = RegistryInspection.LayerDigests(repository, "latest");
        var filesBefore = LayerContents(project);

        string greeter = Path.Combine(Path.GetDirectoryName(project.Directory)!, "Greetings", "Greeter.cs");
        File.WriteAllText(greeter, File.ReadAllText(greeter) + "\ninternal static class EditedByTheTest { }\n");
        project.PublishWith(NoEngine, properties).EnsureSuccess("publish after the edit");
        var after = RegistryInspection.LayerDigests(repository, "latest");
        var filesAfter = LayerContents(project);

        Assert.AreEqual(before.Length, after.Length);
        // Our layers are the last ones, in plan order.
        var names = filesAfter.Keys.ToArray();
        int first = after.Length - names.Length;
        var newBlobs = names.Where((name, i) => before[first + i] != after[first + i]).ToArray();
        var changedFiles = names.Where(name => filesBefore[name] != filesAfter[name]).ToArray();
        CollectionAssert.AreEqual(changedFiles, newBlobs, "new blobs are exactly the layers whose files changed");
        CollectionAssert.Contains(newBlobs, "projects");
        CollectionAssert.IsSubsetOf(newBlobs, new[] { "projects", "app" }, "an edit in a referenced project touches no other layer");
        Assert.IsTrue(before.Take(first).SequenceEqual(after.Take(first)), "base layers unchanged");
    }

    // Each staged layer's files and their hashes, in the Dockerfile's order.
    private static Dictionary<string, string> LayerContents(ConsumerProject project)
    {
        var order = File.ReadLines(Path.Combine(project.ContainerFolder, "Dockerfile"))
            .Where(l => l.StartsWith("COPY [\"layers/", StringComparison.Ordinal)).Select(l => l.Split('/')[1]).ToArray();
        var contents = new Dictionary<string, string>();
        foreach (string layer in order)
        {
            contents[layer] = string.Join("\n", PublishSnapshot.Hashes(Path.Combine(project.ContainerFolder, "layers", layer))
                .OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key} {f.Value.Hash}"));
        }

        return contents;
    }

    [TestMethod]
    public void An_archive_loads_into_Docker_and_Podman()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string repository = Unique("archive");
        string archive = Path.Combine(TestEnvironment.WorkRoot, repository.Replace('/', '-') + ".tar.gz");
        project.PublishWith(NoEngine, $"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}", $"ContainerArchiveOutputPath={archive}")
            .EnsureSuccess("publish to an archive");
        Assert.IsTrue(File.Exists(archive));
        try
        {
            ProcessRunner.Run("docker", ["load", "-i", archive], timeout: TimeSpan.FromMinutes(3)).EnsureSuccess("docker load");
            var run = ProcessRunner.Run("docker", ["run", "--rm", "--network", "none", "-e", "PINGS=1", repository + ":latest"], timeout: TimeSpan.FromMinutes(2));
            StringAssert.Contains(run.All, "Pinging");
            ProcessRunner.Run("podman", ["load", "-i", archive], timeout: TimeSpan.FromMinutes(3)).EnsureSuccess("podman load");
            var inspect = ProcessRunner.Run("podman", ["image", "inspect", $"localhost/{repository}:latest", "--format", "{{.Config.Entrypoint}}"])
                .EnsureSuccess("podman image inspect");
            StringAssert.Contains(inspect.Output, "WebPing.dll");
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
            ProcessRunner.Run("podman", ["image", "rm", "-f", $"localhost/{repository}:latest"]);
        }
    }

    /// <summary>
    /// After a one-line edit the engine has every layer up to the app's: the OCI builder's load into Docker sends none
    /// of their bytes (Docker's load reads a layer's tarball only when it lacks the layer), and the image still runs
    /// the new code.
    /// </summary>
    [TestMethod]
    public void An_unchanged_republish_loads_nothing_and_a_removed_tag_is_loaded_again()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string repository = Unique("noreload");
        string[] properties = [$"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}", "DiamolBuilder=oci", "-v:n"];
        // The proxy counts the loads the engine is sent.
        using var proxy = FaultProxy.ForEngine(@"POST /(v[0-9.]+/)?images/load", Fault.Observe);
        var environment = new Dictionary<string, string?> { ["DOCKER_HOST"] = proxy.Host };
        try
        {
            project.PublishWith(environment, properties).EnsureSuccess("first load");
            Assert.AreEqual(1, proxy.Triggered);
            string id = ImageInspection.Inspect(repository + ":latest").GetProperty("Id").GetString()!;

            var again = project.PublishWith(environment, properties).EnsureSuccess("unchanged republish");
            Assert.AreEqual(1, proxy.Triggered, "the unchanged image was loaded again: " + again.Output);
            StringAssert.Contains(again.Output, "already names this image");
            StringAssert.Matches(again.Output, new System.Text.RegularExpressions.Regex(@"0 of \d+ steps new, 0 B new; since the last publish: no layer changed"),
                "nothing is new to the engine, and the summary says so");
            Assert.AreEqual(id, ImageInspection.Inspect(repository + ":latest").GetProperty("Id").GetString());

            ImageInspection.RemoveImages(repository + ":latest");
            project.PublishWith(environment, properties).EnsureSuccess("republish after the tag was removed");
            Assert.AreEqual(2, proxy.Triggered, "a removed tag must be loaded again");
            Assert.AreEqual(id, ImageInspection.Inspect(repository + ":latest").GetProperty("Id").GetString());
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }

    [TestMethod]
    public void A_load_after_an_edit_sends_only_the_layers_the_engine_lacks()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string repository = Unique("reload");
        string[] properties = [$"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}", "DiamolBuilder=oci", "-v:n"];
        try
        {
            var first = project.Publish(properties).EnsureSuccess("first load");
            string program = Path.Combine(project.Directory, "Program.cs");
            File.WriteAllText(program, File.ReadAllText(program).Replace("** Pinging: ", "** Pinging again: "));
            var second = project.Publish(properties).EnsureSuccess("load after the edit");

            int layers = ImageInspection.Inspect(repository + ":latest").GetProperty("RootFS").GetProperty("Layers").GetArrayLength();
            StringAssert.Contains(second.Output, $"(its first {layers - 1} of {layers} layers are there already)", second.Output);
            var run = ProcessRunner.Run("docker", ["run", "--rm", "--network", "none", "-e", "PINGS=1", "-e", "TARGET=diamol.invalid", repository + ":latest"],
                timeout: TimeSpan.FromMinutes(2));
            StringAssert.Contains(run.Output, "** Pinging again: diamol.invalid", run.All);
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }

    [TestMethod]
    public void LocalRegistry_Podman_loads_the_image_into_Podman()
    {
        string socket = Environment.GetEnvironmentVariable("DIAMOL_TEST_PODMAN_SOCKET") ?? "/run/diamol-podman/podman.sock";
        var project = ConsumerProject.FromSample("WebPing");
        string repository = Unique("podman");
        try
        {
            var environment = new Dictionary<string, string?>(NoEngine) { ["CONTAINER_HOST"] = $"unix://{socket}" };
            project.PublishWith(environment, $"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}", "LocalRegistry=Podman")
                .EnsureSuccess("publish into Podman");
            var inspect = ProcessRunner.Run("podman", ["image", "inspect", $"{repository}:latest", "--format", "{{.Config.User}} {{.Config.Entrypoint}}"])
                .EnsureSuccess("podman image inspect");
            StringAssert.Contains(inspect.Output, "1654 [dotnet /app/WebPing.dll]");
        }
        finally
        {
            ProcessRunner.Run("podman", ["image", "rm", "-f", $"{repository}:latest"]);
        }
    }

    [TestMethod]
    public void A_runtime_identifier_for_arm64_gives_an_arm64_image_loaded_into_the_engine()
    {
        var project = ConsumerProject.FromSample("WebPing");
        project.RuntimeIdentifier = "linux-arm64";
        string repository = Unique("arm64");
        try
        {
            var publish = project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntimeDeps}-multi", $"ContainerRepository={repository}", "-v:n").EnsureSuccess("publish for linux-arm64");
            StringAssert.Contains(publish.Output, "OCI builder (the image is for linux/arm64/v8");
            var image = ImageInspection.Inspect(repository + ":latest");
            Assert.AreEqual("arm64", image.GetProperty("Architecture").GetString());
            // The apphost in the image is an arm64 ELF file (e_machine 0xB7 at offset 18).
            string container = ProcessRunner.Docker("create", repository + ":latest").EnsureSuccess("docker create").Output.Trim();
            string copy = Path.Combine(TestEnvironment.WorkRoot, "apphost-" + container[..8]);
            try
            {
                ProcessRunner.Docker("cp", $"{container}:/app/WebPing", copy).EnsureSuccess("docker cp");
            }
            finally
            {
                ProcessRunner.Docker("rm", container);
            }

            byte[] header = File.ReadAllBytes(copy)[..20];
            Assert.AreEqual(0x7F, header[0]);
            Assert.AreEqual(0xB7, header[18], "e_machine is AArch64");
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }

    /// <summary>
    /// ContainerRuntimeIdentifiers (here from RuntimeIdentifiers, as the SDK takes it) over a base image index built
    /// offline for both platforms: one image per RID, and an index over them under the tag.
    /// </summary>
    [TestMethod]
    public void Several_runtime_identifiers_push_an_index_with_an_image_for_each_platform()
    {
        var project = TwoPlatformWebPing();
        string repository = Unique("multi");
        try
        {
            var publish = project.PublishWith(NoEngine, $"ContainerBaseImage={TestEnvironment.BaseRuntimeDeps}-multi", "ContainerRegistry=localhost:5000", $"ContainerRepository={repository}")
                .EnsureSuccess("multi-platform publish");
            StringAssert.Matches(publish.Output, new System.Text.RegularExpressions.Regex(
                $@"WebPing -> localhost:5000/{repository}:latest \(sha256:[0-9a-f]{{64}}\): multi-platform image of linux/\S+, linux/\S+, pushed"));

            var index = RegistryInspection.Manifest(repository, "latest");
            var platforms = index.GetProperty("manifests").EnumerateArray()
                .Select(m => $"{m.GetProperty("platform").GetProperty("os").GetString()}/{m.GetProperty("platform").GetProperty("architecture").GetString()}").Order().ToArray();
            CollectionAssert.AreEqual(new[] { "linux/amd64", "linux/arm64" }, platforms);

            // Each entry's config says its architecture; the arm64 image's apphost is an AArch64 ELF file.
            ProcessRunner.Docker("pull", "--platform", "linux/arm64", $"localhost:5000/{repository}:latest").EnsureSuccess("docker pull --platform linux/arm64");
            Assert.AreEqual("arm64", ImageInspection.Inspect($"localhost:5000/{repository}:latest").GetProperty("Architecture").GetString());
            string container = ProcessRunner.Docker("create", "--platform", "linux/arm64", $"localhost:5000/{repository}:latest").EnsureSuccess("docker create").Output.Trim();
            string copy = Path.Combine(TestEnvironment.WorkRoot, "multi-apphost-" + container[..8]);
            try
            {
                ProcessRunner.Docker("cp", $"{container}:/app/WebPing", copy).EnsureSuccess("docker cp");
            }
            finally
            {
                ProcessRunner.Docker("rm", container);
            }

            Assert.AreEqual(0xB7, File.ReadAllBytes(copy)[18], "e_machine is AArch64");
            // The outer build here is linux-x64 (the project's default RID), so image.json of the index is in that folder.
            using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.Directory, "bin", "Release", "net10.0", "linux-x64", "container", "image.json")));
            Assert.IsTrue(json.RootElement.GetProperty("pushed").GetBoolean());
            StringAssert.StartsWith(json.RootElement.GetProperty("digest").GetString(), "sha256:");
        }
        finally
        {
            ImageInspection.RemoveImages($"localhost:5000/{repository}:latest");
        }
    }

    [TestMethod]
    public void Several_runtime_identifiers_write_one_archive_with_the_index_that_Podman_loads()
    {
        var project = TwoPlatformWebPing();
        string repository = Unique("multi-archive");
        string archive = Path.Combine(TestEnvironment.WorkRoot, repository.Replace('/', '-') + ".tar");
        try
        {
            project.PublishWith(NoEngine, $"ContainerBaseImage={TestEnvironment.BaseRuntimeDeps}-multi", $"ContainerRepository={repository}", $"ContainerArchiveOutputPath={archive}")
                .EnsureSuccess("multi-platform archive");
            string indexJson = "";
            using (var reader = new System.Formats.Tar.TarReader(File.OpenRead(archive)))
            {
                while (reader.GetNextEntry(copyData: true) is { } entry)
                {
                    if (entry.Name == "index.json") indexJson = new StreamReader(entry.DataStream!).ReadToEnd();
                }
            }

            StringAssert.Contains(indexJson, "manifest.list.v2+json", "the archive's index.json names the image index");
            ProcessRunner.Run("podman", ["load", "-i", archive], timeout: TimeSpan.FromMinutes(3)).EnsureSuccess("podman load");
            var inspect = ProcessRunner.Run("podman", ["image", "inspect", $"localhost/{repository}:latest", "--format", "{{.Architecture}} {{.Config.Entrypoint}}"])
                .EnsureSuccess("podman image inspect");
            StringAssert.Contains(inspect.Output, "amd64 [/app/WebPing]", "Podman takes its own platform's image from the index");
        }
        finally
        {
            ProcessRunner.Run("podman", ["image", "rm", "-f", $"localhost/{repository}:latest"]);
        }
    }

    // The user's way to ask for several platforms: RuntimeIdentifiers (the SDK takes ContainerRuntimeIdentifiers from
    // it), self-contained, with a default RID for the build that is not one platform's.
    internal static ConsumerProject TwoPlatformWebPing()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string csproj = Path.Combine(project.Directory, "WebPing.csproj");
        File.WriteAllText(csproj, File.ReadAllText(csproj).Replace("</DiamolBuildVersion>",
            "</DiamolBuildVersion>\n    <RuntimeIdentifiers>linux-x64;linux-arm64</RuntimeIdentifiers>\n    <SelfContained>true</SelfContained>\n" +
            "    <RuntimeIdentifier Condition=\"'$(RuntimeIdentifier)' == ''\">linux-x64</RuntimeIdentifier>"));
        return project;
    }

    [TestMethod]
    public void A_Windows_runtime_identifier_is_refused_clearly()
    {
        var project = ConsumerProject.FromSample("WebPing");
        var publish = project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", "ContainerRuntimeIdentifier=win-x64", $"ContainerRepository={Unique("win")}");
        Assert.AreNotEqual(0, publish.ExitCode);
        StringAssert.Contains(publish.Output, "DIAM1016");
        StringAssert.Contains(publish.Output, "Linux images only");
    }
}
