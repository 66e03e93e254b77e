using Diamol.Build.Diagnostics;
using Diamol.Build.Pipeline;

namespace Diamol.Build.Tests.Pipeline;

[TestClass]
public sealed class RestoredPlatformsTests
{
    private const string Assets = """
        { "version": 3, "targets": { "net10.0": {}, "net10.0/linux-x64": {} }, "libraries": {} }
        """;

    [TestMethod]
    public void A_platform_restore_did_not_cover_is_named()
    {
        CollectionAssert.AreEqual(new[] { "linux-arm64" }, RestoredPlatforms.Missing(Assets, ["net10.0"], ["linux-x64", "linux-arm64"]).ToArray());
        Assert.AreEqual(0, RestoredPlatforms.Missing(Assets, ["net10.0"], ["linux-x64"]).Count);
        Assert.AreEqual(0, RestoredPlatforms.Missing("""{ "targets": { ".NETCoreApp,Version=v10.0/linux-arm64": {} } }""", ["net10.0", ".NETCoreApp,Version=v10.0"], ["linux-arm64"]).Count,
            "older assets files key the framework by its moniker");
    }

    [TestMethod]
    public void The_refusal_names_RuntimeIdentifiers_and_what_to_set()
    {
        using var temp = new TempFolder("assets");
        string file = Path.Combine(temp.Path, "project.assets.json");
        File.WriteAllText(file, Assets);
        var e = Assert.ThrowsExactly<DiamolException>(() => RestoredPlatforms.Require(file, ["net10.0"], "linux-x64;linux-arm64"));
        Assert.AreEqual(DiagnosticCode.DIAM2021, e.Code);
        StringAssert.Contains(e.Message, "no target for linux-arm64");
        StringAssert.Contains(e.Message, "<RuntimeIdentifiers>linux-x64;linux-arm64</RuntimeIdentifiers>");
        StringAssert.Contains(e.Message, "Nothing was published or pushed");
        RestoredPlatforms.Require(Path.Combine(Path.GetDirectoryName(file)!, "missing.json"), ["net10.0"], "linux-x64;linux-arm64");
    }
}
