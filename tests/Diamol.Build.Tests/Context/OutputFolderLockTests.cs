using Diamol.Build.Context;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Tests.Context;

[TestClass]
public sealed class OutputFolderLockTests
{
    [TestMethod]
    public void A_second_publish_of_one_folder_waits_says_so_and_gives_up_with_DIAM2009()
    {
        string folder = Path.Combine(Path.GetTempPath(), "diamol-lock-test-" + Guid.NewGuid().ToString("N"));
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
        using var a = OutputFolderLock.Acquire(Path.Combine(Path.GetTempPath(), "diamol-lock-a-" + Guid.NewGuid().ToString("N")), TimeSpan.Zero, _ => Assert.Fail(), CancellationToken.None);
        using var b = OutputFolderLock.Acquire(Path.Combine(Path.GetTempPath(), "diamol-lock-b-" + Guid.NewGuid().ToString("N")), TimeSpan.Zero, _ => Assert.Fail(), CancellationToken.None);
    }
}
