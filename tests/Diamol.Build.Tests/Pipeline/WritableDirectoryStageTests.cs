using Diamol.Build.Diagnostics;
using Diamol.Build.Layers;
using Diamol.Build.Pipeline;
using Diamol.Build.Spec;
using Diamol.Build.Tests.Spec;

namespace Diamol.Build.Tests.Pipeline;

/// <summary>The Dockerfile stage with DiamolWritableDirectory items: the owner comes from the image's user, and a mode change reaches the step keys.</summary>
[TestClass]
public sealed class WritableDirectoryStageTests : EngineStageTest
{
    private static readonly BaseImageFacts RuntimeBase = new("sha256:" + new string('b', 64), ["APP_UID=1654", "PATH=/usr/bin"], null);

    private DockerfileStageResult StageWith(BaseImageFacts? baseImage, string mode, ContainerSpecInput? input = null)
    {
        string publish = Path.Combine(Root, "publish");
        Directory.CreateDirectory(publish);
        File.WriteAllText(Path.Combine(publish, "WebPing.dll"), "app");
        var options = new LayerOptions(ImageFileModes.ParsePolicy(null), new PublishMode(), "WebPing", [new WritableDirectory("data", mode)]);
        return DockerfileStage.Run(input ?? ContainerSpecFactoryTests.Valid, baseImage, [new PublishedFile(Path.Combine(publish, "WebPing.dll"), "WebPing.dll")],
            options, Folder, "WebPing", "1.0.0", new List<Diagnostic>());
    }

    [TestMethod]
    public void The_folder_belongs_to_the_base_images_APP_UID_and_a_mode_change_is_a_new_step()
    {
        var first = StageWith(RuntimeBase, "0755");
        StringAssert.Contains(File.ReadAllText(first.Staging.DockerfilePath), "COPY --chown=1654:1654 [\"layers/writable/\", \"/app/\"]");
        var options = new BuildOptions(new Dictionary<string, string>(), [], Diamol.Build.Engine.PullPolicy.Missing);
        var before = BuildFingerprint.Compute(State(first.Staged), options, "sha256:base");

        var second = StageWith(RuntimeBase, "0770");
        var after = BuildFingerprint.Compute(State(second.Staged), options, "sha256:base");
        int copy = second.Manifest.Instructions.ToList().FindIndex(i => i.LayerName == "writable");
        Assert.AreEqual(before.StepKeys[copy - 1], after.StepKeys[copy - 1], "the steps before it are the same");
        Assert.AreNotEqual(before.StepKeys[copy], after.StepKeys[copy], "the COPY line is the same, the folder's mode is not: a delta build must not reuse the old step");
    }

    [TestMethod]
    public void Without_a_known_user_nothing_is_written()
    {
        var e = Assert.ThrowsExactly<DiamolException>(() => StageWith(null, ""));
        Assert.AreEqual(DiagnosticCode.DIAM1024, e.Code);
        Assert.IsFalse(File.Exists(Path.Combine(_context, "Dockerfile")));
        StringAssert.Contains(File.ReadAllText(StageWith(null, "", ContainerSpecFactoryTests.Valid with { User = "0" }).Staging.DockerfilePath), "COPY --chown=0:0 ");
    }
}
