using Diamol.Build.Common;

namespace Diamol.Build.Tests.Common;

[TestClass]
public sealed class FolderPathTests
{
    [TestMethod]
    public void A_folder_is_absolute_without_a_trailing_separator_and_a_root_keeps_its_own()
    {
        string here = Path.GetFullPath(".");
        Assert.AreEqual(Path.Combine(here, "out"), FolderPath.Full("out"));
        Assert.AreEqual(Path.Combine(here, "out"), FolderPath.Full("out" + Path.DirectorySeparatorChar));
        Assert.AreEqual(Path.Combine(here, "out"), FolderPath.Full(Path.Combine("out", "sub", "..")));
        string root = Path.GetPathRoot(here)!;
        Assert.AreEqual(root, FolderPath.Full(root));
    }

    [TestMethod]
    public void With_its_separator_a_folder_prefixes_exactly_what_is_inside_it()
    {
        char s = Path.DirectorySeparatorChar;
        string folder = FolderPath.WithSeparator("out" + s + s);

        Assert.AreEqual(Path.Combine(Path.GetFullPath("."), "out") + s, folder);
        Assert.AreEqual(folder, FolderPath.WithSeparator("out"));
        Assert.IsTrue(FolderPath.WithSeparator(Path.Combine("out", "x")).StartsWith(folder, StringComparison.Ordinal));
        Assert.IsFalse(FolderPath.WithSeparator("outer").StartsWith(folder, StringComparison.Ordinal));
        string root = Path.GetPathRoot(Path.GetFullPath("."))!;
        Assert.AreEqual(root, FolderPath.WithSeparator(root));
    }
}
