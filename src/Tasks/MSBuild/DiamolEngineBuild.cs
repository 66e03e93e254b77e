using Diamol.Build.Engine;
using Diamol.Build.Pipeline;
using Microsoft.Build.Framework;

namespace Diamol.Build.MSBuild;

/// <summary>Builds and tags the image from the staged context through the Docker Engine API, streaming progress to the log.</summary>
public sealed class DiamolEngineBuild : DiamolImageTask
{
    /// <summary>DiamolBuildArg items: name and Value metadata.</summary>
    public ITaskItem[] BuildArgs { get; set; } = [];

    /// <summary>DiamolCacheFrom items: images whose layers may serve as the build cache.</summary>
    public ITaskItem[] CacheFrom { get; set; } = [];

    /// <summary>DiamolPullPolicy: Missing, Always or Never.</summary>
    public string? PullPolicy { get; set; }

    private protected override BuildRecord MakeImage(Context.OutputFolderState state, StageTimings timings)
    {
        var candidates = EngineLocator.Candidates(DockerHost, Environment.GetEnvironmentVariable);
        var warnings = new List<Diagnostics.Diagnostic>();
        var created = BuildOptions.Create(
            BuildArgs.Select(a => new Spec.NameValue(a.ItemSpec, a.GetMetadata("Value"))), CacheFrom.Select(c => c.ItemSpec), PullPolicy, warnings);
        var options = created with { IdleLimit = BuildOptions.ParseIdleTimeout(IdleTimeout), Credentials = CredentialLookup() };
        Report(warnings);
        return BuildStage.PublishAsync(state, EngineFor(candidates), options, new TaskBuildLog(Log, ProjectFile), $"Diamol.Build {ToolVersion}",
            Cancellation.Token, timings).GetAwaiter().GetResult();
    }
}
