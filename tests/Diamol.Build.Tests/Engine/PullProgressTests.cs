using Diamol.Build.Engine;
using Diamol.Build.Tests.Pipeline;

namespace Diamol.Build.Tests.Engine;

[TestClass]
public sealed class PullProgressTests
{
    private DateTimeOffset _now = DateTimeOffset.UnixEpoch;

    [TestMethod]
    public void A_pull_prints_a_line_every_two_seconds_and_one_at_the_end()
    {
        var log = new ListBuildLog();
        var pull = new PullProgress("registry.test/base:1", log, () => _now);

        pull.Report("a1", "Pulling fs layer", 0, 0);
        pull.Report("b2", "Pulling fs layer", 0, 0);
        _now += TimeSpan.FromSeconds(3);
        pull.Report("a1", "Downloading", 1_000_000, 4_000_000);
        pull.Report("a1", "Downloading", 2_000_000, 4_000_000);
        _now += TimeSpan.FromSeconds(3);
        pull.Report("a1", "Pull complete", 0, 0);
        pull.Report("b2", "Downloading", 500, 1000);
        pull.Report("b2", "Pull complete", 0, 0);
        pull.Finish();

        CollectionAssert.AreEqual(new[]
        {
            "Pulling registry.test/base:1: 0 of 2 layers, 1 MB of 4 MB",
            "Pulling registry.test/base:1: 1 of 2 layers, 4 MB of 4 MB",
            "Pulled registry.test/base:1: 2 layers, 4 MB",
        }, log.Lines, string.Join("\n", log.Lines));
    }

    [TestMethod]
    public void An_image_that_was_already_there_says_nothing()
    {
        var log = new ListBuildLog();
        var pull = new PullProgress("registry.test/base:1", log, () => _now);

        pull.Report("a1", "Already exists", 0, 0);
        pull.Report(null, "Digest: sha256:abc", 0, 0);
        pull.Finish();

        Assert.AreEqual(0, log.Lines.Count, string.Join("\n", log.Lines));
    }
}
