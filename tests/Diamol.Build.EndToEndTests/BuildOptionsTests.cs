using System.Text.RegularExpressions;

namespace Diamol.Build.EndToEndTests;

/// <summary>Build arguments, cache-from images and the pull policy, against the real engine and registry.</summary>
[TestClass]
public sealed partial class BuildOptionsTests
{
    [GeneratedRegex(@"(\d+) of (\d+) steps rebuilt")]
    private static partial Regex CacheLine();

    [TestMethod]
    public void A_build_argument_reaches_a_RUN_step_exactly()
    {
        var project = ConsumerProject.NewConsole("Args" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant());
        string repository = "diamol-e2e/args-" + Guid.NewGuid().ToString("N")[..8];
        AddToProject(project, """
            <DiamolBuildArg Include="GREETING" Value="hello, 'build' &quot;arg&quot; %24HOME" />
            <DiamolInstruction Include="declare" Instruction="ARG GREETING" />
            <DiamolInstruction Include="use" Instruction="RUN printf '%25s' &quot;%24GREETING&quot; &gt; /greeting.txt" />
            """);
        try
        {
            project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}").EnsureSuccess("publish with a build argument");
            var run = ProcessRunner.Run("docker", ["run", "--rm", "--network", "none", "--entrypoint", "cat", repository + ":latest", "/greeting.txt"]);
            Assert.AreEqual("hello, 'build' \"arg\" $HOME", run.Output.TrimEnd('\n'), run.All);

            // The engine's own history keeps the value ("|1 GREETING=..."); nothing we write does.
            StringAssert.Contains(ProcessRunner.Docker("history", "--no-trunc", repository + ":latest").Output, "GREETING=hello, 'build'");
            foreach (string file in Directory.EnumerateFiles(project.ContainerFolder, "*", SearchOption.AllDirectories).Where(f => !f.Contains("/layers/", StringComparison.Ordinal)))
            {
                Assert.IsFalse(File.ReadAllText(file).Contains("hello, 'build'", StringComparison.Ordinal), $"{file} keeps the build argument's value");
            }
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }

    [TestMethod]
    public void A_fresh_engine_reuses_layers_of_a_pushed_image_named_in_DiamolCacheFrom()
    {
        string repository = "e2e/cache-" + Guid.NewGuid().ToString("N")[..8];
        string pushed = $"localhost:5000/{repository}:latest";
        // The classic builder's cache works with images the engine built (their parent chain), so the engine pushes it.
        string[] common = [$"ContainerBaseImage={TestEnvironment.BaseRuntime}", "ContainerRegistry=localhost:5000", $"ContainerRepository={repository}", "DiamolBuilder=docker"];
        try
        {
            // CI run 1 builds and pushes. A project of its own, so no other test's build cache on this engine can
            // stand in for the cache-from image (a fresh agent has none).
            var project = ConsumerProject.NewConsole("Cached" + Guid.NewGuid().ToString("N")[..6].ToUpperInvariant());
            project.Publish(common).EnsureSuccess("first publish with push");
            var first = ImageInspection.Strings(ImageInspection.Inspect(pushed).GetProperty("RootFS").GetProperty("Layers"));
            // A fresh agent: a clean checkout at the same path (so the compiler's output is the same), and an
            // engine without the image or its build cache.
            ImageInspection.RemoveImages(pushed);
            Directory.Delete(Path.Combine(project.Directory, "bin"), recursive: true);
            Directory.Delete(Path.Combine(project.Directory, "obj"), recursive: true);

            // CI run 2 names the pushed image as its cache.
            var second = project.Publish([.. common, $"DiamolCacheFrom={pushed}"]).EnsureSuccess("second publish with cache-from");
            var match = CacheLine().Match(second.Output);
            Assert.IsTrue(match.Success, second.Output);
            Console.WriteLine(match.Value);
            var layers = ImageInspection.Strings(ImageInspection.Inspect(pushed).GetProperty("RootFS").GetProperty("Layers"));
            CollectionAssert.AreEqual(first, layers, $"the layers were rebuilt rather than reused ({match.Value})");
        }
        finally
        {
            ImageInspection.RemoveImages(pushed);
        }
    }

    [TestMethod]
    public void A_mistyped_cache_from_image_is_a_warning_at_default_verbosity_and_the_build_goes_on()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string repository = "diamol-e2e/cachefrom-typo-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            var publish = project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}",
                "DiamolCacheFrom=localhost:5000/e2e/no-such-imgae:latest").EnsureSuccess("publish with a mistyped cache source");
            StringAssert.Contains(publish.Output, "warning DIAM3016", publish.Output);
            StringAssert.Contains(publish.Output, "localhost:5000/e2e/no-such-imgae:latest");
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }

    [TestMethod]
    public void PullPolicy_Never_refuses_a_missing_base_image_and_bad_values_are_named()
    {
        var project = ConsumerProject.FromSample("WebPing");
        var never = project.Publish("ContainerBaseImage=localhost:5000/dotnet/not-there:10.0", "DiamolPullPolicy=Never");
        Assert.AreNotEqual(0, never.ExitCode, never.All);
        StringAssert.Contains(never.Output, "error DIAM3018");
        StringAssert.Contains(never.Output, "DiamolPullPolicy is Never");

        var bad = project.Publish($"ContainerBaseImage={TestEnvironment.BaseRuntime}", "DiamolPullPolicy=Sometimes");
        Assert.AreNotEqual(0, bad.ExitCode, bad.All);
        StringAssert.Contains(bad.Output, "error DIAM1013");
        // CI annotations land on the user's project, not on our targets file in the NuGet cache.
        StringAssert.Contains(bad.Output, Path.Combine(project.Directory, project.Name + ".csproj") + " : error DIAM1013", bad.Output);
        StringAssert.Contains(bad.Output, "'Sometimes'");
    }

    private static void AddToProject(ConsumerProject project, string items)
    {
        project.AddToProject($"  <ItemGroup>\n{items}  </ItemGroup>\n");
    }
}
