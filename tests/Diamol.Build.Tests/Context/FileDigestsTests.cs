using System.Security.Cryptography;
using Diamol.Build.Context;

namespace Diamol.Build.Tests.Context;

/// <summary>The one content pass: every file hashed once, then only those whose size or time changed.</summary>
[TestClass]
public sealed class FileDigestsTests
{
    private string _root = "";

    [TestInitialize]
    public void Create() => _root = Directory.CreateTempSubdirectory("diamol-digests-").FullName;

    [TestCleanup]
    public void Delete() => Directory.Delete(_root, recursive: true);

    [TestMethod]
    [DataRow(3)]
    [DataRow(3 * ParallelFileWork.ParallelFrom)]
    public void Digests_come_from_the_content_then_from_the_cache_while_the_stat_is_unchanged(int count)
    {
        var files = Enumerable.Range(0, count).ToDictionary(i => $"app/f{i}.dll", i =>
        {
            string path = Path.Combine(_root, $"f{i}.dll");
            File.WriteAllText(path, $"content {i}");
            return path;
        });
        string cache = Path.Combine(_root, "cache.txt");

        var first = FileDigests.Compute(files, cache);

        Assert.AreEqual(count, first.Count);
        foreach (var (key, path) in files) Assert.AreEqual("sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), first[key]);

        // Same size and time, other bytes: the cache answers without reading (which is the point, and why staging
        // keeps times); a new time makes it read the file again.
        string quiet = files["app/f1.dll"], touched = files["app/f2.dll"];
        var quietTime = File.GetLastWriteTimeUtc(quiet);
        File.WriteAllText(quiet, "CONTENT 1");
        File.SetLastWriteTimeUtc(quiet, quietTime);
        File.WriteAllText(touched, "CONTENT 2");
        File.SetLastWriteTimeUtc(touched, File.GetLastWriteTimeUtc(touched).AddSeconds(5));
        File.Delete(files["app/f0.dll"]);

        var second = FileDigests.Compute(files, cache);

        Assert.AreEqual(first["app/f1.dll"], second["app/f1.dll"]);
        Assert.AreEqual("sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(touched))), second["app/f2.dll"]);
        Assert.IsFalse(second.ContainsKey("app/f0.dll"), "a vanished file has no digest");
        Assert.AreEqual(count - 1, second.Count);
    }

    [TestMethod]
    public void Stamps_already_taken_stand_for_the_stat_and_an_unchanged_cache_is_not_written_again()
    {
        string path = Path.Combine(_root, "a.dll");
        File.WriteAllText(path, "first");
        var files = new Dictionary<string, string> { ["app/a.dll"] = path };
        string cache = Path.Combine(_root, "cache.txt");
        var first = FileDigests.Compute(files, cache);
        var stamp = FileStamp.Of(new FileInfo(path));

        var old = DateTime.UtcNow.AddHours(-1);
        File.SetLastWriteTimeUtc(cache, old);
        Assert.AreEqual(first["app/a.dll"], FileDigests.Compute(files, cache)["app/a.dll"]);
        Assert.AreEqual(old, File.GetLastWriteTimeUtc(cache), "nothing changed, so the cache is left as it is");

        // The file changes after the stamp was taken: the stamp decides (no stat of its own), so the cached digest
        // stands; without the stamp, the stat sees the change.
        File.WriteAllText(path, "second, longer");
        Assert.AreEqual(first["app/a.dll"], FileDigests.Compute(files, cache, new Dictionary<string, FileStamp> { ["app/a.dll"] = stamp })["app/a.dll"]);
        Assert.AreEqual("sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), FileDigests.Compute(files, cache)["app/a.dll"]);
        Assert.AreNotEqual(old, File.GetLastWriteTimeUtc(cache), "a changed digest is recorded");
    }

    [TestMethod]
    public void The_cache_keeps_keys_with_line_breaks_and_backslashes_and_a_damaged_cache_only_costs_a_hash()
    {
        string path = Path.Combine(_root, "odd.dll");
        File.WriteAllText(path, "odd");
        var files = new Dictionary<string, string> { ["app/a\nb\\c\r.dll"] = path, ["app/plain.dll"] = path };
        string cache = Path.Combine(_root, "cache.txt");
        var first = FileDigests.Compute(files, cache);

        var old = DateTime.UtcNow.AddHours(-1);
        File.SetLastWriteTimeUtc(cache, old);
        Assert.AreEqual(first["app/a\nb\\c\r.dll"], FileDigests.Compute(files, cache)["app/a\nb\\c\r.dll"]);
        Assert.AreEqual(old, File.GetLastWriteTimeUtc(cache), "every key read back as it was written, so nothing changed");

        File.WriteAllText(cache, "{ \"app/plain.dll\": \"from an older version\" }");
        CollectionAssert.AreEquivalent(first.ToArray(), FileDigests.Compute(files, cache).ToArray());
        StringAssert.StartsWith(File.ReadAllText(cache), "# Diamol.Build file digests");
    }
}
