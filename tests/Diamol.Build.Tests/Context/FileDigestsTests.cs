using System.Security.Cryptography;
using Diamol.Build.Context;

namespace Diamol.Build.Tests.Context;

/// <summary>The one content pass: every file hashed once, then only those whose size or time changed.</summary>
[TestClass]
public sealed class FileDigestsTests : TempFolderTest
{
    [TestMethod]
    [DataRow(3)]
    [DataRow(3 * Diamol.Build.Common.ParallelFileWork.ParallelFrom)]
    public void Digests_come_from_the_content_then_from_the_cache_while_the_stat_is_unchanged(int count)
    {
        var files = Enumerable.Range(0, count).ToDictionary(i => $"app/f{i}.dll", i =>
        {
            string path = Path.Combine(Root, $"f{i}.dll");
            File.WriteAllText(path, $"content {i}");
            return path;
        });
        string cache = Path.Combine(Root, "cache.txt");

        var first = FileDigests.Compute(files, cache);

        Assert.AreEqual(count, first.Count);
        foreach (var (key, path) in files) Assert.AreEqual("sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), first[key]);

        // An untouched file's digest comes from the cache without a read: a digest planted in the cache comes back.
        // Same size and time, other bytes (written in place, then the old mtime put back): the ctime says it changed,
        // and it is read again.
        string planted = "sha256:" + new string('e', 64);
        File.WriteAllText(cache, File.ReadAllText(cache).Replace(first["app/f2.dll"] + " app/f2.dll", planted + " app/f2.dll"));
        string quiet = files["app/f1.dll"];
        var quietTime = File.GetLastWriteTimeUtc(quiet);
        Thread.Sleep(20);
        File.WriteAllText(quiet, "CONTENT 1");
        File.SetLastWriteTimeUtc(quiet, quietTime);
        File.Delete(files["app/f0.dll"]);

        var second = FileDigests.Compute(files, cache);

        Assert.AreEqual(planted, second["app/f2.dll"], "an unchanged stamp reads no bytes");
        Assert.AreEqual("sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(quiet))), second["app/f1.dll"], "same size and mtime, new ctime");
        Assert.IsFalse(second.ContainsKey("app/f0.dll"), "a vanished file has no digest");
        Assert.AreEqual(count - 1, second.Count);
    }

    [TestMethod]
    public void SHA1_digests_for_the_SBOM_are_kept_the_same_way_in_a_cache_of_their_own()
    {
        string path = Path.Combine(Root, "a.dll");
        File.WriteAllText(path, "content");
        var files = new Dictionary<string, string> { ["app/a.dll"] = path };
        string sha1Cache = Path.Combine(Root, "sha1.txt");

        var first = FileDigests.Compute(files, sha1Cache, kind: FileDigests.Sha1);
#pragma warning disable CA5350 // SPDX 2.3 names files by SHA-1: an identifier it requires, not a protection
        Assert.AreEqual("sha1:" + Convert.ToHexStringLower(SHA1.HashData(File.ReadAllBytes(path))), first["app/a.dll"]);
#pragma warning restore CA5350

        // A planted digest comes back while the stamp is unchanged: an unchanged republish reads no file for its SBOM.
        string planted = "sha1:" + new string('e', 40);
        File.WriteAllText(sha1Cache, File.ReadAllText(sha1Cache).Replace(first["app/a.dll"], planted));
        Assert.AreEqual(planted, FileDigests.Compute(files, sha1Cache, kind: FileDigests.Sha1)["app/a.dll"]);

        // A SHA-256 cache is not read as SHA-1 (nor the other way): each line names its hash.
        string sha256Cache = Path.Combine(Root, "sha256.txt");
        FileDigests.Compute(files, sha256Cache);
        Assert.AreEqual(first["app/a.dll"], FileDigests.Compute(files, sha256Cache, kind: FileDigests.Sha1)["app/a.dll"]);
    }

    [TestMethod]
    public void Stamps_already_taken_stand_for_the_stat_and_an_unchanged_cache_is_not_written_again()
    {
        string path = Path.Combine(Root, "a.dll");
        File.WriteAllText(path, "first");
        var files = new Dictionary<string, string> { ["app/a.dll"] = path };
        string cache = Path.Combine(Root, "cache.txt");
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
        string path = Path.Combine(Root, "odd.dll");
        File.WriteAllText(path, "odd");
        var files = new Dictionary<string, string> { ["app/a\nb\\c\r.dll"] = path, ["app/plain.dll"] = path };
        string cache = Path.Combine(Root, "cache.txt");
        var first = FileDigests.Compute(files, cache);

        var old = DateTime.UtcNow.AddHours(-1);
        File.SetLastWriteTimeUtc(cache, old);
        Assert.AreEqual(first["app/a\nb\\c\r.dll"], FileDigests.Compute(files, cache)["app/a\nb\\c\r.dll"]);
        Assert.AreEqual(old, File.GetLastWriteTimeUtc(cache), "every key read back as it was written, so nothing changed");

        File.WriteAllText(cache, "{ \"app/plain.dll\": \"from an older version\" }");
        CollectionAssert.AreEquivalent(first.ToArray(), FileDigests.Compute(files, cache).ToArray());
        StringAssert.StartsWith(File.ReadAllText(cache), "# Diamol.Build file digests");
    }

    [TestMethod]
    public void A_file_replaced_by_one_of_the_same_size_and_mtime_is_hashed_again()
    {
        if (!OperatingSystem.IsLinux()) return;
        string path = Path.Combine(Root, "a.dll");
        File.WriteAllText(path, "old bytes");
        var time = File.GetLastWriteTimeUtc(path);
        var files = new Dictionary<string, string> { ["app/a.dll"] = path };
        string cache = Path.Combine(Root, "cache.txt");
        var first = FileDigests.Compute(files, cache);

        // As rsync -a or tar do: a new file of the same size, given the old mtime, renamed over the old one.
        string replacement = Path.Combine(Root, "a.dll.new");
        File.WriteAllText(replacement, "new bytes");
        File.SetLastWriteTimeUtc(replacement, time);
        File.Move(replacement, path, overwrite: true);
        Assert.AreEqual(time, File.GetLastWriteTimeUtc(path));

        var second = FileDigests.Compute(files, cache);

        Assert.AreNotEqual(first["app/a.dll"], second["app/a.dll"]);
        Assert.AreEqual("sha256:" + Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), second["app/a.dll"]);
    }

    [TestMethod]
    public void A_stamp_holds_the_inode_and_ctime_of_the_file()
    {
        if (!OperatingSystem.IsLinux()) return;
        string path = Path.Combine(Root, "a.dll");
        File.WriteAllText(path, "bytes");
        string link = Path.Combine(Root, "b.dll");
        File.CreateSymbolicLink(link, path);

        var stamp = FileStamp.Of(path)!.Value;
        var info = new FileInfo(path);

        Assert.IsTrue(stamp.HasIdentity);
        Assert.AreEqual(info.Length, stamp.Size);
        Assert.AreEqual(info.LastWriteTimeUtc.Ticks, stamp.Ticks);
        Assert.AreEqual(info.UnixFileMode, stamp.Mode);
        Assert.IsTrue(stamp.ChangeTicks > DateTime.UtcNow.AddMinutes(-5).Ticks, "the ctime is now");
        Assert.IsTrue(FileStamp.Of(link)!.Value.SameFileAs(stamp), "a link is followed to its file");
        Assert.IsNull(FileStamp.Of(Path.Combine(Root, "missing")));
        Assert.IsNull(FileStamp.Of(Root), "a folder is no file");
    }
}
