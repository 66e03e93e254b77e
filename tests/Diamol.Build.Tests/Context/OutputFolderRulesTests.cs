using Diamol.Build.Context;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Tests.Context;

[TestClass]
public sealed class OutputFolderRulesTests
{
    [TestMethod]
    [DataRow("/p/bin/Release/net10.0/publish/container/")]
    [DataRow("/p/bin/Release/net10.0/publish/")]
    [DataRow("/p/bin/Release/net10.0/publish")]
    public void An_output_folder_in_the_publish_folder_is_refused(string output)
    {
        var e = Assert.ThrowsExactly<DiamolException>(() => OutputFolderRules.RefuseInsidePublishFolder(output, "/p/bin/Release/net10.0/publish/"));
        Assert.AreEqual(DiagnosticCode.DIAM1019, e.Code);
        StringAssert.Contains(e.Message, output);
    }

    [TestMethod]
    [DataRow("/p/bin/Release/net10.0/container/")]
    [DataRow("/p/bin/Release/net10.0/publish-image/")]
    public void An_output_folder_beside_it_is_fine(string output) =>
        OutputFolderRules.RefuseInsidePublishFolder(output, "/p/bin/Release/net10.0/publish/");

    [TestMethod]
    [DataRow("bin/Release/net10.0/publish/app.tar.gz")]
    [DataRow("bin/Release/net10.0/publish/")]
    [DataRow("/p/bin/Release/net10.0/publish/images")]
    public void An_archive_in_the_publish_folder_is_refused(string archive)
    {
        var e = Assert.ThrowsExactly<DiamolException>(() => OutputFolderRules.RefuseArchiveInsidePublishFolder(archive, "/p", "/p/bin/Release/net10.0/publish/"));
        Assert.AreEqual(DiagnosticCode.DIAM1019, e.Code);
        StringAssert.Contains(e.Message, "ContainerArchiveOutputPath");
    }

    [TestMethod]
    [DataRow("bin/Release/net10.0/app.tar.gz")]
    [DataRow("/p/bin/Release/net10.0/publish-archives/")]
    [DataRow("")]
    public void An_archive_beside_it_is_fine(string archive) =>
        OutputFolderRules.RefuseArchiveInsidePublishFolder(archive, "/p", "/p/bin/Release/net10.0/publish/");

    [TestMethod]
    [DataRow("/src/app/")]
    [DataRow("/src/app")]
    [DataRow("/src/app/./")]
    [DataRow("/src/")]
    [DataRow("/")]
    public void The_project_folder_or_a_folder_above_it_is_refused(string output)
    {
        var e = Assert.ThrowsExactly<DiamolException>(() => OutputFolderRules.RefuseProjectFolder(output, "/src/app"));
        Assert.AreEqual(DiagnosticCode.DIAM1020, e.Code);
        StringAssert.Contains(e.Message, output);
        StringAssert.Contains(e.Message, "/src/app");
    }

    [TestMethod]
    [DataRow("/src/app/bin/Release/net10.0/container/")]
    [DataRow("/src/app-deploy/")]
    [DataRow("/src/other/")]
    public void A_folder_of_its_own_is_fine(string output) => OutputFolderRules.RefuseProjectFolder(output, "/src/app/");
}
