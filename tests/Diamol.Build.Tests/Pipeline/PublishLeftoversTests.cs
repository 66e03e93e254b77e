using Diamol.Build.Pipeline;

namespace Diamol.Build.Tests.Pipeline;

/// <summary>What a killed publish leaves is removed by the next one: only our own files, by their exact names, older than this publish, not being written.</summary>
[TestClass]
public sealed class PublishLeftoversTests : TempFolderTest
{
    private string File(string name, DateTime written)
    {
        string path = Path.Combine(Root, name);
        System.IO.File.WriteAllText(path, "bytes");
        System.IO.File.SetLastWriteTimeUtc(path, written);
        return path;
    }

    [TestMethod]
    public void Partial_downloads_older_than_the_publish_are_removed_and_nothing_else()
    {
        var started = DateTime.UtcNow;
        var before = started.AddMinutes(-10);
        string hex = new('a', 64), guid = new('b', 32);
        string stale = File($"{hex}.{guid}.partial", before);
        string running = File($"{hex}.{new string('c', 32)}.partial", started.AddSeconds(1));
        string held = File($"{hex}.{new string('d', 32)}.partial", before);
        string[] kept =
        [
            File(hex, before),
            File($"{hex}.partial", before),
            File($"notes.{guid}.partial", before),
            File($"{hex.ToUpperInvariant()}.{guid}.partial", before),
            running,
            held,
        ];

        int removed;
        using (new FileStream(held, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
        {
            removed = PublishLeftovers.RemovePartialDownloads(Root, started);
        }

        Assert.AreEqual(1, removed);
        Assert.IsFalse(System.IO.File.Exists(stale));
        foreach (string path in kept) Assert.IsTrue(System.IO.File.Exists(path), path);
        Assert.AreEqual(0, PublishLeftovers.RemovePartialDownloads(Path.Combine(Root, "missing"), started));
    }

    [TestMethod]
    public void An_archives_temporary_file_older_than_the_publish_is_removed_and_the_archive_and_other_files_are_not()
    {
        var started = DateTime.UtcNow;
        var before = started.AddMinutes(-10);
        string archive = File("app.tar.gz", before);
        string temporary = File("app.tar.gz.tmp", before);
        string other = File("other.tar.gz.tmp", before);

        Assert.AreEqual(temporary, PublishLeftovers.TemporaryOf(archive));
        Assert.IsTrue(PublishLeftovers.RemoveArchiveTemporary(archive, started));

        Assert.IsFalse(System.IO.File.Exists(temporary));
        Assert.IsTrue(System.IO.File.Exists(archive));
        Assert.IsTrue(System.IO.File.Exists(other));
        Assert.IsFalse(PublishLeftovers.RemoveArchiveTemporary(archive, started), "nothing left to remove");

        string fresh = File("app.tar.gz.tmp", started.AddSeconds(5));
        Assert.IsFalse(PublishLeftovers.RemoveArchiveTemporary(archive, started), "written since this publish started: another publish's");
        Assert.IsTrue(System.IO.File.Exists(fresh));
    }
}
