using Diamol.Build.Diagnostics;
using Diamol.Build.Layers;

namespace Diamol.Build.Tests.Layers;

[TestClass]
public sealed class PublishModeAdviceTests
{
    private static readonly LayerPlan Plan = new([
        new Layer(LayerKind.Packages, "packages", [
            new LayerFile("/nuget/microsoft.netcore.app.runtime.linux-x64/10.0.1/runtimes/linux-x64/lib/net10.0/System.Private.CoreLib.dll", "System.Private.CoreLib.dll", 15_000_000),
            new LayerFile("/nuget/newtonsoft.json/13.0.3/lib/net6.0/Newtonsoft.Json.dll", "Newtonsoft.Json.dll", 700_000)]),
        new Layer(LayerKind.App, "app", [new LayerFile("/p/App", "App", 72_500_000)]),
    ]);

    private static readonly PublishedFile[] Files =
    [
        new("/publish/System.Private.CoreLib.dll", "System.Private.CoreLib.dll", "Microsoft.NETCore.App.Runtime.linux-x64", "10.0.1"),
        new("/publish/Newtonsoft.Json.dll", "Newtonsoft.Json.dll", "Newtonsoft.Json", "13.0.3"),
        new("/publish/App", "App", IsHost: true),
    ];

    [TestMethod]
    public void A_framework_dependent_publish_gets_no_advice() =>
        Assert.AreEqual(0, PublishModeAdvice.For(new PublishMode(), Plan, Files, "App").Count());

    [TestMethod]
    public void Single_file_names_the_bundle_its_size_and_the_fix()
    {
        var advice = PublishModeAdvice.For(new PublishMode(SingleFile: true, SelfContained: true, Trimmed: true), Plan, Files, "App").Single();
        Assert.AreEqual(DiagnosticCode.DIAM2003, advice.Code);
        StringAssert.Contains(advice.Message, "'App' (73 MB)");
        StringAssert.Contains(advice.Message, "-p:PublishSingleFile=false");
    }

    [TestMethod]
    public void Self_contained_without_trimming_names_the_runtime_size_and_the_fixes()
    {
        var advice = PublishModeAdvice.For(new PublishMode(SelfContained: true), Plan, Files, "App").Single();
        Assert.AreEqual(DiagnosticCode.DIAM2004, advice.Code);
        StringAssert.Contains(advice.Message, "(15 MB)");
        StringAssert.Contains(advice.Message, "PublishTrimmed=true");
        StringAssert.Contains(advice.Message, "NoWarn");
    }

    [TestMethod]
    public void Trimmed_or_native_AOT_self_contained_apps_are_not_warned_about_the_runtime()
    {
        Assert.AreEqual(0, PublishModeAdvice.For(new PublishMode(SelfContained: true, Trimmed: true), Plan, Files, "App").Count());
        Assert.AreEqual(0, PublishModeAdvice.For(new PublishMode(SelfContained: true, Aot: true), Plan, Files, "App").Count());
    }
}
