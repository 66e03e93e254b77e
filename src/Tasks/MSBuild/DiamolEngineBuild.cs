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
        var options = BuildOptions.Create(
            BuildArgs.Select(a => new Spec.NameValue(a.ItemSpec, a.GetMetadata("Value"))),
            CacheFrom.Select(c => c.ItemSpec),
            PullPolicy,
            warnings) with { IdleLimit = BuildOptions.ParseIdleTimeout(IdleTimeout), Credentials = CredentialLookup() };
        Report(warnings);
        var timings = new StageTimings(nameof(DiamolEngineBuild));
        BuildRecord record;
        try
        {
            record = BuildStage.RunAsync(ContextDirectory, EngineFor(candidates), options, new TaskBuildLog(Log, ProjectFile), Cancellation.Token, timings, StagingOf(ContextDirectory)).GetAwaiter().GetResult();
        }
        finally
        {
            timings.Save(ContextDirectory, startsPublish: false);
        }

        int cached = record.Build.Steps.Count(s => s.Cached);
        if (record.Skipped)
        {
            Log.LogMessage(MessageImportance.Normal, "Image {0} ({1}) is up to date: no build was needed", record.Build.ImageId, string.Join(", ", record.Build.References));
        }
        else
        {
            Log.LogMessage(MessageImportance.Normal, "Built image {0} ({1}); {2} of {3} steps from the cache; engine {4}",
                record.Build.ImageId, string.Join(", ", record.Build.References), cached, record.Build.Steps.Count, record.Engine);
        }
        if (record.PushError is { } pushError)
        {
            // The artifacts must describe the image that now carries the local tags, and say the push failed.
            HistoryStage.Run(ContextDirectory, ContextDirectory, $"Diamol.Build {ToolVersion}", staged: StagingOf(ContextDirectory));
            int colon = pushError.IndexOf(':');
            var code = Enum.TryParse(pushError[..Math.Max(colon, 0)], out Diagnostics.DiagnosticCode parsed) ? parsed : Diagnostics.DiagnosticCode.DIAM3005;
            throw new Diagnostics.DiamolException(code,
                $"{pushError[(colon + 1)..].Trim()} The image {record.Build.ImageId} was built and the local tags {string.Join(", ", record.Build.References)} now point to it; " +
                $"{(pushError.Contains("The registry already has", StringComparison.Ordinal) ? "only the tags named above reached the registry" : "the registry was not updated")}. {HistoryStage.ImageFileName} says \"pushed\": false with this error. Fix the cause and publish again: the build is cached, only the push runs.");
        }

        if (record.PushedDigest is { } digest)
        {
            Log.LogMessage(MessageImportance.Normal, "Pushed {0} ({1})", string.Join(", ", record.Build.References), digest);
            PushedDigest = digest;
        }

        ImageId = record.Build.ImageId;
    }
}
