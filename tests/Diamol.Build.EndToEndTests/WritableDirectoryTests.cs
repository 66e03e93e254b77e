namespace Diamol.Build.EndToEndTests;

/// <summary>
/// An app that writes where it runs: a SQLite database in the working directory's data/ folder and a log file in a
/// folder of '/', as the non-root user the runtime image names (APP_UID 1654). Without DiamolWritableDirectory the
/// folder would be root's and SQLite would stop with "unable to open database file" (Error 14). Both builders give
/// the folders the same owner and mode; the engine's image gets them without a RUN step.
/// </summary>
[TestClass]
public sealed class WritableDirectoryTests
{
    private const string Program = """
        using Microsoft.Data.Sqlite;

        string database = args.Length > 0 ? args[0] : "data/app.db";
        using var connection = new SqliteConnection($"Data Source={database}");
        connection.Open();
        using (var create = connection.CreateCommand())
        {
            create.CommandText = "CREATE TABLE IF NOT EXISTS visits (at TEXT); INSERT INTO visits VALUES (datetime('now'));";
            create.ExecuteNonQuery();
        }

        using var count = connection.CreateCommand();
        count.CommandText = "SELECT count(*) FROM visits";
        long rows = (long)count.ExecuteScalar()!;
        File.AppendAllText("/srv-logs/app.log", $"visit {rows}\n");
        Console.WriteLine($"wrote {rows} row(s) to data/app.db and /srv-logs/app.log as uid {Environment.GetEnvironmentVariable("APP_UID")}:{GetUid()}");

        static string GetUid() => File.ReadAllLines("/proc/self/status").First(l => l.StartsWith("Uid:")).Split('\t', StringSplitOptions.RemoveEmptyEntries)[1];
        """;

    /// <summary>The SQLite app, with <paramref name="items"/> as its DiamolWritableDirectory items.</summary>
    private static ConsumerProject SqliteApp(string items)
    {
        var project = ConsumerProject.NewConsole("SqliteApp");
        File.WriteAllText(Path.Combine(project.Directory, "Program.cs"), Program);
        string csproj = Path.Combine(project.Directory, project.Name + ".csproj");
        project.AddToProject(
            "  <ItemGroup>\n    <PackageReference Include=\"Microsoft.Data.Sqlite\" Version=\"10.0.5\" />\n" + items + "  </ItemGroup>\n");
        return project;
    }

    [TestMethod]
    public void A_sqlite_app_writes_its_database_as_the_non_root_user_with_both_builders()
    {
        var project = SqliteApp("""
                <DiamolWritableDirectory Include="data" />
                <DiamolWritableDirectory Include="/srv-logs" Mode="0770" />

            """);

        string id = Guid.NewGuid().ToString("N")[..8];
        string engine = $"diamol-writable/engine-{id}", oci = $"diamol-writable/oci-{id}";
        try
        {
            var enginePublish = project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={engine}", "DiamolBuilder=docker")
                .EnsureSuccess("engine build");
            string dockerfile = File.ReadAllText(Path.Combine(project.ContainerFolder, "Dockerfile"));
            StringAssert.Contains(dockerfile, "COPY --chown=1654:1654 [\"layers/writable/\", \"/\"]");
            StringAssert.Contains(dockerfile, "COPY --chown=1654:1654 [\"layers/writable-2/\", \"/app/\"]");
            Assert.IsFalse(dockerfile.Contains("\nRUN ", StringComparison.Ordinal), "no RUN step: the base needs no shell");
            project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={oci}", "DiamolBuilder=oci").EnsureSuccess("OCI build");

            foreach (string image in new[] { engine, oci })
            {
                var run = ProcessRunner.Docker("run", "--rm", "--network", "none", image + ":latest");
                Assert.AreEqual(0, run.ExitCode, $"{image} did not start and write: {run.Output}{run.Error}");
                StringAssert.Contains(run.Output, "wrote 1 row(s) to data/app.db and /srv-logs/app.log as uid 1654:1654", image);
            }

            string Owners(string image) => ProcessRunner.Run("docker",
                    ["run", "--rm", "--network", "none", "--user", "0", "--entrypoint", "/bin/sh", image + ":latest", "-c", "stat -c '%n %u:%g %a' / /app /app/data /srv-logs"],
                    timeout: TimeSpan.FromMinutes(2)).EnsureSuccess("stat in " + image).Output.Trim();
            string engineOwners = Owners(engine);
            Assert.AreEqual("/ 0:0 755\n/app 0:0 755\n/app/data 1654:1654 755\n/srv-logs 1654:1654 770", engineOwners, "the engine's folders: their parents stay root's");
            Assert.AreEqual(engineOwners, Owners(oci), "the builders give the folders different owners or modes");
            CollectionAssert.AreEqual(ImageInspection.Modes(engine + ":latest", "/app"), ImageInspection.Modes(oci + ":latest", "/app"), "modes under /app differ");
            CollectionAssert.AreEqual(ImageInspection.FileLayers(engine + ":latest"), ImageInspection.FileLayers(oci + ":latest"), "the layer split differs");
        }
        finally
        {
            ImageInspection.RemoveImages(engine + ":latest", oci + ":latest");
        }
    }

