using Diamol.Build.Engine;
using Diamol.Build.Pipeline;
using Microsoft.Build.Framework;

namespace Diamol.Build.MSBuild;

/// <summary>Builds and tags the image from the staged context through the Docker Engine API, streaming progress to the log.</summary>
public sealed class DiamolEngineBuild : DiamolTask, ICancelableTask
{
    [Required] public string ContextDirectory { get; set; } = "";
    protected override string? HistoryFolder => ContextDirectory;

    /// <summary>The DiamolDockerHost property: an engine address that overrides DOCKER_HOST.</summary>
    public string? DockerHost { get; set; }

    /// <summary>DiamolBuildArg items: name and Value metadata.</summary>
    public ITaskItem[] BuildArgs { get; set; } = [];

    /// <summary>DiamolCacheFrom items: images whose layers may serve as the build cache.</summary>
    public ITaskItem[] CacheFrom { get; set; } = [];

    /// <summary>DiamolPullPolicy: Missing, Always or Never.</summary>
    public string? PullPolicy { get; set; }

    /// <summary>DiamolIdleTimeout: seconds an engine exchange may go without any data.</summary>
    public string? IdleTimeout { get; set; }

    [Output] public string ImageId { get; private set; } = "";
    /// <summary>The manifest digest the registry stored, when ContainerRegistry is set and the push succeeded.</summary>
    [Output] public string PushedDigest { get; private set; } = "";

    public void Cancel() => Cancellation.Cancel();

    protected override void Run()
    {
        var candidates = EngineLocator.Candidates(DockerHost, Environment.GetEnvironmentVariable);
        var warnings = new List<Diagnostics.Diagnostic>();
        var created = BuildOptions.Create(
            BuildArgs.Select(a => new Spec.NameValue(a.ItemSpec, a.GetMetadata("Value"))), CacheFrom.Select(c => c.ItemSpec), PullPolicy, warnings);
        var options = created with { IdleLimit = BuildOptions.ParseIdleTimeout(IdleTimeout), Credentials = CredentialLookup() };
        Report(warnings);
        var timings = new StageTimings(nameof(DiamolEngineBuild));
        var state = StateOf(ContextDirectory);
        BuildRecord record;
        try
        {
            record = BuildStage.PublishAsync(state, EngineFor(candidates), options, new TaskBuildLog(Log, ProjectFile), $"Diamol.Build {ToolVersion}",
                Cancellation.Token, timings).GetAwaiter().GetResult();
        }
        finally
        {
            timings.Save(state.Folder, startsPublish: false);
        }

        PushedDigest = record.PushedDigest ?? "";
        ImageId = record.Build.ImageId;
    }
}
