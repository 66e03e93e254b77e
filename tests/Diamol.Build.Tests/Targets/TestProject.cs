using Microsoft.Build.Evaluation;
using Microsoft.Build.Execution;
using Microsoft.Build.Framework;

namespace Diamol.Build.Tests.Targets;

/// <summary>
/// A throwaway SDK project (Microsoft.NET.Sdk unless told) that imports our props and targets the way NuGet does (props after the SDK's
/// props, targets after the SDK's targets), with the task assembly from this build.
/// </summary>
internal sealed class TestProject : IDisposable
{
    private static readonly string BuildFolder = Path.Combine(AppContext.BaseDirectory, "sdk-build");

    /// <param name="after">Project XML imported after our targets, as Directory.Build.targets is.</param>
    public TestProject(string body = "", string sdk = "Microsoft.NET.Sdk", string after = "")
    {
        Directory = _folder.Path;
        ProjectPath = Path.Combine(Directory, "Sample.csproj");
        File.WriteAllText(ProjectPath, $"""
            <Project>
              <Import Project="Sdk.props" Sdk="{sdk}" />
              <Import Project="{BuildFolder}/Diamol.Build.props" />
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <DiamolTasksAssembly>{typeof(Diamol.Build.MSBuild.DiamolTask).Assembly.Location}</DiamolTasksAssembly>
                <ContainerBaseImage>localhost:5000/dotnet/runtime:10.0</ContainerBaseImage>
              </PropertyGroup>
              {body}
              <Import Project="Sdk.targets" Sdk="{sdk}" />
              <Import Project="{BuildFolder}/Diamol.Build.targets" />
              {after}
            </Project>
            """);
        File.WriteAllText(Path.Combine(Directory, "Program.cs"), "System.Console.WriteLine(\"hi\");\n");
    }

    private readonly TempFolder _folder = new("targets");

    public string Directory { get; }
    public string ProjectPath { get; }

    public Project Evaluate(IDictionary<string, string>? properties = null) =>
        new(ProjectPath, properties ?? new Dictionary<string, string>(), null, new ProjectCollection());

    /// <summary>Runs targets in this process and returns the result with everything logged.</summary>
    public (BuildResult Result, BuildLog Log) Build(string[] targets, IDictionary<string, string>? properties = null)
    {
        var log = new BuildLog();
        var globals = new Dictionary<string, string>(properties ?? new Dictionary<string, string>())
        {
            // A new value per call forces a fresh evaluation, so targets after Restore see its output.
            ["_DiamolTestRun"] = Guid.NewGuid().ToString("N"),
        };
        using var collection = new ProjectCollection();
        // Out of process: the SDK's tasks need their own versions of assemblies this test host already loaded.
        var parameters = new BuildParameters(collection) { Loggers = [log.Logger], DisableInProcNode = true, EnableNodeReuse = false };
        var request = new BuildRequestData(ProjectPath, globals, null, targets, null, BuildRequestDataFlags.ClearCachesAfterBuild);
        var result = BuildManager.DefaultBuildManager.Build(parameters, request);
        return (result, log);
    }

    public void Dispose()
    {
        try
        {
            _folder.Dispose();
        }
        catch (IOException)
        {
            // A build node may still hold a file; the temp folder is cleaned by the OS later.
        }
    }
}

/// <summary>
/// The build's log as text. A console logger writing to a buffer, because a logger type of our own would
/// make this assembly's types depend on MSBuild before the Locator has registered it.
/// </summary>
internal sealed class BuildLog
{
    private readonly System.Text.StringBuilder _text = new();

    public ILogger Logger => new Microsoft.Build.Logging.ConsoleLogger(LoggerVerbosity.Normal, text => { lock (_text) _text.Append(text); }, null, null);

    public string Text => _text.ToString();

    public IEnumerable<string> Errors => Text.Split('\n').Select(l => l.Trim()).Where(l => l.Contains(": error ", StringComparison.Ordinal)).Distinct();

    public override string ToString() => Text;
}
