using Diamol.Build.Context;
using Diamol.Build.Diagnostics;
using Diamol.Build.Dockerfile;
using Diamol.Build.Layers;
using Diamol.Build.Spec;

namespace Diamol.Build.Pipeline;

/// <summary>What the Dockerfile stage produced.</summary>
/// <param name="Staged">What staging learnt, for the later stages of the same publish.</param>
/// <param name="Builder">The builder chosen to make the image; null when none is built (or the stage was run without the choice).</param>
internal sealed record DockerfileStageResult(StagingResult Staging, ContextManifest Manifest, StagedContext Staged, BuilderDecision? Builder = null);

/// <summary>
/// Stage one: validate the settings, plan the layers, write the Dockerfile and stage the context.
/// Validation and planning finish before anything is written, so a bad value leaves no files behind.
/// </summary>
internal static class DockerfileStage
{
    /// <summary>
    /// The stage as a publish runs it, from the project's settings: the builder is chosen (when an image is built), the
    /// base image's facts are read by the policy of <see cref="BaseImageLookup"/>, the published files are classified,
    /// then <see cref="Run"/>. Each step's time goes into <paramref name="timings"/>; what the user must see while it
    /// runs (the builder and why, pull progress, coded warnings about the base image) goes to the log as it happens,
    /// the other warnings into <paramref name="warnings"/>.
    /// </summary>
    public static DockerfileStageResult Generate(
        DockerfileRequest request, DockerfileServices services, ICollection<Diagnostic> warnings, StageTimings timings)
    {
        // image.json is what CI deploys: from the moment a new image is being made until it is, none may describe the old one.
        var context = request.Output;
        if (request.InspectBaseImage) ImageSummary.Remove(context);

        string rid = string.IsNullOrWhiteSpace(request.RuntimeIdentifier) ? "linux-x64" : request.RuntimeIdentifier;
        var platform = Common.ImagePlatform.FromRuntimeIdentifier(rid);
        string[] rids = (request.RuntimeIdentifiers ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (string each in rids) Common.ImagePlatform.FromRuntimeIdentifier(each, "ContainerRuntimeIdentifiers");

        // Asked only when a decision needs the engine: a Dockerfile-only or OCI publish must not depend on it.
        var engines = new Lazy<Engine.IEngineSource>(services.Engines);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        BuilderDecision? decision = null;
        if (request.BuildImage)
        {
            var inputs = BuilderInputs.For(request, platform, rids.Length > 1);
            decision = BuilderChoice.Decide(inputs, () => EnginePlatform(engines.Value, services.Cancellation));
            services.Log.Step($"{request.ProjectName}: {(decision.Builder == Builder.Oci ? "OCI" : "Docker engine")} builder ({decision.Reason})");
        }

        timings.Add("choose-builder", clock.Elapsed);
        clock.Restart();
        var baseImage = new BaseImageLookup(request, services, engines, platform).Read(decision);
        timings.Add("base-image", clock.Elapsed);
        var (classifier, files) = timings.Measure("read-publish-items", () =>
        {
            var classifier = new PublishedFileClassifier(request.ReadPublishItems());
            return (classifier, classifier.Classify(request.PublishDirectory));
        });
        foreach (var unused in classifier.UnusedLayerWarnings()) warnings.Add(unused);
        if (classifier.Leftovers.Count > 0)
        {
            services.Log.Step(
                $"Left out of the image: {Counted.Of(classifier.Leftovers.Count, "file")} in the publish folder that this publish did not " +
                "write (leftovers of an earlier publish under wwwroot/, or symbols with CopyOutputSymbolsToPublishDirectory=false; " +
                "`dotnet clean` removes them): " + string.Join(", ", classifier.Leftovers.Take(5)) + (classifier.Leftovers.Count > 5 ? ", ..." : ""));
        }

        var layerOptions = new LayerOptions(
            ImageFileModes.ParsePolicy(request.FileModes), request.Mode, request.AppFileName ?? request.ProjectName, request.WritableDirectories);
        string? epoch = request.SourceDateEpoch;
        var sourceDateEpoch = string.IsNullOrWhiteSpace(epoch) ? (DateTimeOffset?)null : Oci.ReproducibleTime.From(epoch);
        var result = Run(
            request.Spec, baseImage, files, layerOptions, context, request.ProjectName, request.ToolVersion, warnings, timings, sourceDateEpoch);
        return result with { Builder = decision };
    }

    // The engine's platform, or null when none answers (the automatic choice then keeps the engine path, whose
    // build reports the missing engine as before).
    private static Common.ImagePlatform? EnginePlatform(Engine.IEngineSource engines, CancellationToken cancellationToken)
    {
        try
        {
            return engines.ConnectAsync(cancellationToken).GetAwaiter().GetResult().Platform;
        }
        catch (DiamolException e) when (e.Code == DiagnosticCode.DIAM3001)
        {
            return null;
        }
    }

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
        OutputFolder folder,
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
        OutputFolderFiles.RefuseForeignFiles(folder);
        var published = EndpointManifestTimes.Clamp(files.ToArray(), sourceDateEpoch, folder);
        var plan = LayerPlanner.Plan(published, layerOptions.FileModes);
        foreach (var advice in PublishModeAdvice.For(layerOptions.PublishMode, plan, published, layerOptions.AppFileName)) warnings.Add(advice);
        if (PublishModeAdvice.ForSymbols(plan, layerOptions.PublishMode) is { } symbols) warnings.Add(symbols);
        plan = WritableDirectoryPlanner.AddTo(plan, layerOptions.WritableDirectories, spec.WorkingDirectory,
            forWhat => ImageUserId.Resolve(spec.User, ImageEnvironment(baseImage, spec), forWhat));
        var dockerfile = DockerfileWriter.Write(spec, plan, projectName, toolVersion);
        timings.Add("plan", clock.Elapsed);
        var staging = timings.Measure("stage", () => ContextStager.Stage(folder, dockerfile, plan));
        var manifest = new ContextManifest(
            projectName, spec.FromReference, spec.Repository, spec.Tags, dockerfile.BuildArguments, dockerfile.Instructions, plan.Layers, spec.Registry,
            Context.ImageSettings.From(spec));
        var staged = timings.Measure("save-manifest", () =>
        {
            manifest.Save(folder);
            return StagedContext.Record(folder, manifest, staging.Files);
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
