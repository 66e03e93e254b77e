using Diamol.Build.Context;

namespace Diamol.Build.Tests.Pipeline;

/// <summary>
/// <see cref="OutputFolderState"/>: the one place that decides whether the stages work from this publish's staging or
/// from the folder's records.
/// </summary>
[TestClass]
public sealed class OutputFolderStateTests : EngineStageTest
{
    [TestMethod]
    public void The_hand_over_is_used_while_it_is_the_folders_latest_staging_and_its_digests_are_computed_once()
    {
        var staged = Stage(null, ("WebPing.dll", "app", false));
        var state = OutputFolderState.Of(new OutputFolder(_context + "/"), staged);
        Assert.AreSame(staged, state.Staged, "the same folder, however its path is written");
        Assert.AreSame(staged.Manifest, state.Manifest, "no read of manifest.json");
        var digests = state.Digests;
        Assert.AreSame(digests, staged.Digests, "kept on the hand-over for the next task");
        Assert.AreSame(digests, OutputFolderState.Of(Folder, staged).Digests, "a later task's state takes them from the hand-over");
        CollectionAssert.AreEquivalent(digests.ToArray(), OutputFolderState.Of(Folder).Digests.ToArray(), "the folder gives the same digests");
    }

    [TestMethod]
    public void A_stale_or_foreign_hand_over_sends_the_stages_to_the_folder()
    {
        var first = Stage(null, ("WebPing.dll", "app", false));
        Assert.IsNull(OutputFolderState.Of(new OutputFolder(Path.Combine(Root, "elsewhere")), first).Staged, "another folder's staging");
        var second = Stage(null, ("WebPing.dll", "app v2", false));
        var state = OutputFolderState.Of(Folder, first);
        Assert.IsNull(state.Staged, "staged again since");
        Assert.AreEqual(second.Manifest.Layers.Sum(l => l.Size), state.Manifest.Layers.Sum(l => l.Size), "the manifest the folder holds now");
        Assert.IsNull(first.Digests, "nothing is written onto a stale hand-over");
        Assert.IsNotNull(OutputFolderState.Of(Folder, second).Staged);
    }
}
