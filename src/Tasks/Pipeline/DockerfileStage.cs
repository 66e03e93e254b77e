using Diamol.Build.Context;
using Diamol.Build.Diagnostics;
using Diamol.Build.Dockerfile;
using Diamol.Build.Layers;
using Diamol.Build.Spec;

namespace Diamol.Build.Pipeline;

/// <summary>What the Dockerfile stage produced.</summary>
/// <param name="Staged">What staging learnt, for the later stages of the same publish.</param>
public sealed record DockerfileStageResult(StagingResult Staging, ContextManifest Manifest, StagedContext Staged);

/// <summary>
/// Stage one: validate the settings, plan the layers, write the Dockerfile and stage the context.
/// Validation and planning finish before anything is written, so a bad value leaves no files behind.
/// </summary>
public static class DockerfileStage
{
    /// <summary>
    /// Asks the engine about the base image (pulling it if needed). Returns null, leaving the rules that need it
    /// to the project's own settings, when the reference is not valid: validation then reports it properly.
    /// </summary>
    /// <param name="credentials">The build's lookup: a pull gets the login the OCI writer would read the base with.</param>
    /// <param name="pushRegistry">ContainerRegistry: a base kept there is pulled with the push login.</param>
    public static async Task<BaseImageFacts?> ReadBaseImageAsync(string baseImage, Engine.IEngineSource engines, Engine.PullPolicy pull, TimeSpan? idleLimit,
        Credentials.CredentialLookup credentials, string? pushRegistry, Engine.IBuildLog log, CancellationToken cancellationToken)
    {
        var reference = ImageReference.TryParse(baseImage, out _);
        if (reference is null) return null;

        var engine = await engines.ConnectAsync(cancellationToken).ConfigureAwait(false);
        engine.IdleLimit = idleLimit;
        return await Engine.BaseImageInspector.ReadAsync(
            engine, reference, () => credentials.Find(reference.RegistryOrDockerHub, Credentials.EnvironmentCredentials.PullAccess(reference.RegistryOrDockerHub, pushRegistry)),
            pull, log, cancellationToken).ConfigureAwait(false);
    }

    public static DockerfileStageResult Run(
        ContainerSpecInput input,
        BaseImageFacts? baseImage,
        IEnumerable<PublishedFile> files,
        LayerOptions layerOptions,
        string contextDirectory,
        string projectName,
        string toolVersion,
        ICollection<Diagnostic> warnings,
        StageTimings? timings = null,
        DateTimeOffset? sourceDateEpoch = null)
    {
        timings ??= new StageTimings("dockerfile");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var spec = ContainerSpecFactory.Create(input, baseImage, warnings);
        // The only files written before staging: the clamped endpoints manifests the plan must stat, once the folder is known to be ours.
        OutputFolderFiles.RefuseForeignFiles(contextDirectory);
        var published = EndpointManifestTimes.Clamp(files.ToArray(), sourceDateEpoch, contextDirectory);
        var plan = LayerPlanner.Plan(published, layerOptions.FileModes);
        foreach (var advice in PublishModeAdvice.For(layerOptions.PublishMode, plan, published, layerOptions.AppFileName)) warnings.Add(advice);
        if (PublishModeAdvice.ForSymbols(plan, layerOptions.PublishMode) is { } symbols) warnings.Add(symbols);
        plan = WritableDirectoryPlanner.AddTo(plan, layerOptions.WritableDirectories, spec.WorkingDirectory,
            forWhat => ImageUserId.Resolve(spec.User, ImageEnvironment(baseImage, spec), forWhat));
        var dockerfile = DockerfileWriter.Write(spec, plan, projectName, toolVersion);
        timings.Add("plan", clock.Elapsed);
        var staging = timings.Measure("stage", () => ContextStager.Stage(contextDirectory, dockerfile, plan));
        var manifest = new ContextManifest(
            projectName, spec.FromReference, spec.Repository, spec.Tags, dockerfile.BuildArguments, dockerfile.Instructions, plan.Layers, spec.Registry,
            Oci.ImageSettings.From(spec));
        var staged = timings.Measure("save-manifest", () =>
        {
            manifest.Save(staging.ContextDirectory);
            return StagedContext.Record(staging.ContextDirectory, manifest, staging.Files);
        });
        return new DockerfileStageResult(staging, manifest, staged);
    }

    // The variables the image's USER can name: the base image's, then the project's (which override them).
    private static Dictionary<string, string> ImageEnvironment(BaseImageFacts? baseImage, ContainerSpec spec)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in baseImage?.Env ?? [])
        {
            int equals = pair.IndexOf('=');
            if (equals > 0) environment[pair[..equals]] = pair[(equals + 1)..];
        }

        foreach (var variable in spec.Environment) environment[variable.Name] = variable.Value;
        return environment;
    }
}