    /// <summary>
    /// Without the items the working directory is root's, and an app that creates its database there (the issue's
    /// API: "Data Source=app.db") stops at start with SQLite Error 14, in our image and in PublishContainer's alike
    /// (dotnet/sdk-container-builds #639): what the items are for.
    /// </summary>
    [TestMethod]
    public void Without_writable_folders_the_app_stops_as_it_does_in_PublishContainers_image()
    {
        var project = SqliteApp("");
        string id = Guid.NewGuid().ToString("N")[..8];
        string ours = $"diamol-writable/without-{id}", sdks = $"diamol-writable/sdk-{id}";
        try
        {
            project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={ours}").EnsureSuccess("publish without items");
            project.PublishContainerWithSdk($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={sdks}").EnsureSuccess("PublishContainer");
            foreach (string image in new[] { ours, sdks })
            {
                var run = ProcessRunner.Docker("run", "--rm", "--network", "none", image + ":latest", "app.db");
                Assert.AreNotEqual(0, run.ExitCode, $"{image} wrote where its user may not: {run.Output}");
                StringAssert.Contains(run.Output + run.Error, "unable to open database file", image);
            }
        }
        finally
        {
            ImageInspection.RemoveImages(ours + ":latest", sdks + ":latest");
        }
    }

    /// <summary>
    /// Podman's compatible /build (buildah) gives a COPY --chown's existing destination (the working directory) to the
    /// user too, so its build is refused (DIAM1021) before it starts; the OCI writer's image, loaded into Podman, has
    /// the folders as Docker's has them. Podman's containers are not run in this sandbox (see PodmanTests), so the
    /// saved layers are read instead.
    /// </summary>
    [TestMethod]
    public void Podman_builds_are_refused_and_the_OCI_writer_loads_the_same_folders_into_Podman()
    {
        string socket = Environment.GetEnvironmentVariable("DIAMOL_TEST_PODMAN_SOCKET") ?? "/run/diamol-podman/podman.sock";
        Assert.IsTrue(File.Exists(socket), $"Podman's API socket {socket} is missing; run eng/provision.sh");
        var project = SqliteApp("""
                <DiamolWritableDirectory Include="data" />
                <DiamolWritableDirectory Include="/srv-logs" Mode="0770" />

            """);
        string repository = "diamol-writable/podman-" + Guid.NewGuid().ToString("N")[..8];
        string archive = Path.Combine(TestEnvironment.WorkRoot, repository.Replace('/', '-') + ".tar");
        try
        {
            var built = project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}", $"DiamolDockerHost=unix://{socket}");
            Assert.AreNotEqual(0, built.ExitCode, built.Output);
            StringAssert.Contains(built.Output, "error DIAM1021");
            StringAssert.Contains(built.Output, "DiamolBuilder=oci with LocalRegistry=Podman");
            project.PublishWith(new Dictionary<string, string?> { ["CONTAINER_HOST"] = $"unix://{socket}" },
                $"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}", "DiamolBuilder=oci", "LocalRegistry=Podman")
                .EnsureSuccess("the OCI writer's image loaded into Podman");
            ProcessRunner.Run("podman", ["save", "--format", "docker-archive", "-o", archive, $"{repository}:latest"], timeout: TimeSpan.FromMinutes(3)).EnsureSuccess("podman save");
            // Each layer's entries for the folders, in the manifest's layer order: the last layer that has an entry decides.
            var layers = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            string manifest = "";
            using (var saved = new System.Formats.Tar.TarReader(File.OpenRead(archive)))
            {
                while (saved.GetNextEntry(copyData: true) is { } entry)
                {
                    if (entry.DataStream is null) continue;
                    using var buffer = new MemoryStream();
                    entry.DataStream.CopyTo(buffer);
                    if (entry.Name == "manifest.json") manifest = System.Text.Encoding.UTF8.GetString(buffer.ToArray());
                    else layers[entry.Name] = buffer.ToArray();
                }
            }

            var folders = new Dictionary<string, string>(StringComparer.Ordinal);
            using var json = System.Text.Json.JsonDocument.Parse(manifest);
            foreach (var name in json.RootElement[0].GetProperty("Layers").EnumerateArray().Select(l => l.GetString()!))
            {
                using var layer = new System.Formats.Tar.TarReader(new MemoryStream(layers[name]));
                while (layer.GetNextEntry() is { } file)
                {
                    string path = file.Name.TrimStart('.', '/').TrimEnd('/');
                    if (path is "app" or "app/data" or "srv-logs") folders[path] = $"{file.Uid}:{file.Gid} {Convert.ToString((int)file.Mode, 8)}";
                }
            }

            Assert.AreEqual("1654:1654 755", folders.GetValueOrDefault("app/data"), string.Join(", ", folders));
            Assert.AreEqual("1654:1654 770", folders.GetValueOrDefault("srv-logs"), string.Join(", ", folders));
            Assert.AreEqual("0:0 755", folders.GetValueOrDefault("app"), "the working directory stays root's: " + string.Join(", ", folders));
        }
        finally
        {
            ProcessRunner.Run("podman", ["image", "rm", "-f", $"{repository}:latest"]);
            File.Delete(archive);
        }
    }

    [TestMethod]
    public void A_named_user_is_refused_before_anything_is_written()
    {
        var project = ConsumerProject.NewConsole("WritableNamed");
        project.AddToProject(
            "  <ItemGroup>\n    <DiamolWritableDirectory Include=\"data\" />\n  </ItemGroup>\n");

        var publish = project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", "ContainerUser=app", "DiamolBuildImage=false");
        Assert.AreNotEqual(0, publish.ExitCode);
        StringAssert.Contains(publish.Output, "DIAM1024");
        StringAssert.Contains(publish.Output, "ContainerUser 'app'");
        Assert.IsFalse(File.Exists(Path.Combine(project.ContainerFolder, "Dockerfile")), "a refused publish leaves no Dockerfile");
    }
}
