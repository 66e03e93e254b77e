using System.Security.Cryptography;

namespace Diamol.Build.EndToEndTests;

/// <summary>
/// Publish modes that say their cost: symbols files re-shipped with every edit are named with their size and the
/// property that leaves them out (DIAM2019). The case is a real publish whose portable PDB embeds its sources
/// (EmbedAllSources, as SourceLink set-ups do): about 1.5 MB of symbols beside a small assembly. A Native AOT app's
/// .dbg is the larger case the warning was made for, but this machine has no native toolchain for AOT (clang), so
/// its message and the AOT target order are covered by the unit tests (SymbolsAdviceTests, TargetsTests).
/// </summary>
[TestClass]
public sealed class PublishModeCostTests
{
    [TestMethod]
    public void Large_symbols_re_shipped_with_every_edit_are_named_with_their_size_and_the_fix()
    {
        var project = ConsumerProject.NewConsole("SymbolsCost");
        project.AddToProject(
            "  <PropertyGroup>\n    <EmbedAllSources>true</EmbedAllSources>\n  </PropertyGroup>\n");
        // Comments reach the PDB (the embedded source) and not the assembly: 3 MB of hex compresses to about 1.5 MB.
        var comments = new System.Text.StringBuilder();
        for (int line = 0; line < 24_000; line++) comments.Append("// ").Append(Convert.ToHexString(RandomNumberGenerator.GetBytes(60))).Append('\n');
        File.WriteAllText(Path.Combine(project.Directory, "Notes.cs"), comments.ToString());

        string[] settings = [$"ContainerBaseImage={TestEnvironment.BaseRuntime}", "DiamolBuildImage=false", "DiamolInspectBaseImage=false"];
        var publish = project.Publish(settings).EnsureSuccess("publish with embedded sources");
        string warning = publish.Output.Split('\n').First(l => l.Contains("warning DIAM2019", StringComparison.Ordinal));
        StringAssert.Contains(warning, "SymbolsCost.pdb (");
        StringAssert.Contains(warning, "that every code edit re-ships");
        StringAssert.Contains(warning, "-p:CopyOutputSymbolsToPublishDirectory=false");
        long pdb = new FileInfo(Path.Combine(project.ContainerFolder, "layers", "app", "SymbolsCost.pdb")).Length;
        Assert.IsTrue(pdb > 1_000_000, $"the fixture's PDB is {pdb} bytes");

        // The fix it names: the image's publish without symbols, and no warning.
        var without = project.Publish([.. settings, "CopyOutputSymbolsToPublishDirectory=false"]).EnsureSuccess("publish without symbols");
        Assert.IsFalse(without.Output.Contains("DIAM2019", StringComparison.Ordinal), without.Output);
        Assert.IsFalse(File.Exists(Path.Combine(project.ContainerFolder, "layers", "app", "SymbolsCost.pdb")), "the image still holds the PDB");
    }
}
