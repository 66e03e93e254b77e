using System.Text;
using Diamol.Build.Common;
using Diamol.Build.Diagnostics;
using Diamol.Build.Engine;
using Diamol.Build.Oci;
using Diamol.Build.Registry;

namespace Diamol.Build.Tests.Oci;

/// <summary>A base image is used only for the platform it is for, and by the OCI writer only without ONBUILD triggers.</summary>
[TestClass]
public sealed class BaseImageRequirementsTests
{
    private static readonly ImagePlatform Arm64 = ImagePlatform.FromRuntimeIdentifier("linux-arm64");
    private static readonly ImagePlatform Amd64 = ImagePlatform.FromRuntimeIdentifier("linux-x64");

    private static BaseImageManifest Base(string config, string? indexDigest = null) => new(
        new ResolvedImage("localhost:5000", "dotnet/runtime", "sha256:m", MediaTypes.DockerManifest, [],
            new BlobDescriptor(MediaTypes.DockerConfig, "sha256:c", 1), [], indexDigest),
        Encoding.UTF8.GetBytes(config));

    [TestMethod]
    public void A_single_platform_base_for_another_platform_is_refused_naming_the_base_its_platform_and_the_fix()
    {
        var e = Assert.ThrowsExactly<DiamolException>(() =>
            Base("""{"architecture":"amd64","os":"linux","config":{}}""").RequireUsableFor("localhost:5000/dotnet/runtime:10.0", Arm64));
        Assert.AreEqual(DiagnosticCode.DIAM1022, e.Code);
        StringAssert.Contains(e.Message, "'localhost:5000/dotnet/runtime:10.0'");
        StringAssert.Contains(e.Message, "a single-platform image for linux/amd64");
        StringAssert.Contains(e.Message, "the image is for linux/arm64/v8");
        StringAssert.Contains(e.Message, "multi-platform base image");
        StringAssert.Contains(e.Message, "set ContainerBaseImage to an image for linux/arm64/v8");
    }

    [TestMethod]
    public void An_index_entry_whose_config_says_another_platform_is_refused_too()
    {
        var e = Assert.ThrowsExactly<DiamolException>(() =>
            Base("""{"architecture":"amd64","os":"linux"}""", indexDigest: "sha256:i").RequireUsableFor("b", Arm64));
        Assert.AreEqual(DiagnosticCode.DIAM1022, e.Code);
        StringAssert.Contains(e.Message, "an index whose entry for linux/arm64/v8 is an image whose config says linux/amd64");
    }

    [TestMethod]
    public void A_base_for_the_platform_passes_and_a_missing_variant_matches()
    {
        Assert.IsNull(Base("""{"architecture":"arm64","os":"linux","variant":"v8"}""").RequireUsableFor("b", Arm64));
        Assert.IsNull(Base("""{"architecture":"arm64","os":"linux"}""").RequireUsableFor("b", Arm64));
        Assert.IsNull(Base("""{"architecture":"amd64","os":"linux"}""").RequireUsableFor("b", Amd64));
        Assert.ThrowsExactly<DiamolException>(() => Base("""{"architecture":"arm","os":"linux","variant":"v6"}""").RequireUsableFor("b", ImagePlatform.FromRuntimeIdentifier("linux-arm")));
    }

    [TestMethod]
    public void A_base_that_names_no_platform_is_warned_about()
    {
        var warning = Base("""{"os":"linux","config":{}}""").RequireUsableFor("localhost:5000/odd:1", Arm64);
        Assert.IsNotNull(warning);
        Assert.AreEqual(DiagnosticCode.DIAM2020, warning.Code);
        StringAssert.Contains(warning.Message, "'localhost:5000/odd:1'");
        StringAssert.Contains(warning.Message, "names no platform");
        StringAssert.Contains(warning.Message, "linux/arm64/v8");
    }

    [TestMethod]
    public void The_engines_copy_of_the_base_is_checked_by_the_same_rule()
    {
        var image = new EngineImageDetails("sha256:x", null, 1, "linux", "arm64", [], null, null, [], [], "v8");
        Assert.AreEqual(Arm64, image.Platform);
        var e = Assert.ThrowsExactly<DiamolException>(() => BaseImageRequirements.RequirePlatform("b", image.Platform, Amd64, "the engine's image"));
        Assert.AreEqual(DiagnosticCode.DIAM1022, e.Code);
        StringAssert.Contains(e.Message, "a single-platform image for linux/arm64/v8 (the engine's image)");
        Assert.IsNull(new EngineImageDetails("sha256:x", null, 1, "linux", "", [], null, null, [], []).Platform, "an empty architecture names no platform");
    }

    [TestMethod]
    public void A_base_with_ONBUILD_triggers_is_refused_for_the_OCI_writer()
    {
        var e = Assert.ThrowsExactly<DiamolException>(() =>
            Base("""{"architecture":"amd64","os":"linux","config":{"OnBuild":["RUN echo hi > /hi"]}}""").RequireUsableFor("localhost:5000/trig:1", Amd64));
        Assert.AreEqual(DiagnosticCode.DIAM1023, e.Code);
        StringAssert.Contains(e.Message, "'localhost:5000/trig:1'");
        StringAssert.Contains(e.Message, "RUN echo hi > /hi");
        StringAssert.Contains(e.Message, "DiamolBuilder=docker");
        Assert.IsNull(Base("""{"architecture":"amd64","os":"linux","config":{"OnBuild":null}}""").RequireUsableFor("b", Amd64), "no triggers (null, as the engine writes it)");
    }

    [TestMethod]
    public void The_facts_carry_the_platforms_manifest_digest_for_the_label_and_the_index_digest_for_FROM()
    {
        var facts = Base("""{"architecture":"amd64","os":"linux"}""", indexDigest: "sha256:i").Facts();
        Assert.AreEqual("sha256:i", facts.Digest);
        Assert.AreEqual("sha256:m", facts.LabelDigest);
    }
}
