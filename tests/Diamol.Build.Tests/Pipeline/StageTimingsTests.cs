using Diamol.Build.Context;
using Diamol.Build.Pipeline;

namespace Diamol.Build.Tests.Pipeline;

[TestClass]
public sealed class StageTimingsTests
{
    [TestMethod]
    public void The_first_task_starts_the_file_and_later_tasks_add_to_it()
    {
        using var temp = new TempFolder("timings");
        string context = temp.Path;
        var old = new StageTimings("earlier publish");
        old.Add("stage", TimeSpan.FromSeconds(9));
        old.Save(new OutputFolder(context), startsPublish: true);

        var first = new StageTimings("DiamolGenerateDockerfile");
        first.Add("plan", TimeSpan.FromMilliseconds(3.25));
        first.Measure("stage", () => 1);
        first.Save(new OutputFolder(context), startsPublish: true);
        var second = new StageTimings("DiamolEngineBuild");
        second.Add("engine-steps", TimeSpan.FromSeconds(2));
        second.Save(new OutputFolder(context), startsPublish: false);

        var stages = StageTimings.Read(new OutputFolder(context));
        CollectionAssert.AreEqual(new[] { "plan", "stage", "engine-steps" }, stages.Select(s => s.Name).ToArray(), "the earlier publish's stages are gone");
        Assert.AreEqual("DiamolEngineBuild", stages[2].Task);
        Assert.AreEqual(2000, stages[2].Milliseconds);
        StringAssert.StartsWith(StageTimings.Describe(stages), "plan 3 ms, stage ");
    }

    [TestMethod]
    public void A_broken_file_reads_as_no_timings()
    {
        using var temp = new TempFolder("timings");
        string context = temp.Path;
        Directory.CreateDirectory(Path.GetDirectoryName(new OutputFolder(context).Timings)!);
        File.WriteAllText(new OutputFolder(context).Timings, "{ not json");
        Assert.AreEqual(0, StageTimings.Read(new OutputFolder(context)).Count);
    }
}
