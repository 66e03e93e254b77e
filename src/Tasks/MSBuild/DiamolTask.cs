using System.Reflection;
using Diamol.Build.Diagnostics;
using Microsoft.Build.Framework;

namespace Diamol.Build.MSBuild;

/// <summary>
/// The shared shape of our tasks: run one core entry point, turn a <see cref="DiamolException"/> into a coded
/// error, report core warnings with their codes.
/// </summary>
public abstract class DiamolTask : Microsoft.Build.Utilities.Task
{
    /// <summary>Cancelled by MSBuild (Ctrl+C) in the tasks that are ICancelableTask.</summary>
    protected CancellationTokenSource Cancellation { get; } = new();

    /// <summary>The Diamol.Build version, for headers and the artifacts' generator field.</summary>
    protected static string ToolVersion { get; } = ReadToolVersion();

    public sealed override bool Execute()
    {
        try
        {
            Run();
        }
        catch (DiamolException e)
        {
            Log.LogError(null, e.Code.ToString(), null, ProjectFile, 0, 0, 0, 0, "{0}", e.Message);
        }
        catch (OperationCanceledException) when (Cancellation.IsCancellationRequested)
        {
            Log.LogError(null, DiagnosticCode.DIAM3004.ToString(), null, ProjectFile, 0, 0, 0, 0, "{0}",
                "Cancelled before the publish finished. A build that did not finish changes no tag; publish again to build the image.");
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException)
        {
            // Not a user's cancel: a request outside the engine client's own exchanges timed out (DIAM3014) or its
            // connection broke (DIAM3015); the codes mean what they mean there.
            bool timedOut = e is OperationCanceledException;
            Log.LogError(null, (timedOut ? DiagnosticCode.DIAM3014 : DiagnosticCode.DIAM3015).ToString(), null, ProjectFile, 0, 0, 0, 0, "{0}",
                $"The connection to the engine failed: {(timedOut ? "it did not answer in time" : e.Message)}. " +
                "Check that the engine is running and healthy (`docker info`), then publish again.");
            Log.LogMessage(MessageImportance.Low, e.ToString());
        }
        catch (Exception e)
        {
            Log.LogError(null, DiagnosticCode.DIAM9001.ToString(), null, null, 0, 0, 0, 0, "{0}",
                $"Diamol.Build failed unexpectedly: {e.GetType().Name}: {e.Message} Please report it with the log of this build.");
            Log.LogMessage(MessageImportance.Low, e.ToString());
        }

        if (Log.HasLoggedErrors) SetAsideStaleHistory();
        return !Log.HasLoggedErrors;
    }

    protected abstract void Run();

    /// <summary>The output folder whose history a failure of this task leaves without an image.json; null for tasks that write none.</summary>
    protected virtual string? HistoryFolder => null;

    // A failed publish leaves no history artifact describing an older image as the current one (see HistoryStage.SetAsideUnbacked).
    private void SetAsideStaleHistory()
    {
        if (HistoryFolder is not { Length: > 0 } folder) return;
        try
        {
            var removed = Pipeline.HistoryStage.SetAsideUnbacked(new Context.OutputFolder(folder));
            if (removed.Count > 0)
            {
                Log.LogMessage(MessageImportance.Normal, "The publish failed, so the history of the last good image is no longer in {0}: " +
                    "removed {1} (image.json was removed when the build started).",
                    folder, string.Join(", ", removed.Select(Path.GetFileName)));
            }
        }
        catch (Exception e)
        {
            Log.LogMessage(MessageImportance.Low, "Could not set the stale history aside: " + e);
        }
    }

    /// <summary>
    /// Where our errors and warnings point: the user's project, not our targets file in the NuGet cache, so CI
    /// annotations (GitHub Actions, Azure Pipelines) land on a file in the repository. Unexpected failures (DIAM9001)
    /// keep the task's own location, which is what a bug report needs.
    /// </summary>
    protected string? ProjectFile => string.IsNullOrWhiteSpace(ProjectPath) ? null : ProjectPath;

    /// <summary>$(MSBuildProjectFullPath): MSBuild tells a task only the file that calls it, which is our targets file.</summary>
    public string? ProjectPath { get; set; }

    /// <summary>
    /// The project's name, as "Name -> output" lines must start for the terminal logger to take them as the project's
    /// output (it compares with the project file's name).
    /// </summary>
    protected string? ProjectFileName => ProjectFile is null ? null : Path.GetFileNameWithoutExtension(ProjectFile);

    /// <summary>How long a publish waits for another publish of the same output folder before giving up.</summary>
    private static readonly TimeSpan OutputFolderWait = TimeSpan.FromMinutes(30);

    private static string LockKey(string folder) => "Diamol.Build.OutputFolderLock:" + Path.GetFullPath(folder);

