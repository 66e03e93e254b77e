using Diamol.Build.Diagnostics;
using Diamol.Build.Layers;

namespace Diamol.Build.Tests.Layers;

[TestClass]
public sealed class SymbolsAdviceTests
{
    private static LayerPlan Plan(long dbg, long app, long packages = 50_000_000) => new([
        new Layer(LayerKind.Packages, "packages", [new LayerFile("/nuget/x.dll", "x.dll", packages), new LayerFile("/nuget/x.pdb", "x.pdb", 30_000_000)]),
        new Layer(LayerKind.Projects, "projects", [new LayerFile("/p/Lib.dll", "Lib.dll", 100_000)]),
        new Layer(LayerKind.App, "app", [new LayerFile("/p/Api", "Api", app), new LayerFile("/p/Api.dbg", "Api.dbg", dbg)]),
    ]);

    [TestMethod]
    public void An_aot_dbg_that_is_most_of_every_edit_is_named_with_its_size_and_the_property_that_leaves_it_out()
    {
        var advice = PublishModeAdvice.ForSymbols(Plan(26_000_000, 11_300_000), new PublishMode(SelfContained: true, Trimmed: true, Aot: true));
        Assert.IsNotNull(advice);
        Assert.AreEqual(DiagnosticCode.DIAM2019, advice.Code);
        StringAssert.Contains(advice.Message, "26 MB of the 37 MB");
        StringAssert.Contains(advice.Message, "Api.dbg (26 MB)");
        StringAssert.Contains(advice.Message, "CopyOutputSymbolsToPublishDirectory=false");
        StringAssert.Contains(advice.Message, "no layer can keep it cached", "a .dbg changes with its executable: there is no stable layer for it");
        Assert.IsFalse(advice.Message.Contains("x.pdb", StringComparison.Ordinal), "a package's symbols do not change with an edit");
    }

    [TestMethod]
    [DataRow(900_000L, 100_000L, DisplayName = "under 1 MB")]
    [DataRow(2_000_000L, 7_000_000L, DisplayName = "under a quarter of the edited layers")]
    public void Symbols_that_cost_little_per_edit_get_no_word(long dbg, long app) =>
        Assert.IsNull(PublishModeAdvice.ForSymbols(Plan(dbg, app), new PublishMode()));

    [TestMethod]
    public void A_large_pdb_of_a_normal_publish_is_named_too()
    {
        var plan = new LayerPlan([new Layer(LayerKind.App, "app", [new LayerFile("/p/App.dll", "App.dll", 2_000_000), new LayerFile("/p/App.pdb", "App.pdb", 1_500_000)])]);
        var advice = PublishModeAdvice.ForSymbols(plan, new PublishMode());
        Assert.IsNotNull(advice);
        StringAssert.Contains(advice.Message, "App.pdb (1.5 MB)");
        StringAssert.Contains(advice.Message, "rebuilt with their assemblies");
    }
}
