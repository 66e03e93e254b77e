using Diamol.Build.Diagnostics;
using Diamol.Build.History;
using Diamol.Build.Pipeline;

namespace Diamol.Build.Tests.Pipeline;

[TestClass]
public sealed class HistoryLookupTests : TempFolderTest
{
    private string Artifact(string relative, DateTime written)
    {
        string path = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, HistoryJsonWriter.Write(new LayerHistory
        {
            Generator = "test",
            Image = new HistoryImage { Id = "sha256:" + relative.Length, Repository = "r", Tags = ["latest"], Size = 1 },
            BaseImage = new HistoryBaseImage { Name = "base", Layers = 1 },
            Dockerfile = "Dockerfile",
            Entries = [],
            Totals = new HistoryTotals(),
        }));
        File.SetLastWriteTimeUtc(path, written);
        return path;
    }

    [TestMethod]
    public void DiamolHistory_wins_even_when_this_configurations_artifact_exists()
    {
        string configuration = Artifact("bin/Release/container/image-history.json", DateTime.UtcNow);
        Assert.AreEqual(new ChosenHistory("elsewhere.json", false), HistoryLookup.Choose("elsewhere.json", configuration, Path.Combine(Root, "bin")));
    }

    [TestMethod]
    public void This_configurations_artifact_comes_before_a_newer_one_of_another()
    {
        string release = Artifact("bin/Release/container/image-history.json", DateTime.UtcNow.AddHours(-1));
        Artifact("bin/Debug/container/image-history.json", DateTime.UtcNow);
        Assert.AreEqual(new ChosenHistory(release, false), HistoryLookup.Choose(" ", release, Path.Combine(Root, "bin")));
    }

    [TestMethod]
    public void Without_one_for_this_configuration_the_newest_under_the_search_folder_is_chosen_and_said_so()
    {
        Artifact("bin/Release/container/image-history.json", DateTime.UtcNow.AddHours(-1));
        string debug = Artifact("bin/Debug/net10.0/container/image-history.json", DateTime.UtcNow);
        string missing = Path.Combine(Root, "bin", "Debug", "container", "image-history.json");
        Assert.AreEqual(new ChosenHistory(debug, true), HistoryLookup.Choose(null, missing, Path.Combine(Root, "bin")));
    }

    [TestMethod]
    public void No_artifact_anywhere_is_DIAM4002_naming_where_it_looked()
    {
        string missing = Path.Combine(Root, "bin", "Release", "container", "image-history.json");
        var e = Assert.ThrowsExactly<DiamolException>(() => HistoryLookup.Choose("", missing, Path.Combine(Root, "bin")));
        Assert.AreEqual(DiagnosticCode.DIAM4002, e.Code);
        StringAssert.Contains(e.Message, missing);
        StringAssert.Contains(e.Message, "set DiamolHistory");
    }

    [TestMethod]
    public void An_unreadable_artifact_is_DIAM4002_naming_the_property_and_value()
    {
        string path = Path.Combine(Root, "not-history.json");
        File.WriteAllText(path, "{\"schemaVersion\": 999}");
        var e = Assert.ThrowsExactly<DiamolException>(() => HistoryLookup.Read(path, "DiamolHistoryBaseline"));
        Assert.AreEqual(DiagnosticCode.DIAM4002, e.Code);
        StringAssert.Contains(e.Message, $"DiamolHistoryBaseline has the value '{path}'");
        Assert.AreEqual("r", HistoryLookup.Read(Artifact("good.json", DateTime.UtcNow), "DiamolHistory").Image.Repository);
    }
}
