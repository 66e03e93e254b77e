using Microsoft.Build.Execution;

namespace Diamol.Build.Tests.Targets;

/// <summary>The props and targets, evaluated and run in process by the SDK's own MSBuild.</summary>
[TestClass]
public sealed class TargetsTests
{
    [TestMethod]
    public void Defaults_are_set_and_can_be_overridden()
    {
        using var project = new TestProject();
        var evaluated = project.Evaluate();
        Assert.AreEqual("true", evaluated.GetPropertyValue("DiamolEnabled"));
        Assert.AreEqual("true", evaluated.GetPropertyValue("DiamolBuildImage"));
        Assert.AreEqual(Path.Combine(project.Directory, "bin", "Debug", "net10.0", "container") + "/", evaluated.GetPropertyValue("_DiamolOutputDirectory"));

        var overridden = project.Evaluate(new Dictionary<string, string> { ["DiamolOutputPath"] = "out/img", ["DiamolBuildImage"] = "false" });
        Assert.AreEqual(Path.Combine(project.Directory, "out", "img") + "/", overridden.GetPropertyValue("_DiamolOutputDirectory"));
        Assert.AreEqual("false", overridden.GetPropertyValue("DiamolBuildImage"));
    }

    [TestMethod]
    [DataRow("CI", "true")]
    [DataRow("CI", "1")]
    [DataRow("TF_BUILD", "True")]
    [DataRow("GITHUB_ACTIONS", "true")]
    [DataRow("GITLAB_CI", "true")]
    [DataRow("TEAMCITY_VERSION", "2025.1")]
    public void A_CI_system_makes_the_build_continuous_integration_unless_the_project_says_otherwise(string variable, string value)
    {
        // Environment variables and global properties are read alike; CI itself is cleared so the test means the same in CI.
        var ci = new Dictionary<string, string> { ["CI"] = "", [variable] = value };
        using var project = new TestProject();
        Assert.AreEqual("true", project.Evaluate(ci).GetPropertyValue("ContinuousIntegrationBuild"), variable);
        Assert.AreEqual("", project.Evaluate(new Dictionary<string, string> { ["CI"] = "" }).GetPropertyValue("ContinuousIntegrationBuild"), "no CI system, no change");
        Assert.AreEqual("", project.Evaluate(new Dictionary<string, string>(ci) { ["DiamolDetectContinuousIntegration"] = "false" }).GetPropertyValue("ContinuousIntegrationBuild"));

        using var own = new TestProject(body: "<PropertyGroup><ContinuousIntegrationBuild>false</ContinuousIntegrationBuild></PropertyGroup>");
        Assert.AreEqual("false", own.Evaluate(ci).GetPropertyValue("ContinuousIntegrationBuild"), "the project's own value wins");
    }

    [TestMethod]
    public void An_output_folder_in_the_project_folder_is_kept_out_of_the_projects_items()
    {
        // A web project's *.json are Content: staged copies under deploy/layers/ would be published by the next publish.
        using var project = new TestProject(sdk: "Microsoft.NET.Sdk.Web");
        string staged = Path.Combine(project.Directory, "deploy", "layers", "static", "appsettings.json");
        Directory.CreateDirectory(Path.GetDirectoryName(staged)!);
        File.WriteAllText(staged, "{}");
        File.WriteAllText(Path.Combine(project.Directory, "deploy", "docker-compose.yml"), "services: {}\n");
        File.WriteAllText(Path.Combine(project.Directory, "appsettings.json"), "{}");

        var evaluated = project.Evaluate(new Dictionary<string, string> { ["DiamolOutputPath"] = "deploy/" });
        var items = evaluated.Items.Where(i => i.ItemType is "Content" or "None" or "Compile" or "EmbeddedResource")
            .Select(i => i.EvaluatedInclude.Replace('\\', '/')).ToArray();
        Assert.IsFalse(items.Any(i => i.StartsWith("deploy/", StringComparison.Ordinal)), "items from the output folder: " + string.Join(", ", items));
        Assert.IsTrue(evaluated.Items.Any(i => i.ItemType == "Content" && i.EvaluatedInclude == "appsettings.json"), "the project's own content is still content");

        // The project's folder as the output folder (refused at publish) must not take the sources out of the build.
        var itself = project.Evaluate(new Dictionary<string, string> { ["DiamolOutputPath"] = project.Directory + "/" });
        Assert.IsTrue(itself.Items.Any(i => i.ItemType == "Compile" && i.EvaluatedInclude == "Program.cs"), "Program.cs left the build");
    }