    /// <summary>
    /// Takes the output folder's lock for the rest of this build: the tasks that follow (build, history) run under it,
    /// and MSBuild disposes it when the build ends, however it ends, if <see cref="ReleaseOutputFolder"/> did not.
    /// </summary>
    protected void HoldOutputFolder(string folder)
    {
        string key = LockKey(folder);
        if (BuildEngine4.GetRegisteredTaskObject(key, RegisteredTaskObjectLifetime.Build) is not null) return;
        var held = Context.OutputFolderLock.Acquire(folder, OutputFolderWait, message => Log.LogMessage(MessageImportance.High, "{0}", message),
            Cancellation.Token);
        BuildEngine4.RegisterTaskObject(key, held, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
    }

    /// <summary>Lets the next publish of this output folder in.</summary>
    protected void ReleaseOutputFolder(string folder)
    {
        if (BuildEngine4.UnregisterTaskObject(LockKey(folder), RegisteredTaskObjectLifetime.Build) is IDisposable held) held.Dispose();
    }

    /// <summary>
    /// The engine for these candidates, connected once for the whole build: the builder choice, the base image's
    /// inspection and the build (or the load) of a publish, and every project of a solution on this node, share one
    /// connection and one version negotiation. MSBuild disposes it when the build ends.
    /// </summary>
    private protected Engine.IEngineSource EngineFor(IReadOnlyList<Engine.EngineEndpoint> candidates)
    {
        return BuildLifetime<Engine.IEngineSource>("Diamol.Build.Engine:" + Engine.SharedEngineConnection.KeyOf(candidates),
            () => Engine.SharedEngineConnection.To(candidates, Pipeline.BuildStage.ConnectTimeout));
    }

    /// <summary>
    /// The build's credential lookup for the docker configuration this process reads (DOCKER_CONFIG, else ~/.docker):
    /// every task and registry client of a publish (and of every project of a solution on this node) shares it, so a
    /// credential helper runs at most once per registry per build. MSBuild drops it when the build ends.
    /// </summary>
    private protected Credentials.CredentialLookup CredentialLookup()
    {
        var env = Credentials.LocatorEnvironment.Real;
        return BuildLifetime("Diamol.Build.CredentialLookup:" + Common.FolderPath.Full(Credentials.DockerConfiguration.DirectoryOf(env)),
            () => Credentials.CredentialLookup.For(env));
    }

    /// <summary>
    /// This run's registry clients, one per registry and kind of access, over the build's <see cref="CredentialLookup"/>;
    /// their retries are logged at normal verbosity. Dispose it when the run ends.
    /// </summary>
    /// <param name="idleLimit">DiamolIdleTimeout.</param>
    /// <param name="retries">DiamolRegistryRetries.</param>
    private protected Registry.RegistrySession RegistriesFor(TimeSpan? idleLimit, Registry.RetryPolicy? retries)
    {
        var log = new TaskBuildLog(Log, ProjectFile);
        return new Registry.RegistrySession(CredentialLookup(), idleLimit, retries, log.Step)
        {
            Resolved = BuildLifetime("Diamol.Build.ResolvedImages", () => new Registry.ResolvedImageMemo()),
        };
    }

    /// <summary>
    /// The one <typeparamref name="T"/> of this build under <paramref name="key"/>, made by <paramref name="make"/> on first
    /// use and shared by every task of the build on this node; MSBuild drops it (disposes it) when the build ends.
    /// </summary>
    private T BuildLifetime<T>(string key, Func<T> make)
        where T : class
    {
        if (BuildEngine4.GetRegisteredTaskObject(key, RegisteredTaskObjectLifetime.Build) is T shared) return shared;
        var made = make();
        BuildEngine4.RegisterTaskObject(key, made, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: false);
        return made;
    }

    private static string StagedKey(Context.OutputFolder folder) => "Diamol.Build.StagedContext:" + folder.Root;

    /// <summary>Hands what staging learnt to the tasks after it in this build (MSBuild drops it when the build ends).</summary>
    private protected void ShareStaging(Context.StagedContext staged) =>
        BuildEngine4.RegisterTaskObject(StagedKey(staged.Folder), staged, RegisteredTaskObjectLifetime.Build, allowEarlyCollection: true);

    /// <summary>
    /// The state the stages of this task work from: this build's staging of the folder when this process did it and it
    /// still describes the folder, else the folder's own records (<see cref="Context.OutputFolderState.Of"/> decides).
    /// </summary>
    private protected Context.OutputFolderState StateOf(string directory)
    {
        var folder = new Context.OutputFolder(directory);
        return Context.OutputFolderState.Of(folder,
            BuildEngine4.GetRegisteredTaskObject(StagedKey(folder), RegisteredTaskObjectLifetime.Build) as Context.StagedContext);
    }

    /// <summary>
    /// Records this output folder as the last publisher of <paramref name="fullTags"/> in its workspace, and warns
    /// (DIAM2010) for each tag another folder of the workspace published last and still names. Nothing of the other
    /// folder is written.
    /// </summary>
    protected void ClaimTags(string outputFolder, IReadOnlyList<string> fullTags)
    {
        string projectDirectory = ProjectFolder ?? outputFolder;
        foreach (var moved in Pipeline.TagClaims.Claim(Pipeline.TagClaims.PathFor(projectDirectory), outputFolder, fullTags))
        {
            Warn(DiagnosticCode.DIAM2010,
                $"The tag {moved.Tag} was last published from {moved.FromOutputFolder}, " +
                $"whose {Context.OutputFolder.ImageJsonName} still names it; " +
                "the tag now points to this image, and that file (left as it is) records its own, earlier publish. " +
                "If two projects are not meant to share it, give one of them its own ContainerRepository or ContainerImageTag.");
        }
    }

    private protected void Report(IEnumerable<Diagnostic> warnings)
    {
        foreach (var warning in warnings) Warn(warning.Code, warning.Message);
    }

    /// <summary>A coded warning on the user's project (see <see cref="ProjectFile"/>), as every warning of ours is logged.</summary>
    private protected void Warn(DiagnosticCode code, string message) => new TaskBuildLog(Log, ProjectFile).Warning(code, message);

    /// <summary>The folder of the user's project; null when MSBuild did not say which project it is.</summary>
    protected string? ProjectFolder => ProjectFile is null ? null : Path.GetDirectoryName(Path.GetFullPath(ProjectFile));

    private static string ReadToolVersion()
    {
        string? version = typeof(DiamolTask).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        // Drop the "+commit" build metadata: the header must not change with every commit of ours.
        return version?.Split('+')[0] ?? "0.0.0";
    }
}
