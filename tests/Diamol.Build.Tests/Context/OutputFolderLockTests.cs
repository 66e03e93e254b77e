using Diamol.Build.Context;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Tests.Context;

[TestClass]
public sealed class OutputFolderLockTests : TempFolderTest
{
    [TestMethod]
    public void A_second_publish_of_one_folder_waits_says_so_and_gives_up_with_DIAM2009()
    {
        string folder = Path.Combine(Root, "test");
        var messages = new List<string>();
        using (OutputFolderLock.Acquire(folder, TimeSpan.FromSeconds(1), messages.Add, CancellationToken.None))
        {
            var e = Assert.ThrowsExactly<DiamolException>(() => OutputFolderLock.Acquire(folder, TimeSpan.FromSeconds(1), messages.Add, CancellationToken.None));
            Assert.AreEqual(DiagnosticCode.DIAM2009, e.Code);
            StringAssert.Contains(e.Message, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.AreEqual(1, messages.Count, "the wait is reported once");
            StringAssert.Contains(messages[0], "waiting");
        }

        using var again = OutputFolderLock.Acquire(folder, TimeSpan.FromSeconds(1), messages.Add, CancellationToken.None);
        Assert.AreEqual(1, messages.Count, "a free folder is taken without waiting");
    }

    [TestMethod]
    public void Other_folders_do_not_wait()
    {
        using var a = OutputFolderLock.Acquire(Path.Combine(Root, "a"), TimeSpan.Zero, _ => Assert.Fail(), CancellationToken.None);
        using var b = OutputFolderLock.Acquire(Path.Combine(Root, "b"), TimeSpan.Zero, _ => Assert.Fail(), CancellationToken.None);
    }

    [TestMethod]
    public void The_lock_is_in_the_output_folder_so_no_folder_is_shared_between_users()
    {
        string folder = Path.Combine(Root, "here");
        using (OutputFolderLock.Acquire(folder, TimeSpan.Zero, _ => Assert.Fail(), CancellationToken.None))
        {
            Assert.AreEqual(Path.Combine(folder, ".diamol", "lock"), new OutputFolder(folder).Lock);
            Assert.IsTrue(File.Exists(new OutputFolder(folder).Lock));
        }
    }

    [TestMethod]
    public void An_output_folder_this_user_cannot_write_is_DIAM2015_naming_it_and_the_fix()
    {
        // sysfs refuses every new folder with EPERM, also to root (the tests' user), as a folder of another user does.
        string folder = "/sys/diamol-test-" + Guid.NewGuid().ToString("N")[..8] + "/container";
        var e = Assert.ThrowsExactly<DiamolException>(() => OutputFolderLock.Acquire(folder, TimeSpan.Zero, _ => { }, CancellationToken.None));
        Assert.AreEqual(DiagnosticCode.DIAM2015, e.Code);
        StringAssert.Contains(e.Message, folder + "/.diamol");
        StringAssert.Contains(e.Message, "DiamolOutputPath");
        StringAssert.Contains(e.Message, Environment.UserName);
    }

    [TestMethod]
    public void A_cache_folder_this_user_cannot_write_is_DIAM2015_naming_it_and_the_fix()
    {
        string folder = "/sys/diamol-test-" + Guid.NewGuid().ToString("N")[..8] + "/cache/blobs/sha256";
        var e = Assert.ThrowsExactly<DiamolException>(() => WritableFolder.Create(folder, "the blob cache (DiamolCacheDirectory)", "set DiamolCacheDirectory to a folder of this user's"));
        Assert.AreEqual(DiagnosticCode.DIAM2015, e.Code);
        StringAssert.Contains(e.Message, folder);
        StringAssert.Contains(e.Message, "DiamolCacheDirectory");
    }

    [TestMethod]
    public void An_owner_note_that_cannot_be_written_neither_leaks_the_lock_nor_waits()
    {
        string folder = Path.Combine(Root, "full");
        Directory.CreateDirectory(Path.Combine(folder, ".diamol"));
        // A folder where the note goes: writing it fails, as on a full disk or when another user's note is there.
        Directory.CreateDirectory(new OutputFolder(folder).Lock + ".owner");
        using (OutputFolderLock.Acquire(folder, TimeSpan.Zero, _ => Assert.Fail("it waited"), CancellationToken.None))
        {
            var e = Assert.ThrowsExactly<DiamolException>(() => OutputFolderLock.Acquire(folder, TimeSpan.Zero, _ => { }, CancellationToken.None));
            Assert.AreEqual(DiagnosticCode.DIAM2009, e.Code, "the lock is held");
            StringAssert.Contains(e.Message, "process unknown");
        }

        using var again = OutputFolderLock.Acquire(folder, TimeSpan.Zero, _ => Assert.Fail("the first lock leaked"), CancellationToken.None);
    }
}