    [TestMethod]
    public void The_hook_follows_publish()
    {
        using var project = new TestProject();
        var evaluated = project.Evaluate();
        Assert.AreEqual("Publish", evaluated.Targets["_DiamolAfterPublishTarget"].AfterTargets);
        Assert.AreEqual("DiamolPublishImage", evaluated.Targets["_DiamolAfterPublishTarget"].DependsOnTargets);
        Assert.IsFalse(evaluated.Targets.Values.Any(t => t.Tasks.Any(task => task.Name == "CallTarget") && t.FullPath.EndsWith("Diamol.Build.targets", StringComparison.Ordinal)),
            "no call into another package's private targets");
    }

    [TestMethod]
    public void On_the_web_sdk_the_image_holds_what_its_post_publish_step_writes()
    {
        // The Publish SDK's post-publish step runs after Publish, writes web.config and ends in the public AfterPublish:
        // an image made right after Publish would miss the file.
        using var project = new TestProject(sdk: "Microsoft.NET.Sdk.Web");
        var evaluated = project.Evaluate();
        StringAssert.Contains(evaluated.Targets["_DotNetCLIPostPublish"].AfterTargets, "Publish");
        Assert.AreEqual("AfterPublish", evaluated.GetPropertyValue("_DotNetCLIPostPublishDependsOn").Split(';', StringSplitOptions.TrimEntries).Last(s => s.Length > 0));

        string context = PublishWithoutEngine(project, ["Publish"]);

        Assert.IsTrue(File.Exists(Path.Combine(context, "layers", "host", "web.config")), "the image was made before the post-publish step wrote web.config");
    }

    [TestMethod]
    [DataRow("the command line")]
    [DataRow("a publish profile")]
    [DataRow("a file read after the package's targets")]
    public void A_deploy_on_build_publish_makes_the_image_of_its_finished_folder(string whereSet)
    {
        // `dotnet build` with DeployOnBuild runs BeforePublish, Publish and web.config's transform inside the build,
        // then AfterPublish. Set after our targets are read (Directory.Build.targets), only run-time conditions see it.
        using var project = new TestProject(sdk: "Microsoft.NET.Sdk.Web",
            after: whereSet == "a file read after the package's targets" ? "<PropertyGroup><DeployOnBuild>true</DeployOnBuild></PropertyGroup>" : "");
        var properties = new Dictionary<string, string>();
        if (whereSet == "the command line") properties["DeployOnBuild"] = "true";
        if (whereSet == "a publish profile")
        {
            Directory.CreateDirectory(Path.Combine(project.Directory, "Properties", "PublishProfiles"));
            File.WriteAllText(Path.Combine(project.Directory, "Properties", "PublishProfiles", "Folder.pubxml"),
                "<Project><PropertyGroup><DeployOnBuild>true</DeployOnBuild><WebPublishMethod>FileSystem</WebPublishMethod><PublishUrl>deployed/</PublishUrl></PropertyGroup></Project>");
            properties["PublishProfile"] = "Folder";
        }

        string context = PublishWithoutEngine(project, ["Build"], properties);

        Assert.IsTrue(File.Exists(Path.Combine(context, "layers", "app", "Sample.dll")), "no image context after a deploy-on-build publish");
        Assert.IsTrue(File.Exists(Path.Combine(context, "layers", "host", "web.config")), "the image was made before the publish folder was finished");
    }

