using System.Diagnostics;
using System.Globalization;

namespace Diamol.Build.EndToEndTests;

/// <summary>How the build behaves against the real engine: tags, failures, an absent engine, work already done.</summary>
[TestClass]
public sealed class EngineBuildTests
{
    [TestMethod]
    public void Every_tag_names_the_built_image()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string repository = "diamol-e2e/tags-" + Guid.NewGuid().ToString("N")[..8];
        string[] tags = ["1.2.3", "1.2", "latest"];
        try
        {
            project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}", $"ContainerImageTags=\"{string.Join(';', tags)}\"")
                .EnsureSuccess("publish with three tags");
            var ids = tags.Select(t => ImageInspection.Inspect($"{repository}:{t}").GetProperty("Id").GetString()).Distinct().ToArray();
            Assert.AreEqual(1, ids.Length, "the tags name different images");
        }
        finally
        {
            ImageInspection.RemoveImages(tags.Select(t => $"{repository}:{t}").ToArray());
        }
    }

    [TestMethod]
    public void A_failing_RUN_step_fails_with_the_step_and_moves_no_tag()
    {
        var project = ConsumerProject.NewConsole("Failing" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant());
        string repository = "diamol-e2e/failing-" + Guid.NewGuid().ToString("N")[..8];
        // The tag exists already, on another image: a failed build must leave it there.
        ProcessRunner.Docker("tag", TestEnvironment.BaseRuntime, repository + ":latest").EnsureSuccess("docker tag");
        string before = ImageInspection.Inspect(repository + ":latest").GetProperty("Id").GetString()!;
        int containersBefore = ImageInspection.Containers();
        AddInstruction(project, "RUN printf '\\033[31mthe reason in red\\033[0m\\n' &amp;&amp; echo about to fail &amp;&amp; exit 3");
        try
        {
            var publish = project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}");

            Assert.AreNotEqual(0, publish.ExitCode, publish.All);
            StringAssert.Contains(publish.Output, "error DIAM3002");
            StringAssert.Contains(publish.Output, "echo about to fail && exit 3");
            // The step's own output, at default verbosity and in the error, without colour escapes.
            StringAssert.Contains(publish.Output, "  | the reason in red");
            StringAssert.Contains(publish.Output, "The step printed (last lines):");
            Assert.IsFalse(publish.Output.Contains('\u001b'), "colour escapes reached the log");
            StringAssert.Contains(publish.Output, "returned a non-zero code: 3");
            Assert.AreEqual(before, ImageInspection.Inspect(repository + ":latest").GetProperty("Id").GetString(), "the tag moved");
            Assert.AreEqual(containersBefore, ImageInspection.Containers(), "the failed step left a container behind");
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }

    [TestMethod]
    public void An_unreachable_engine_fails_quickly_with_what_was_tried()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string socket = "unix:///tmp/diamol-no-engine-" + Guid.NewGuid().ToString("N")[..8] + ".sock";
        var clock = Stopwatch.StartNew();
        var publish = project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"DiamolDockerHost={socket}");
        clock.Stop();

        Assert.AreNotEqual(0, publish.ExitCode, publish.All);
        StringAssert.Contains(publish.Output, "error DIAM3001");
        StringAssert.Contains(publish.Output, socket);
        StringAssert.Contains(publish.Output, "there is no socket at " + socket["unix://".Length..], "the reason in words, not the socket error's");
        Assert.IsFalse(publish.Output.Contains("Cannot assign requested address", StringComparison.Ordinal), publish.Output);
        StringAssert.Contains(publish.Output, "DiamolBuildImage=false");
        Console.WriteLine($"publish against an absent engine ended after {clock.Elapsed.TotalSeconds:0.0} s");
    }

    [TestMethod]
    public void An_unchanged_project_makes_no_build_call()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string repository = "diamol-e2e/skip-" + Guid.NewGuid().ToString("N")[..8];
        string[] properties = [$"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}"];
        try
        {
            project.Publish(properties).EnsureSuccess("first publish");
            string first = ImageInspection.Inspect(repository + ":latest").GetProperty("Id").GetString()!;

            string since = UnixTime(DateTimeOffset.UtcNow);
            var second = project.Publish(properties).EnsureSuccess("second publish");
            string until = UnixTime(DateTimeOffset.UtcNow);

            StringAssert.Contains(second.Output, "up to date, no build needed");
            Assert.AreEqual(first, ImageInspection.Inspect(repository + ":latest").GetProperty("Id").GetString());
            // The engine's own record: a build tags its image and creates step containers; none of that happened.
            var events = ProcessRunner.Docker("events", "--since", since, "--until", until, "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}")
                .EnsureSuccess("docker events").Output;
            Assert.IsFalse(events.Contains("image tag", StringComparison.Ordinal) || events.Contains("container create", StringComparison.Ordinal),
                "the engine built during the second publish:\n" + events);
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }

    // docker events takes fractional seconds, so the window holds the second publish and nothing before it.
    private static string UnixTime(DateTimeOffset time) =>
        (time.ToUnixTimeMilliseconds() / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);


    private static void AddInstruction(ConsumerProject project, string instruction)
    {
        project.AddToProject(
            $"  <ItemGroup>\n    <DiamolInstruction Include=\"step\" Instruction=\"{instruction}\" />\n  </ItemGroup>\n");
    }
}
