using System.Diagnostics;

namespace Diamol.Build.EndToEndTests;

/// <summary>Ctrl+C during the image build stops the engine's build, leaves no container and moves no tag.</summary>
[TestClass]
public sealed class CancellationTests
{
    [TestMethod]
    public void Interrupting_the_publish_mid_build_stops_the_engine_and_the_next_publish_works()
    {
        var project = ConsumerProject.NewConsole("Slow" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant());
        string repository = "diamol-e2e/slow-" + Guid.NewGuid().ToString("N")[..8];
        string csproj = Path.Combine(project.Directory, project.Name + ".csproj");
        string original = File.ReadAllText(csproj);
        File.WriteAllText(csproj, original.Replace("</Project>",
            "  <ItemGroup>\n    <DiamolInstruction Include=\"slow\" Instruction=\"RUN sleep 300\" Placement=\"AfterFiles\" />\n  </ItemGroup>\n</Project>"));
        ProcessRunner.Docker("tag", TestEnvironment.BaseRuntime, repository + ":latest").EnsureSuccess("docker tag");
        string before = ImageInspection.Inspect(repository + ":latest").GetProperty("Id").GetString()!;
        int containersBefore = RunningSleeps();
        try
        {
            using (var publish = project.StartPublish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}"))
            {
                // Wait until the engine runs the RUN step's container.
                var wait = Stopwatch.StartNew();
                while (RunningSleeps() == containersBefore)
                {
                    Assert.IsTrue(wait.Elapsed < TimeSpan.FromMinutes(3), "the RUN step never started:\n" + publish.Output);
                    Thread.Sleep(200);
                }

                var clock = Stopwatch.StartNew();
                publish.Interrupt();
                Assert.IsTrue(publish.WaitForExit(TimeSpan.FromMinutes(1)), "publish did not stop after Ctrl+C:\n" + publish.Output);
                Console.WriteLine($"publish stopped {clock.Elapsed.TotalSeconds:0.0} s after Ctrl+C");
                Assert.AreNotEqual(0, publish.ExitCode, publish.Output);
            }

            // The engine removes the step's container when the build is cancelled; give it a moment.
            var settle = Stopwatch.StartNew();
            while (RunningSleeps() != containersBefore && settle.Elapsed < TimeSpan.FromSeconds(20)) Thread.Sleep(200);
            Assert.AreEqual(containersBefore, RunningSleeps(), "the RUN step's container was left behind");
            Assert.AreEqual(0, LeftoverContainers(), "a build container was left behind");
            Assert.AreEqual(before, ImageInspection.Inspect(repository + ":latest").GetProperty("Id").GetString(), "the tag moved");

            File.WriteAllText(csproj, original);
            project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}").EnsureSuccess("the next publish");
            Assert.AreNotEqual(before, ImageInspection.Inspect(repository + ":latest").GetProperty("Id").GetString());
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }

    private static int RunningSleeps() =>
        ProcessRunner.Docker("ps", "--no-trunc", "--format", "{{.Command}}").EnsureSuccess("docker ps").Output
            .Split('\n').Count(c => c.Contains("sleep 300", StringComparison.Ordinal));

    private static int LeftoverContainers() =>
        ProcessRunner.Docker("ps", "-a", "--no-trunc", "--format", "{{.Command}}").EnsureSuccess("docker ps -a").Output
            .Split('\n').Count(c => c.Contains("sleep 300", StringComparison.Ordinal));
}