    [TestMethod]
    public void A_no_build_publish_with_DeployOnBuild_runs_no_AfterPublish_and_still_makes_the_image()
    {
        using var project = new TestProject(sdk: "Microsoft.NET.Sdk.Web");
        var properties = new Dictionary<string, string> { ["Configuration"] = "Release", ["DiamolEnabled"] = "false" };
        Assert.AreEqual(BuildResultCode.Success, project.Build(["Restore"], properties).Result.OverallResult);
        var (build, buildLog) = project.Build(["Build"], properties);
        Assert.AreEqual(BuildResultCode.Success, build.OverallResult, buildLog.Text);

        string context = PublishWithoutEngine(project, ["Publish"], new Dictionary<string, string> { ["NoBuild"] = "true", ["DeployOnBuild"] = "true" });

        Assert.IsTrue(File.Exists(Path.Combine(context, "layers", "app", "Sample.dll")));
    }

    /// <summary>Restores, then runs <paramref name="targets"/> with a Dockerfile-only publish; returns the context folder.</summary>
    private static string PublishWithoutEngine(TestProject project, string[] targets, IDictionary<string, string>? extra = null)
    {
        var properties = new Dictionary<string, string> { ["Configuration"] = "Release", ["DiamolBuildImage"] = "false", ["DiamolInspectBaseImage"] = "false" };
        foreach (var (name, value) in extra ?? new Dictionary<string, string>()) properties[name] = value;
        var (restore, restoreLog) = project.Build(["Restore"], properties);
        Assert.AreEqual(BuildResultCode.Success, restore.OverallResult, restoreLog.Text);
        var (result, log) = project.Build(targets, properties);
        Assert.AreEqual(BuildResultCode.Success, result.OverallResult, log.Text);
        string context = Path.Combine(project.Directory, "bin", "Release", "net10.0", "container");
        Assert.IsTrue(File.Exists(Path.Combine(context, "Dockerfile")), "no Dockerfile: " + log.Text);
        return context;
    }

    [TestMethod]
    public void Publish_without_an_engine_writes_the_dockerfile_and_context_from_the_sdk_settings()
    {
        using var project = new TestProject("""
            <ItemGroup>
              <ContainerEnvironmentVariable Include="TARGET" Value="blog.sixeyed.com" />
              <ContainerPort Include="8080" Type="tcp" />
            </ItemGroup>
            """);
        // No engine asked at all: a Dockerfile-only publish otherwise reads the base image when an engine answers.
        var properties = new Dictionary<string, string> { ["Configuration"] = "Release", ["DiamolBuildImage"] = "false", ["DiamolInspectBaseImage"] = "false" };
        var (restore, restoreLog) = project.Build(["Restore"], properties);
        Assert.AreEqual(BuildResultCode.Success, restore.OverallResult, restoreLog.Text);

        var (publish, log) = project.Build(["Publish"], properties);

        Assert.AreEqual(BuildResultCode.Success, publish.OverallResult, log.Text);
        string context = Path.Combine(project.Directory, "bin", "Release", "net10.0", "container");
        string dockerfile = File.ReadAllText(Path.Combine(context, "Dockerfile"));
        StringAssert.Contains(dockerfile, "FROM localhost:5000/dotnet/runtime:10.0\n");
        StringAssert.Contains(dockerfile, "ENV \"TARGET\"=\"blog.sixeyed.com\"");
        StringAssert.Contains(dockerfile, "EXPOSE 8080/tcp");
        StringAssert.Contains(dockerfile, "ENTRYPOINT [\"dotnet\", \"/app/Sample.dll\"]");
        Assert.IsTrue(File.Exists(Path.Combine(context, "layers", "app", "Sample.dll")));
        Assert.IsFalse(File.Exists(Path.Combine(context, "image-history.json")), "no image, so no history");
    }

    [TestMethod]
    public void DiamolEnabled_false_turns_the_hook_off()
    {
        using var project = new TestProject();
        var properties = new Dictionary<string, string> { ["DiamolEnabled"] = "false" };
        Assert.AreEqual(BuildResultCode.Success, project.Build(["Restore"], properties).Result.OverallResult);
        var (publish, log) = project.Build(["Publish"], properties);
        Assert.AreEqual(BuildResultCode.Success, publish.OverallResult, log.Text);
        Assert.IsFalse(Directory.Exists(Path.Combine(project.Directory, "bin", "Debug", "net10.0", "container")));
    }

