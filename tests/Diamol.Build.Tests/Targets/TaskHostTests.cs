using Microsoft.Build.Construction;
using Microsoft.Build.Execution;

namespace Diamol.Build.Tests.Targets;

/// <summary>
/// Where the tasks run: in process on the .NET SDK's MSBuild, in MSBuild's .NET task host on .NET Framework MSBuild 18+
/// (Visual Studio 2026), DIAM0001 on older .NET Framework MSBuild. There is no Visual Studio here: Visual Studio's
/// MSBuild is stood in for by _DiamolHostRuntime and _DiamolHostVersion, the targets' copies of the reserved
/// MSBuildRuntimeType and MSBuildVersion, evaluated by the SDK's own MSBuild.
/// </summary>
[TestClass]
public sealed class TaskHostTests
{
    private static Dictionary<string, string> VisualStudio(string msbuildVersion) => new()
    {
        ["_DiamolHostRuntime"] = "Full",
        ["_DiamolHostVersion"] = msbuildVersion,
    };

    [TestMethod]
    public void The_sdk_msbuild_loads_the_tasks_in_process()
    {
        using var project = new TestProject();
        var evaluated = project.Evaluate();
        Assert.AreEqual("Core", evaluated.GetPropertyValue("_DiamolHostRuntime"));
        Assert.AreEqual("InProcess", evaluated.GetPropertyValue("_DiamolTaskHost"));
    }

    [TestMethod]
    [DataRow("18.0.2", "NET")]
    [DataRow("18.3.3", "NET")]
    [DataRow("19.0.0", "NET")]
    [DataRow("17.14.8", "")]
    [DataRow("17.11.48", "")]
    public void Framework_msbuild_runs_the_tasks_in_the_net_task_host_from_version_18(string msbuildVersion, string expected)
    {
        using var project = new TestProject();
        Assert.AreEqual(expected, project.Evaluate(VisualStudio(msbuildVersion)).GetPropertyValue("_DiamolTaskHost"));
    }

