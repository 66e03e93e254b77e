using System.Text.Json;

namespace Diamol.Build.EndToEndTests;

/// <summary>
/// Publishes that run at the same time: two of one project (two terminals, an IDE and a CLI) take turns on its output
/// folder and leave records that describe the image its tag points to; three image projects of a solution published
/// with -m each get their image.
/// </summary>
[TestClass]
public sealed class ConcurrencyTests
{
    [TestMethod]
    public void Two_publishes_of_one_project_at_once_take_turns_and_leave_true_records()
    {
        var project = ConsumerProject.FromSample("WebPing");
        string repository = "diamol-concurrent/" + Guid.NewGuid().ToString("N")[..8];
        string[] properties = [$"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}"];
        try
        {
            // Restored and compiled once, so both publishes reach the image steps at about the same time.
            project.Publish([.. properties, "DiamolBuildImage=false"]).EnsureSuccess("warming up");
            File.AppendAllText(Path.Combine(project.Directory, "Program.cs"), "\n// an edit, so both publishes build\n");
            using var first = project.StartPublish(properties);
            var second = project.Publish(properties);
            Assert.IsTrue(first.WaitForExit(TimeSpan.FromMinutes(8)), "the first publish did not finish");
            Assert.AreEqual(0, first.ExitCode, "first publish: " + first.Output);
            Assert.AreEqual(0, second.ExitCode, "second publish: " + second.All);

            // Whether they overlapped depends on timing; when they did, one says it waited.
            Console.WriteLine((first.Output + second.Output).Contains("Another publish is using", StringComparison.Ordinal)
                ? "the publishes overlapped: one waited for the other" : "the publishes did not overlap");

            string tagged = ImageInspection.Inspect(repository + ":latest").GetProperty("Id").GetString()!;
            using var image = JsonDocument.Parse(File.ReadAllText(Path.Combine(project.ContainerFolder, "image.json")));
            Assert.AreEqual(tagged, image.RootElement.GetProperty("id").GetString(), "image.json names another image than the tag's");
            StringAssert.Contains(File.ReadAllText(Path.Combine(project.ContainerFolder, ".diamol", "build.json")), tagged, "the build record names another image");
            Assert.AreEqual(0, Directory.EnumerateFiles(project.ContainerFolder, "*.tmp", SearchOption.AllDirectories).Count(), "temporary files were left");
            var run = ProcessRunner.Run("docker", ["run", "--rm", "--network", "none", "--entrypoint", "ls", repository + ":latest", "/app/WebPing.dll"]);
            Assert.AreEqual(0, run.ExitCode, run.All);
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }

    [TestMethod]
    public void Three_image_projects_published_with_m_each_get_their_image()
    {
        string id = Guid.NewGuid().ToString("N")[..6];
        string[] names = [$"Alpha{id}", $"Beta{id}", $"Gamma{id}"];
        var solution = ConsumerProject.FromTemplates("Trio" + id, names[0], folder =>
        {
            foreach (string name in names)
            {
                folder.New("console", name, []);
                folder.Write(Path.Combine(name, "Program.cs"), $"System.Console.WriteLine(\"{name} says hello\");\n");
            }
        });
        var folder = solution.Templates!;
        foreach (string name in names.Skip(1))
        {
            folder.Edit(Path.Combine(name, name + ".csproj"), text => text.Replace("</Project>",
                $"  <ItemGroup>\n    <PackageReference Include=\"Diamol.Build\" Version=\"{TestEnvironment.PackageVersion}\" />\n  </ItemGroup>\n</Project>"));
        }

        ProcessRunner.Run("dotnet", ["new", "sln", "-n", "Trio"], folder.Root, TestEnvironment.DotnetEnvironment).EnsureSuccess("dotnet new sln");
        string sln = Directory.EnumerateFiles(folder.Root, "Trio.sln*").Single();
        ProcessRunner.Run("dotnet", ["sln", sln, "add", .. names.Select(n => Path.Combine(n, n + ".csproj"))], folder.Root, TestEnvironment.DotnetEnvironment)
            .EnsureSuccess("dotnet sln add");
        try
        {
            var publish = ProcessRunner.Run("dotnet",
                ["publish", sln, "-c", "Release", "-m", "-nodeReuse:false", $"-p:DiamolBuildVersion={TestEnvironment.PackageVersion}",
                 $"-p:ContainerBaseImage={TestEnvironment.BaseRuntime}"],
                folder.Root, TestEnvironment.DotnetEnvironment, TimeSpan.FromMinutes(10));
            Assert.AreEqual(0, publish.ExitCode, publish.All);
            foreach (string name in names)
            {
                var run = ProcessRunner.Run("docker", ["run", "--rm", "--network", "none", name.ToLowerInvariant() + ":latest"]);
                Assert.AreEqual($"{name} says hello", run.Output.TrimEnd('\n'), run.All);
            }
        }
        finally
        {
            ImageInspection.RemoveImages(names.Select(n => n.ToLowerInvariant() + ":latest").ToArray());
        }
    }

    [TestMethod]
    public void A_second_project_of_one_workspace_publishing_the_same_tag_warns_and_edits_nothing_of_the_first()
    {
        string repository = "diamol-shared/" + Guid.NewGuid().ToString("N")[..8];
        string[] properties = [$"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}"];
        string workspace = ConsumerProject.NewWorkspace("shared-tag");
        var first = ConsumerProject.FromSampleIn(workspace, "WebPing", "first");
        var second = ConsumerProject.FromSampleIn(workspace, "WebPing", "second");
        try
        {
            first.Publish(properties).EnsureSuccess("the first project");
            string firstRecord = File.ReadAllText(Path.Combine(first.ContainerFolder, "image.json"));
            var publish = second.Publish(properties).EnsureSuccess("the second project, same tag");
            StringAssert.Contains(publish.Output, "warning DIAM2010");
            StringAssert.Contains(publish.Output, first.ContainerFolder.TrimEnd('/'));
            Assert.AreEqual(firstRecord, File.ReadAllText(Path.Combine(first.ContainerFolder, "image.json")), "the other project's image.json was edited");
            using var current = JsonDocument.Parse(File.ReadAllText(Path.Combine(second.ContainerFolder, "image.json")));
            Assert.AreEqual(ImageInspection.Inspect(repository + ":latest").GetProperty("Id").GetString(), current.RootElement.GetProperty("id").GetString());

            // The first project's next publish reads the claim: it is told the second one had the tag.
            var again = first.Publish(properties).EnsureSuccess("the first project again");
            StringAssert.Contains(again.Output, "warning DIAM2010");
            StringAssert.Contains(again.Output, second.ContainerFolder.TrimEnd('/'));
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }

    [TestMethod]
    public void Two_clones_on_one_agent_publishing_the_same_tag_neither_warn_nor_touch_each_other()
    {
        string repository = "diamol-clones/" + Guid.NewGuid().ToString("N")[..8];
        string[] properties = [$"ContainerBaseImage={TestEnvironment.BaseRuntime}", $"ContainerRepository={repository}"];
        var first = ConsumerProject.FromSampleIn(ConsumerProject.NewWorkspace("clone"), "WebPing", "WebPing");
        var second = ConsumerProject.FromSampleIn(ConsumerProject.NewWorkspace("clone"), "WebPing", "WebPing");
        try
        {
            first.Publish(properties).EnsureSuccess("the first clone");
            string firstRecord = File.ReadAllText(Path.Combine(first.ContainerFolder, "image.json"));
            var publish = second.Publish(properties).EnsureSuccess("the second clone, same tag");
            Assert.IsFalse(publish.Output.Contains("DIAM2010", StringComparison.Ordinal), publish.Output);
            Assert.AreEqual(firstRecord, File.ReadAllText(Path.Combine(first.ContainerFolder, "image.json")), "another workspace's image.json was edited");
        }
        finally
        {
            ImageInspection.RemoveImages(repository + ":latest");
        }
    }
}
