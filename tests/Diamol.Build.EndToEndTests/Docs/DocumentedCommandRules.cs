using System.Text.RegularExpressions;

namespace Diamol.Build.EndToEndTests.Docs;

/// <summary>
/// Where and how each documented command runs here, in one place so the rules stay few, general and visible.
/// A command runs as written, with bash, in the folder its document assumes; the only change to its text is
/// <see cref="AsRunHere"/>, and the rest of the difference between this machine and a user's is the environment.
/// </summary>
public static class DocumentedCommandRules
{
    /// <summary>
    /// Commands this test does not run, by document and command (comment aside), with the reason. An entry that names
    /// a command no document shows any more fails the test, so the list cannot go stale.
    /// </summary>
    public static readonly IReadOnlyDictionary<(string Document, string Command), string> NotRunnableHere =
        new Dictionary<(string, string), string>
        {
            [("README.md", "eng/test.sh")] =
                "it runs the whole test suite, this test included: it is the command CI runs (.ci/run), so CI itself checks it",
        };

    /// <summary>
    /// The project a document's commands run in: a `dotnet new console` project of that name with the package
    /// reference the quick start shows (at this run's version, from this run's feed). Documents that name the same
    /// project share one folder, and run in document order.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> ProjectOf = new Dictionary<string, string>
    {
        ["README.md"] = "YourApp",                // the quick start's YourApp.csproj, image yourapp:latest
        ["docs/history-artifact.md"] = "YourApp", // inspects the artifacts of the README's publish, from the project's folder
        ["src/Sdk/README.md"] = "MyApp",          // the package README's image myapp:latest
    };

    /// <summary>A command whose program is a script of this repository (eng/sample.sh) runs at the root of a copy of it.</summary>
    public static bool IsRepositoryScript(DocumentedCommand command)
    {
        string program = command.Text.Split(' ', 2)[0];
        return program.Contains('/') && File.Exists(Path.Combine(TestEnvironment.RepositoryRoot, program));
    }

    /// <summary>
    /// The one change to a command's text: a container started without a network option gets `--network none`,
    /// because containers here may not reach private addresses (and there is no internet to reach).
    /// </summary>
    public static string AsRunHere(string command) =>
        command.Contains("--network", StringComparison.Ordinal)
            ? command
            : Regex.Replace(command, @"\bdocker run\b", "docker run --network none");

    /// <summary>
    /// The environment of every command: the end-to-end tests' own (a NuGet folder of this run, so the packed package
    /// at its unique version is what restores; no MSBuild node reuse or server, as -nodeReuse:false), and
    /// ContainerBaseImage set to the offline mirror of mcr.microsoft.com/dotnet/runtime:10.0, the image the SDK infers
    /// for these console projects: MSBuild reads environment variables as properties, so the commands stay as written.
    /// </summary>
    public static IReadOnlyDictionary<string, string?> Environment =>
        new Dictionary<string, string?>(TestEnvironment.DotnetEnvironment) { ["ContainerBaseImage"] = TestEnvironment.BaseRuntime };
}