    [TestMethod]
    public void Every_task_is_declared_once_and_asks_for_the_net_runtime_in_the_task_host_only()
    {
        using var project = new TestProject();
        var evaluated = project.Evaluate();
        ProjectRootElement targets = evaluated.Imports.Select(i => i.ImportedProject)
            .Single(p => Path.GetFileName(p.FullPath) == "Diamol.Build.targets");

        string[] ourTasks = typeof(Diamol.Build.MSBuild.DiamolTask).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(Diamol.Build.MSBuild.DiamolTask)) && !t.IsAbstract)
            .Select(t => t.FullName!).Order(StringComparer.Ordinal).ToArray();
        var declared = targets.UsingTasks.GroupBy(u => u.TaskName).ToDictionary(g => g.Key, g => g.ToArray());
        CollectionAssert.AreEqual(ourTasks, declared.Keys.Order(StringComparer.Ordinal).ToArray(), "every task, and only ours");

        foreach (var (name, usingTasks) in declared)
        {
            var usingTask = usingTasks.Single();
            Assert.AreEqual("$(_DiamolTaskRuntime)", usingTask.Runtime, name);
            Assert.AreEqual("", usingTask.Condition, name);
            // No TaskHostFactory: one task host for the build keeps the output-folder lock from task to task.
            Assert.AreEqual("", usingTask.TaskFactory, name);
            Assert.AreEqual("", usingTask.Architecture, name);
            Assert.AreEqual("$(DiamolTasksAssembly)", usingTask.AssemblyFile, name);
        }

        // NET only where the task host runs them: MSBuild 17 does not know the value.
        Assert.AreEqual("", evaluated.GetPropertyValue("_DiamolTaskRuntime"));
        Assert.AreEqual("NET", project.Evaluate(VisualStudio("18.0.2")).GetPropertyValue("_DiamolTaskRuntime"));
        Assert.AreEqual("", project.Evaluate(VisualStudio("17.14.8")).GetPropertyValue("_DiamolTaskRuntime"));
    }

    [TestMethod]
    public void A_publish_through_the_task_host_declarations_writes_the_dockerfile()
    {
        // The SDK's MSBuild (18, .NET) runs a Runtime="NET" task in process: this proves MSBuild takes our task-host
        // declarations and the tasks run through them, though not in a separate task host process as in Visual Studio.
        using var project = new TestProject();
        var properties = new Dictionary<string, string>(VisualStudio("18.0.2"))
        {
            ["DiamolBuildImage"] = "false",
            ["DiamolInspectBaseImage"] = "false",
        };
        Assert.AreEqual("NET", project.Evaluate(properties).GetPropertyValue("_DiamolTaskHost"));
        var (restore, restoreLog) = project.Build(["Restore"], properties);
        Assert.AreEqual(BuildResultCode.Success, restore.OverallResult, restoreLog.Text);

        var (publish, log) = project.Build(["Publish"], properties);

        Assert.AreEqual(BuildResultCode.Success, publish.OverallResult, log.Text);
        Assert.IsTrue(File.Exists(Path.Combine(project.Directory, "bin", "Debug", "net10.0", "container", "Dockerfile")), log.Text);
    }

    [TestMethod]
    [DataRow("17.14.8", "", "", new[] { ".NET Framework MSBuild 17.14.8", "Visual Studio 2026", "dotnet publish" }, DisplayName = "MSBuild 17: no .NET task host")]
    [DataRow("18.0.2", "NETCoreSdkVersion", "9.0.300", new[] { "the .NET SDK 9.0.300", ".NET 10 SDK" }, DisplayName = "the task host with an SDK older than 10")]
    [DataRow("18.0.2", "DOTNET_HOST_PATH", "", new[] { "DOTNET_HOST_PATH", "dotnet executable" }, DisplayName = "the task host without DOTNET_HOST_PATH")]
    public void Framework_msbuild_that_cannot_run_the_tasks_stops_with_DIAM0001(string msbuildVersion, string property, string value, string[] saying)
    {
        using var project = new TestProject();
        var properties = VisualStudio(msbuildVersion);
        if (property.Length > 0) properties[property] = value;
        var (result, log) = project.Build(["_DiamolCheckHost"], properties);

        Assert.AreEqual(BuildResultCode.Failure, result.OverallResult);
        string error = log.Errors.Single();
        StringAssert.Contains(error, "error DIAM0001:");
        foreach (string words in saying) StringAssert.Contains(error, words);
    }

    [TestMethod]
    public void Framework_msbuild_that_cannot_run_the_tasks_still_cleans_and_leaves_our_folder_as_it_is()
    {
        // Visual Studio 2022's Clean and Rebuild must not fail on a task it cannot load.
        using var project = new TestProject();
        var properties = VisualStudio("17.14.8");
        var (restore, restoreLog) = project.Build(["Restore"], properties);
        Assert.AreEqual(BuildResultCode.Success, restore.OverallResult, restoreLog.Text);
        string folder = Path.Combine(project.Directory, "bin", "Debug", "net10.0", "container");
        Directory.CreateDirectory(Path.Combine(folder, ".diamol"));
        File.WriteAllText(Path.Combine(folder, "Dockerfile"), Diamol.Build.Context.ContextStager.GeneratedHeader + "\nFROM x\n");

        var (clean, log) = project.Build(["Clean"], properties);

        Assert.AreEqual(BuildResultCode.Success, clean.OverallResult, log.Text);
        Assert.IsTrue(File.Exists(Path.Combine(folder, "Dockerfile")));
        StringAssert.Contains(log.Text, "Left the image build folder");
    }

    [TestMethod]
    public void Visual_studio_2026_with_the_net_10_sdk_passes_the_check()
    {
        using var project = new TestProject();
        var (result, log) = project.Build(["_DiamolCheckHost"], VisualStudio("18.0.2"));
        Assert.AreEqual(BuildResultCode.Success, result.OverallResult, log.Text);
    }
}
