using Diamol.Build.Common;
using Diamol.Build.Diagnostics;
using Diamol.Build.Oci;
using Diamol.Build.Pipeline;

namespace Diamol.Build.Tests.Pipeline;

[TestClass]
public sealed class BuilderChoiceTests
{
    private static readonly ImagePlatform Amd64 = ImagePlatform.FromRuntimeIdentifier("linux-x64");
    private static readonly ImagePlatform Arm64 = ImagePlatform.FromRuntimeIdentifier("linux-arm64");

    private static BuilderInputs Inputs(string? requested = null, string[]? instructions = null, bool registry = false, bool archive = false, bool multi = false, ImagePlatform? platform = null) =>
        new(requested, instructions ?? [], registry, archive ? ["ContainerArchiveOutputPath"] : [], multi, platform ?? Amd64);

    private static BuilderDecision Decide(BuilderInputs inputs, ImagePlatform? engine, out int probes)
    {
        int calls = 0;
        var decision = BuilderChoice.Decide(inputs, () => { calls++; return engine; });
        probes = calls;
        return decision;
    }

    [TestMethod]
    public void The_SDKs_daemonless_destinations_take_the_OCI_writer_without_asking_an_engine()
    {
        Assert.AreEqual(Builder.Oci, Decide(Inputs(registry: true), null, out int probes).Builder);
        Assert.AreEqual(0, probes, "no engine is asked when the destination needs none");
        Assert.AreEqual(Builder.Oci, Decide(Inputs(archive: true), null, out _).Builder);
        StringAssert.Contains(Decide(Inputs(registry: true), null, out _).Reason, "ContainerRegistry");
    }

    [TestMethod]
    public void An_image_for_the_local_engine_keeps_the_engine_build_unless_the_platform_differs()
    {
        Assert.AreEqual(Builder.Docker, Decide(Inputs(), Amd64, out _).Builder);
        var foreign = Decide(Inputs(platform: Arm64), Amd64, out _);
        Assert.AreEqual(Builder.Oci, foreign.Builder);
        StringAssert.Contains(foreign.Reason, "linux/arm64/v8");
        // No engine: the engine path reports it (DIAM3001) as before.
        Assert.AreEqual(Builder.Docker, Decide(Inputs(), null, out _).Builder);
    }

    [TestMethod]
    public void Own_RUN_instructions_need_the_engine_even_for_a_registry()
    {
        Assert.AreEqual(Builder.Oci, Decide(Inputs(instructions: ["ENV", "LABEL", "HEALTHCHECK"], registry: true), Amd64, out _).Builder, "the OCI writer applies config instructions");
        Assert.AreEqual(Builder.Oci, Decide(Inputs("oci", instructions: ["WORKDIR", "VOLUME"]), Amd64, out _).Builder);
        Assert.AreEqual(Builder.Docker, Decide(Inputs(instructions: ["RUN"], registry: true), Amd64, out _).Builder);
        var e = Assert.ThrowsExactly<DiamolException>(() => Decide(Inputs(instructions: ["RUN"], platform: Arm64), Amd64, out _));
        Assert.AreEqual(DiagnosticCode.DIAM3006, e.Code);
        StringAssert.Contains(e.Message, "linux/arm64/v8");
    }

    [TestMethod]
    public void The_choice_reads_each_instruction_as_the_parser_does_whatever_blank_follows_the_keyword()
    {
        // A RUN item separated from its command by a tab (or other blank) is RUN for the parser, which writes it into
        // the Dockerfile; the choice must see it too, or it goes to the OCI writer, which cannot run it.
        string[] texts = ["RUN\techo hi", "run  echo hi", " RUN\vecho hi", "ENV\tA=1", "LABEL\fa=b", "HEALTHCHECK NONE"];
        foreach (string text in texts)
        {
            Assert.AreEqual(Diamol.Build.Spec.CustomInstructionParser.Parse("i", text, "").Keyword, Diamol.Build.Spec.CustomInstructionParser.KeywordOf(text), text);
        }

        var keywords = texts.Select(Diamol.Build.Spec.CustomInstructionParser.KeywordOf).ToArray();
        Assert.AreEqual(Builder.Docker, Decide(Inputs(instructions: [keywords[0]], registry: true), Amd64, out _).Builder);
    }

