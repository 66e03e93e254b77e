using Diamol.Build.Oci;

namespace Diamol.Build.Tests.Oci;

/// <summary>ContainerArchiveOutputPath names the file as the SDK's PublishContainer names it.</summary>
[TestClass]
public sealed class ArchivePathTests
{
    private static readonly string Project = Path.Combine(Path.GetTempPath(), "diamol-archive-path-" + Guid.NewGuid().ToString("N")[..8], "app");

    [TestMethod]
    public void A_folder_gets_the_repository_with_its_folders_as_the_SDK_writes_it()
    {
        Assert.AreEqual(Path.Combine(Project, "out", "team", "webping.tar.gz"), ImageArchiveWriter.ResolvePath("out/", Project, "team/webping"));
        Assert.AreEqual(Path.Combine(Project, "out", "webping.tar.gz"), ImageArchiveWriter.ResolvePath("out/", Project, "webping"));
    }

    [TestMethod]
    public void A_path_without_an_extension_is_a_folder_as_the_SDK_reads_it()
    {
        Assert.AreEqual(Path.Combine(Project, "images", "team", "webping.tar.gz"), ImageArchiveWriter.ResolvePath("images", Project, "team/webping"));
    }

    [TestMethod]
    public void A_file_name_is_kept_as_given()
    {
        Assert.AreEqual(Path.Combine(Project, "out", "image.tar"), ImageArchiveWriter.ResolvePath("out/image.tar", Project, "team/webping"));
        Assert.AreEqual("/abs/x.tar.gz", ImageArchiveWriter.ResolvePath("/abs/x.tar.gz", Project, "team/webping"));
    }

    [TestMethod]
    public void A_folder_that_exists_gets_the_default_name_even_with_a_dot()
    {
        using var temp = new TempFolder("archive");
        string folder = Directory.CreateDirectory(Path.Combine(temp.Path, "images.d")).FullName;
        Assert.AreEqual(Path.Combine(folder, "team", "webping.tar.gz"), ImageArchiveWriter.ResolvePath(folder, Project, "team/webping"));
    }
}
