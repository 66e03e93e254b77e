using Diamol.Build.Pipeline;
using Microsoft.Build.Framework;

namespace Diamol.Build.MSBuild;

/// <summary>
/// The shape the two builders' tasks share (<see cref="DiamolEngineBuild"/>, <see cref="DiamolWriteImage"/>): the staged
/// context they build from, the engine and idle time-out they are given, Ctrl+C, the image they made, and this
/// publish's stage timings, which the core entry point measures into and which are saved however the build ends.
/// </summary>
public abstract class DiamolImageTask : DiamolTask, ICancelableTask
{
    [Required] public string ContextDirectory { get; set; } = "";

    protected sealed override string? HistoryFolder => ContextDirectory;

    /// <summary>The DiamolDockerHost property: an engine address that overrides DOCKER_HOST.</summary>
    public string? DockerHost { get; set; }

    /// <summary>DiamolIdleTimeout: seconds a registry or engine exchange may go without any data.</summary>
    public string? IdleTimeout { get; set; }

    [Output] public string ImageId { get; private set; } = "";

    /// <summary>The manifest digest the registry stored, when the image was pushed.</summary>
    [Output] public string PushedDigest { get; private set; } = "";

    public void Cancel() => Cancellation.Cancel();

    protected sealed override void Run()
    {
        var timings = new StageTimings(GetType().Name);
        var state = StateOf(ContextDirectory);
        BuildRecord record;
        try
        {
            record = MakeImage(state, timings);
        }
        finally
        {
            timings.Save(state.Folder, startsPublish: false);
        }

        ImageId = record.Build.ImageId;
        PushedDigest = record.PushedDigest ?? "";
    }

    /// <summary>Runs this builder's core entry point, which measures its own steps into <paramref name="timings"/>.</summary>
    /// <param name="state">The staged context, decided once for the task (<see cref="DiamolTask.StateOf"/>).</param>
    private protected abstract BuildRecord MakeImage(Context.OutputFolderState state, StageTimings timings);
}
