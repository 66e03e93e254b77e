using System.Text.RegularExpressions;

namespace Diamol.Build.EndToEndTests;

/// <summary>
/// Each sample's generated Dockerfile and context, published without an engine: pinned by golden files
/// (Golden/*.Dockerfile and *.context; DIAMOL_UPDATE_GOLDEN=1 rewrites them), clean under both linters.
/// </summary>
[TestClass]
public sealed partial class SampleDockerfileTests
{
    [GeneratedRegex(@"Diamol\.Build \S+ from")]
    private static partial Regex ToolVersion();

    [GeneratedRegex("\"net\\.dot\\.sdk\\.version\"=\"[^\"]*\"")]
    private static partial Regex SdkVersion();

    [TestMethod]
    [DataRow("WebPing", "runtime", new string[0])]
    [DataRow("WebApi", "aspnet", new[] { "Greetings" })]
    [DataRow("Ch03Lab", "runtime", new string[0])]
    public void Sample_dockerfile_matches_its_golden_file_and_is_lint_clean(string sample, string flavour, string[] siblings)
    {
        var project = ConsumerProject.FromSample(sample, siblings);
        // The golden files hold what the project alone decides: the base image's facts (its digest differs from
        // machine to machine) are left out on purpose.
        project.Publish("DiamolBuildImage=false", "DiamolInspectBaseImage=false", $"ContainerBaseImage=localhost:5000/dotnet/{flavour}:10.0").EnsureSuccess("publish " + sample);

        string dockerfile = Path.Combine(project.ContainerFolder, "Dockerfile");
        CollectionAssert.AreEqual(Array.Empty<string>(), DockerfileLinters.Lint(dockerfile), "linter findings");

        string layers = Path.Combine(project.ContainerFolder, "layers");
        string context = string.Join("\n", Directory.EnumerateFiles(layers, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(project.ContainerFolder, f).Replace('\\', '/'))
            .Order(StringComparer.Ordinal)) + "\n";
        AssertGolden(sample + ".Dockerfile", Normalize(File.ReadAllText(dockerfile)));
        AssertGolden(sample + ".context", context);
    }

    // What legitimately differs between machines: our version (unique per test run) and the SDK's.
    private static string Normalize(string dockerfile) =>
        SdkVersion().Replace(ToolVersion().Replace(dockerfile, "Diamol.Build <version> from"), "\"net.dot.sdk.version\"=\"<sdk>\"");

    private static void AssertGolden(string name, string actual)
    {
        string path = Path.Combine(TestEnvironment.RepositoryRoot, "tests", "Diamol.Build.EndToEndTests", "Golden", name);
        if (Environment.GetEnvironmentVariable("DIAMOL_UPDATE_GOLDEN") == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }

        Assert.IsTrue(File.Exists(path), $"{path} is missing; run the tests once with DIAMOL_UPDATE_GOLDEN=1 and review it");
        Assert.AreEqual(File.ReadAllText(path), actual, $"{name} differs from its golden file");
    }
}
