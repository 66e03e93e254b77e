namespace Diamol.Build.EndToEndTests;

/// <summary>
/// The blob cache's faults and leftovers: a full disk under DiamolCacheDirectory is DIAM2017 (not DIAM9001) and keeps
/// no half-fetched file; what a killed publish left (a partial download, an archive's temporary file) goes with the
/// next publish, and a user's files beside them stay.
/// </summary>
[TestClass]
public sealed class CacheFaultTests
{
    private static readonly Dictionary<string, string?> NoEngine = new() { ["DOCKER_HOST"] = "unix:///nonexistent/docker.sock" };

    [TestMethod]
    public void A_full_cache_disk_is_DIAM2017_and_keeps_no_partial_download()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string id = Guid.NewGuid().ToString("N")[..8];
        string mount = Path.Combine(TestEnvironment.WorkRoot, "full-cache-" + id);
        Directory.CreateDirectory(mount);
        // Room for the folders, not for a base layer.
        ProcessRunner.Run("mount", ["-t", "tmpfs", "-o", "size=256k", "tmpfs", mount]).EnsureSuccess("mounting a small tmpfs (the tests run as root)");
        try
        {
            var result = project.PublishWith(NoEngine, $"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository=diamol-cache/full-{id}",
                $"ContainerArchiveOutputPath={Path.Combine(TestEnvironment.WorkRoot, $"full-{id}.tar.gz")}", $"DiamolCacheDirectory={mount}");

            Assert.AreNotEqual(0, result.ExitCode, result.All);
            StringAssert.Contains(result.Output, "error DIAM2017", result.Output);
            StringAssert.Contains(result.Output, "the disk is full");
            StringAssert.Contains(result.Output, mount);
            Assert.IsFalse(result.Output.Contains("DIAM9001", StringComparison.Ordinal), result.Output);
            Assert.AreEqual(0, Directory.EnumerateFiles(mount, "*.partial", SearchOption.AllDirectories).Count(), "a half-fetched file was kept");
        }
        finally
        {
            ProcessRunner.Run("umount", [mount]);
        }
    }

    [TestMethod]
    public void What_a_killed_publish_left_goes_with_the_next_publish_and_a_users_files_stay()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string id = Guid.NewGuid().ToString("N")[..8];
        string cache = Path.Combine(TestEnvironment.WorkRoot, "cache-" + id);
        string blobs = Path.Combine(cache, "blobs", "sha256");
        string archive = Path.Combine(TestEnvironment.WorkRoot, $"leftovers-{id}", "app.tar.gz");
        Directory.CreateDirectory(blobs);
        Directory.CreateDirectory(Path.GetDirectoryName(archive)!);
        var before = DateTime.UtcNow.AddHours(-1);
        string Plant(string path)
        {
            File.WriteAllText(path, "left over");
            File.SetLastWriteTimeUtc(path, before);
            return path;
        }

        // As a publish killed mid-download and mid-archive leaves them, and files of the user's beside them.
        string partial = Plant(Path.Combine(blobs, $"{new string('a', 64)}.{Guid.NewGuid():N}.partial"));
        string temporary = Plant(archive + ".tmp");
        string[] users = [Plant(Path.Combine(blobs, "notes.partial")), Plant(Path.Combine(Path.GetDirectoryName(archive)!, "other.tar.gz.tmp"))];

        project.PublishWith(NoEngine, $"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository=diamol-cache/leftovers-{id}",
            $"ContainerArchiveOutputPath={archive}", $"DiamolCacheDirectory={cache}").EnsureSuccess("the next publish");

        Assert.IsFalse(File.Exists(partial), "the partial download is removed");
        Assert.IsFalse(File.Exists(temporary), "the archive's temporary file is removed");
        Assert.IsTrue(File.Exists(archive));
        foreach (string path in users) Assert.IsTrue(File.Exists(path), path);
        Assert.AreEqual(0, Directory.EnumerateFiles(blobs, "*.partial").Count(f => f != users[0]), "no partial download of its own left");
    }
}