    [TestMethod]
    public void A_bad_setting_stops_the_publish_with_a_coded_error_and_writes_nothing()
    {
        using var project = new TestProject("""
            <ItemGroup>
              <ContainerLabel Include="bad key" Value="x" />
            </ItemGroup>
            """);
        var properties = new Dictionary<string, string> { ["DiamolBuildImage"] = "false" };
        Assert.AreEqual(BuildResultCode.Success, project.Build(["Restore"], properties).Result.OverallResult);
        var (publish, log) = project.Build(["Publish"], properties);

        Assert.AreEqual(BuildResultCode.Failure, publish.OverallResult);
        string error = log.Errors.Single();
        StringAssert.Contains(error, "error DIAM1004:", log.Text);
        StringAssert.Contains(error, "ContainerLabel");
        StringAssert.Contains(error, "'bad key'");
        Assert.IsFalse(File.Exists(Path.Combine(project.Directory, "bin", "Debug", "net10.0", "container", "Dockerfile")));
    }

    /// <summary>
    /// Native AOT copies its executable and its .dbg into the publish folder in targets that run AfterTargets="Publish",
    /// declared by the ILCompiler package's targets, which the SDK imports after NuGet's (ours): left to MSBuild's order
    /// our hook would run first and the image would hold the last publish's .dbg. A stand-in for those targets, declared
    /// after ours as the real ones are, writes a .dbg naming this publish; the image's context must hold that one.
    /// </summary>
    [TestMethod]
    public void A_native_aot_publish_makes_the_image_after_its_symbols_are_copied()
    {
        using var project = new TestProject(after: """
            <PropertyGroup>
              <PublishAot>true</PublishAot>
              <ILCompilerTargetsPath>$(MSBuildProjectDirectory)/ilcompiler.targets</ILCompilerTargetsPath>
            </PropertyGroup>
            <Target Name="CopyNativeBinary" AfterTargets="Publish" />
            <Target Name="_CopyAotSymbols" AfterTargets="Publish">
              <WriteLinesToFile File="$(PublishDir)Sample.dbg" Lines="symbols of $(_DiamolTestRun)" Overwrite="true" />
            </Target>
            """);
        var properties = new Dictionary<string, string> { ["Configuration"] = "Release", ["DiamolBuildImage"] = "false", ["DiamolInspectBaseImage"] = "false" };
        Assert.AreEqual(BuildResultCode.Success, project.Build(["Restore"], properties).Result.OverallResult);
        for (int publish = 0; publish < 2; publish++)
        {
            var (result, log) = project.Build(["Publish"], properties);
            Assert.AreEqual(BuildResultCode.Success, result.OverallResult, log.Text);
            string published = File.ReadAllText(Path.Combine(project.Directory, "bin", "Release", "net10.0", "publish", "Sample.dbg"));
            string staged = Path.Combine(project.Directory, "bin", "Release", "net10.0", "container", "layers", "app", "Sample.dbg");
            Assert.IsTrue(File.Exists(staged), "the image lacks the .dbg of its publish: " + log.Text);
            Assert.AreEqual(published, File.ReadAllText(staged), "the image holds another publish's .dbg");
        }
    }

    /// <summary>DIAM1016 for a multi-platform image with nowhere to go is raised by the targets alone, before any platform is published.</summary>
    [TestMethod]
    public void A_multi_platform_image_without_a_registry_or_an_archive_stops_with_DIAM1016_before_any_platform_is_published()
    {
        using var project = new TestProject();
        var properties = new Dictionary<string, string>
        {
            ["ContainerRuntimeIdentifiers"] = "linux-x64;linux-arm64",
            ["_DiamolMultiPlatform"] = "true",
        };

        var (result, log) = project.Build(["_DiamolPublishIndex"], properties);

        Assert.AreEqual(BuildResultCode.Failure, result.OverallResult, log.Text);
        string error = log.Errors.Single();
        StringAssert.Contains(error, "error DIAM1016:");
        StringAssert.Contains(error, "'linux-x64;linux-arm64'");
        StringAssert.Contains(error, "ContainerRegistry");
        StringAssert.Contains(error, "ContainerArchiveOutputPath");
        Assert.IsFalse(Directory.Exists(Path.Combine(project.Directory, "bin")), "nothing was published: " + log.Text);
    }
}
