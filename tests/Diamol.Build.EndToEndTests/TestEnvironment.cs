using System.Globalization;

namespace Diamol.Build.EndToEndTests;

/// <summary>
/// What every end-to-end test shares: a Diamol.Build package packed with a version unique to this run into a
/// feed of its own, a NuGet package folder of its own (so no test can restore a stale copy of our tasks), and
/// the base images that eng/provision.sh builds offline.
/// </summary>
[TestClass]
public static class TestEnvironment
{
    public static string RepositoryRoot => Tests.RepositoryRoot.Path;
    public static string WorkRoot { get; private set; } = "";
    public static string Feed { get; private set; } = "";
    public static string PackagesFolder { get; private set; } = "";
    public static string PackageVersion { get; private set; } = "";

    public static string BaseRuntime => Environment.GetEnvironmentVariable("DIAMOL_TEST_BASE_RUNTIME") ?? "localhost:5000/dotnet/runtime:10.0";
    public static string BaseAspNet => Environment.GetEnvironmentVariable("DIAMOL_TEST_BASE_ASPNET") ?? "localhost:5000/dotnet/aspnet:10.0";
    public static string BaseRuntimeDeps => Environment.GetEnvironmentVariable("DIAMOL_TEST_BASE_RUNTIME_DEPS") ?? "localhost:5000/dotnet/runtime-deps:10.0";

    [AssemblyInitialize]
    public static void Initialize(TestContext context)
    {
        // Without an engine these tests cannot prove anything: fail loudly rather than skip.
        var engine = ProcessRunner.Docker("version", "--format", "{{.Server.Version}}");
        if (engine.ExitCode != 0)
        {
            Assert.Fail("No Docker engine answers (`docker version` failed). Run eng/provision.sh, or eng/test.sh which runs it.\n" + engine.All);
        }

        var baseImage = ProcessRunner.Docker("image", "inspect", BaseRuntime);
        if (baseImage.ExitCode != 0)
        {
            Assert.Fail($"The base image {BaseRuntime} is missing. Run eng/provision.sh, which builds it offline.");
        }

        string stamp = DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture);
        PackageVersion = $"0.1.0-e2e.{stamp}.{Environment.ProcessId}";
        WorkRoot = Path.Combine(Path.GetTempPath(), "diamol-e2e-" + stamp + "-" + Environment.ProcessId);
        Feed = Path.Combine(WorkRoot, "feed");
        PackagesFolder = Path.Combine(WorkRoot, "packages");
        Directory.CreateDirectory(Feed);

        ProcessRunner.Run("dotnet",
            ["pack", Path.Combine(RepositoryRoot, "src", "Sdk", "Diamol.Build.csproj"), "-c", "Release", "-o", Feed,
             $"-p:Version={PackageVersion}", "-nodeReuse:false"],
            RepositoryRoot, DotnetEnvironment, TimeSpan.FromMinutes(5)).EnsureSuccess("dotnet pack");
    }

    [AssemblyCleanup]
    public static void Cleanup()
    {
        if (WorkRoot.Length > 0 && Directory.Exists(WorkRoot) && Environment.GetEnvironmentVariable("DIAMOL_TEST_KEEP") is null)
        {
            Directory.Delete(WorkRoot, recursive: true);
        }
    }

    /// <summary>Isolates every dotnet call: our own package folder, no MSBuild server or node reuse.</summary>
    public static IReadOnlyDictionary<string, string?> DotnetEnvironment => new Dictionary<string, string?>
    {
        ["NUGET_PACKAGES"] = PackagesFolder,
        ["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0",
        ["MSBUILDDISABLENODEREUSE"] = "1",
        ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1",
        ["DOTNET_NOLOGO"] = "1",
    };
}
