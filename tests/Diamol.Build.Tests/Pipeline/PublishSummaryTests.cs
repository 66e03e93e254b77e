using Diamol.Build.Common;
using Diamol.Build.Engine;
using Diamol.Build.History;
using Diamol.Build.Pipeline;

namespace Diamol.Build.Tests.Pipeline;

[TestClass]
public sealed class PublishSummaryTests
{
    private static readonly string Id = "sha256:" + new string('a', 64);

    private static BuildRecord Record(string engine = "unix:///var/run/docker.sock (Docker Engine - Community 20.10.24, API 1.41)", bool skipped = false, string? pushed = null) =>
        new(engine,
            new BuildResult(Id, ["webapi:latest", "webapi:1.0"], [new BuildStep(1, "FROM x", true, null), new BuildStep(2, "COPY app", false, "sha256:b")]),
            new ImageFacts(Id, null, 0, "linux", "amd64", [], [], null),
            new BaseImageSummary("x", null, 0, 0),
            [],
            PushedDigest: pushed,
            Skipped: skipped);

    private static LayerHistory History(HistoryChanges? changes) => new()
    {
        Generator = "test",
        Image = new HistoryImage { Id = Id, Repository = "webapi", Tags = ["latest", "1.0"] },
        BaseImage = new HistoryBaseImage { Name = "x" },
        Dockerfile = "Dockerfile",
        Entries = [],
        Totals = new HistoryTotals { NewBytes = 21_300 },
        Changes = changes,
    };

    [TestMethod]
    public void The_line_has_the_terminal_loggers_shape_and_tells_the_story()
    {
        var changes = new HistoryChanges { PreviousImageId = "sha256:old", Summary = "+21.3 kB in layer app (WebApi.dll +3 kB)" };

        string line = PublishSummary.Line("WebApi", Record(), History(changes), "/src/WebApi/bin/Release/net10.0/container/image-history.html", "/src/WebApi");

        Assert.AreEqual("WebApi -> webapi:latest, webapi:1.0 (sha256:aaaaaaaaaaaa): built by unix:///var/run/docker.sock (Docker Engine - Community 20.10.24, API 1.41); " +
            "1 of 2 steps rebuilt, 21.3 kB new; since the last publish: +21.3 kB in layer app (WebApi.dll +3 kB); report bin/Release/net10.0/container/image-history.html", line);
    }

    [TestMethod]
    public void Up_to_date_pushed_and_first_publishes_say_so()
    {
        string skipped = PublishSummary.Line("WebApi", Record(skipped: true), History(null), "/out/image-history.html", "/src/WebApi");
        StringAssert.Contains(skipped, "up to date, no build needed");
        Assert.IsFalse(skipped.Contains("steps rebuilt", StringComparison.Ordinal));
        StringAssert.Contains(skipped, "first publish of this repository here");
        StringAssert.EndsWith(skipped, "report /out/image-history.html", "a report outside the current folder keeps its full path");

        string oci = PublishSummary.Line("WebApi", Record("OCI writer (linux/amd64, Docker manifest)", pushed: "sha256:" + new string('d', 64)), History(null), "/out/h.html", "/");
        StringAssert.Contains(oci, "written by the OCI writer (linux/amd64, Docker manifest); 1 of 2 steps new");
        StringAssert.Contains(oci, "pushed sha256:dddddddddddd");
    }

    [TestMethod]
    public void A_platform_image_of_a_multi_platform_publish_is_named_by_digest_and_not_said_to_be_pushed_under_a_tag()
    {
        string digest = "sha256:" + new string('d', 64);
        var record = Record("OCI writer (linux/arm64/v8, Docker manifest)", pushed: digest);
        record = record with { Build = record.Build with { References = ["127.0.0.1:5000/webapi@" + digest] }, IndexPart = true };

        string line = PublishSummary.Line("WebApi", record, History(null), "/out/h.html", "/");

        StringAssert.StartsWith(line, $"WebApi -> 127.0.0.1:5000/webapi@{digest} (sha256:aaaaaaaaaaaa): written by the OCI writer");
        StringAssert.Contains(line, "pushed by digest, no tag: the multi-platform index gets the tags");
        Assert.IsFalse(line.Contains("webapi:latest", StringComparison.Ordinal), line);
        Assert.IsFalse(line.Contains("pushed sha256", StringComparison.Ordinal), line);

        string archived = PublishSummary.Line("WebApi", record with { PushedDigest = null }, History(null), "/out/h.html", "/");
        StringAssert.Contains(archived, "one platform of the multi-platform archive");
        Assert.IsFalse(archived.Contains("pushed", StringComparison.Ordinal), archived);
    }
}