    [TestMethod]
    public void A_requested_builder_is_honoured_or_refused_with_the_reason()
    {
        Assert.AreEqual(Builder.Oci, Decide(Inputs("OCI"), Amd64, out _).Builder);
        Assert.AreEqual(Builder.Docker, Decide(Inputs("docker", registry: true), Amd64, out _).Builder);
        Assert.AreEqual(DiagnosticCode.DIAM1015, Assert.ThrowsExactly<DiamolException>(() => Decide(Inputs("oci", instructions: ["RUN"]), Amd64, out _)).Code);
        Assert.AreEqual(DiagnosticCode.DIAM1015, Assert.ThrowsExactly<DiamolException>(() => Decide(Inputs("docker", archive: true), Amd64, out _)).Code);
        Assert.AreEqual(DiagnosticCode.DIAM3006, Assert.ThrowsExactly<DiamolException>(() => Decide(Inputs("docker", platform: Arm64), Amd64, out _)).Code);
        var bad = Assert.ThrowsExactly<DiamolException>(() => Decide(Inputs("buildkit"), Amd64, out _));
        Assert.AreEqual(DiagnosticCode.DIAM1015, bad.Code);
        StringAssert.Contains(bad.Message, "'buildkit'");
    }

    [TestMethod]
    public void Runtime_identifiers_map_to_platforms_and_Windows_is_refused()
    {
        Assert.AreEqual("linux/amd64", ImagePlatform.FromRuntimeIdentifier("linux-musl-x64").ToString());
        Assert.AreEqual("linux/arm/v7", ImagePlatform.FromRuntimeIdentifier("linux-arm").ToString());
        var windows = Assert.ThrowsExactly<DiamolException>(() => ImagePlatform.FromRuntimeIdentifier("win-x64"));
        Assert.AreEqual(DiagnosticCode.DIAM1016, windows.Code);
        StringAssert.Contains(windows.Message, "Linux images only");
        Assert.AreEqual(DiagnosticCode.DIAM1016, Assert.ThrowsExactly<DiamolException>(() => ImagePlatform.FromRuntimeIdentifier("osx-arm64")).Code);
        var browser = Assert.ThrowsExactly<DiamolException>(() => ImagePlatform.FromRuntimeIdentifier("browser-wasm"));
        Assert.AreEqual(DiagnosticCode.DIAM1016, browser.Code);
        StringAssert.Contains(browser.Message, "standalone Blazor WebAssembly app");
        StringAssert.Contains(browser.Message, "hosts it");
    }

    [TestMethod]
    public void A_setting_only_one_builder_honours_picks_it_and_asking_for_both_is_refused()
    {
        var podman = Decide(Inputs() with { OciSettings = ["LocalRegistry=Podman"] }, Amd64, out _);
        Assert.AreEqual(Builder.Oci, podman.Builder);
        StringAssert.Contains(podman.Reason, "LocalRegistry=Podman");
        Assert.AreEqual(Builder.Oci, Decide(Inputs() with { OciSettings = ["ContainerImageFormat=OCI"] }, Amd64, out _).Builder);
        var both = Assert.ThrowsExactly<DiamolException>(() => Decide(Inputs(archive: true) with { EngineSettings = ["DiamolCacheFrom"] }, Amd64, out _));
        Assert.AreEqual(DiagnosticCode.DIAM1015, both.Code);
        StringAssert.Contains(both.Message, "DiamolCacheFrom");
        StringAssert.Contains(both.Message, "ContainerArchiveOutputPath");
        Assert.AreEqual(DiagnosticCode.DIAM1015, Assert.ThrowsExactly<DiamolException>(() => Decide(Inputs(instructions: ["RUN"], multi: true), Amd64, out _)).Code);
        Assert.AreEqual(DiagnosticCode.DIAM1015, Assert.ThrowsExactly<DiamolException>(() => Decide(Inputs("docker") with { OciSettings = ["LocalRegistry=Podman"] }, Amd64, out _)).Code);
    }
}
