using Diamol.Build.Common;
using Diamol.Build.Diagnostics;
using Diamol.Build.Context;
using Diamol.Build.Credentials;
using Diamol.Build.Engine;

namespace Diamol.Build.Pipeline;

/// <summary>
/// Stage two: find the engine, build and tag the image from the staged context, and record what the engine
/// says about the result (image, base image, history) for the history stage.
/// </summary>
internal static class BuildStage
{
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Podman's compatible /build (buildah) gives a COPY --chown's existing destination to the user as well: the
    /// working directory would become the app's, so the app could delete its own files, where Docker's classic builder
    /// and the OCI writer leave it root's. Refused before the build (DIAM1021), with the writer as the way.
    /// </summary>
    private static void RefuseWritableOnPodman(IContainerEngine engine, ContextManifest manifest)
    {
        if (!engine.IsPodman || manifest.Layers.FirstOrDefault(l => l.Kind == Layers.LayerKind.Writable) is not { } writable) return;
        throw new DiamolException(DiagnosticCode.DIAM1021,
            $"The DiamolWritableDirectory items ({string.Join(", ", manifest.Layers
                .Where(l => l.Kind == Layers.LayerKind.Writable)
                .SelectMany(l => l.Directories.Select(d => d.RelativePath)))}) " +
            $"cannot be built by {engine.Description}: its build gives the folder a COPY --chown writes into " +
            $"('{writable.Destination}') to the app's user too, so the app could " +
            "remove its own files, where Docker and the OCI writer keep that folder root's. Nothing was built. " +
            "Let the OCI writer make the image and load it into Podman " +
            "(DiamolBuilder=oci with LocalRegistry=Podman), or build with Docker.");
    }

    /// <summary>
    /// Builds (or skips the build of) the staged context, pushes when ContainerRegistry is set, and saves the record;
    /// a failed push is in the record.
    /// </summary>
    /// <param name="state">The staged context (this publish's staging, or the folder's records).</param>
    public static async Task<BuildRecord> RunAsync(
        OutputFolderState state,
        IEngineSource engines,
        BuildOptions options,
        IBuildLog log,
        CancellationToken cancellationToken,
        StageTimings? timings = null) =>
        (await BuildAsync(state, engines, options, log, timings, cancellationToken).ConfigureAwait(false)).Record;

    /// <summary>
    /// The engine build of a publish, as DiamolEngineBuild runs it: <see cref="RunAsync"/> and its outcome in the log.
    /// After a failed push the local tags have moved: the history artifacts are written for the image they now name
    /// (image.json says "pushed": false, and why), then the push's failure ends the publish with its own code.
    /// </summary>
    /// <param name="generator">The artifacts' generator field ("Diamol.Build 1.2.3").</param>
    public static async Task<BuildRecord> PublishAsync(OutputFolderState state, IEngineSource engines, BuildOptions options,
        IBuildLog log, string generator,
        CancellationToken cancellationToken, StageTimings? timings = null)
    {
        var (record, pushFailure) = await BuildAsync(state, engines, options, log, timings, cancellationToken)
            .ConfigureAwait(false);
        var build = record.Build;
        log.Step(record.Skipped
            ? $"Image {build.ImageId} ({string.Join(", ", build.References)}) is up to date: no build was needed"
            : $"Built image {build.ImageId} ({string.Join(", ", build.References)}); " +
                $"{build.Steps.Count(s => s.Cached)} of {build.Steps.Count} steps from the cache; engine {record.Engine}");
        if (pushFailure is not null)
        {
            HistoryStage.Run(state, state.Folder, generator);
            throw pushFailure.ToError(build);
        }

        if (record.PushedDigest is { } digest) log.Step($"Pushed {string.Join(", ", build.References)} ({digest})");
        return record;
    }

    private static async Task<(BuildRecord Record, PushFailure? PushFailure)> BuildAsync(OutputFolderState state,
        IEngineSource engines, BuildOptions options,
        IBuildLog log, StageTimings? timings, CancellationToken cancellationToken)
    {
        timings ??= new StageTimings("build");
        var folder = state.Folder;
        var manifest = state.Manifest;
        log = new RedactingBuildLog(log, Dockerfile.InstructionSecrets.RedactorFor(manifest.Instructions, buildArguments: options.BuildArguments));
        var credentials = options.Credentials ?? Credentials.CredentialLookup.Real();
        var engine = await timings.MeasureAsync("engine-connect", () => engines.ConnectAsync(cancellationToken)).ConfigureAwait(false);
        engine.IdleLimit = options.IdleLimit;
        RefuseWritableOnPodman(engine, manifest);
        // Read once: the fingerprint needs its id, the build record its layers and size.
        var baseImage = await timings.MeasureAsync("base-image-inspect",
            () => engine.InspectImageAsync(manifest.BaseImage, cancellationToken)).ConfigureAwait(false);
        var inputs = timings.Measure("fingerprint", () => BuildFingerprint.Compute(state, options, baseImage?.Id ?? ""));
        string fingerprint = inputs.Fingerprint;
        string engineName = $"{engine.Endpoint.Uri} ({engine.Description})";

        var previous = BuildRecord.TryLoad(folder);
        if (previous is not null && previous.Fingerprint == fingerprint
            && await timings.MeasureAsync("skip-check", () => StillTaggedAsync(engine, previous, cancellationToken)).ConfigureAwait(false))
        {
            log.Step($"{string.Join(", ", manifest.FullTags)} is up to date ({previous.Build.ImageId}): " +
                "the Dockerfile, the context, the tags and the base image are unchanged, so no build was needed");
            // Nothing was built in this build: every step counts as taken from the cache.
            var current = previous with
            {
                Skipped = true,
                Build = previous.Build with { Steps = previous.Build.Steps.Select(step => step with { Cached = true }).ToArray() },
            };
            return await PushAndSaveAsync(engine, manifest, current, folder, credentials, log, timings, cancellationToken).ConfigureAwait(false);
        }

        BuildRecord.RemoveWithSummary(folder);
        var (delta, fullBuildReason) = await timings.MeasureAsync("delta-check",
            () => DeltaBuild.PlanAsync(engine, engineName, previous, inputs.StepKeys, manifest, options, cancellationToken)).ConfigureAwait(false);
        log.Step($"Building {string.Join(", ", manifest.FullTags)} with {engine.Description} at {engine.Endpoint}");
        if (delta is not null)
        {
            log.Step($"Steps 1 to {delta.ReusedSteps} are unchanged since the last build: the build starts from the image it made there " +
                     $"({ShortId.Of(delta.ParentImageId)}) and the engine is sent only {string.Join(", ", delta.Part.Folders)}");
        }
        else
        {
            log.Detail($"A full build, with the whole context: {fullBuildReason}.");
        }

        var cacheFrom = await timings.MeasureAsync("cache-from",
            () => PullCacheSourcesAsync(engine, options, credentials, manifest.Registry, log, cancellationToken)).ConfigureAwait(false);
        var arguments = manifest.BuildArguments.Concat(options.BuildArguments).ToDictionary(a => a.Key, a => a.Value);
        var baseLogin = options.Pull == PullPolicy.Always && Spec.ImageReference.TryParse(manifest.BaseImage, out _) is { } baseReference
            ? EngineLogin(credentials, baseReference.RegistryOrDockerHub, manifest.Registry)
            : null;
        var request = new BuildRequest(folder.Root, manifest.FullTags.ToArray(), arguments, cacheFrom,
            options.Pull == PullPolicy.Always, baseLogin, delta?.Part);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var build = await engine.BuildAsync(request, log, cancellationToken).ConfigureAwait(false);
        if (delta is not null) build = build with { Steps = delta.Merge(previous!.Build.Steps, build.Steps) };
        // Until the first step the engine reads the context we send; after it, it runs the steps.
        var sent = build.ContextSent ?? TimeSpan.Zero;
        timings.Add("send-context", sent);
        timings.Add("engine-steps", clock.Elapsed - sent);
        clock.Restart();
        // The engine may name the image by a short id; its inspection gives the full one.
        var image = await ReadImageAsync(engine, build.ImageId, cancellationToken).ConfigureAwait(false);
        build = build with { ImageId = image.Id };
        // The engine writes build arguments into the history of RUN steps ("|1 NAME=value"); the record keeps none of them.
        var redactor = Spec.SecretRedactor.ForEnvironment(image.Env, image.Labels, options.BuildArguments);

        var record = new BuildRecord(
            engineName,
            build,
            image,
            new BaseImageSummary(manifest.BaseImage, baseImage?.Id, baseImage?.DiffIds.Count ?? 0, baseImage?.Size ?? 0),
            await ReadHistoryAsync(engine, image.Id, redactor, cancellationToken).ConfigureAwait(false),
            Fingerprint: fingerprint,
            StepKeys: inputs.StepKeys);
        timings.Add("read-image-and-history", clock.Elapsed);

        return await PushAndSaveAsync(engine, manifest, record, folder, credentials, log, timings, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The end of a build, skipped or not: the push when ContainerRegistry is set, then the record of both.</summary>
    private static async Task<(BuildRecord, PushFailure?)> PushAndSaveAsync(IContainerEngine engine, ContextManifest manifest, BuildRecord record,
        OutputFolder folder, Credentials.CredentialLookup credentials, IBuildLog log, StageTimings timings, CancellationToken cancellationToken)
    {
        PushFailure? pushFailure = null;
        if (manifest.Registry is { } registry)
        {
            (record, pushFailure) = await timings.MeasureAsync("push",
                () => PushOrRecordFailureAsync(engine, manifest, registry, record, credentials, log, cancellationToken)).ConfigureAwait(false);
        }

        record.Save(folder);
        return (record, pushFailure);
    }

    /// <summary>
    /// By the time of the push the local tags have moved: a failed push must not read as "nothing changed". The
    /// record keeps the built image with the push's error, so image.json says "pushed": false and why, and the
    /// <see cref="PushFailure"/> says which tags moved and which did not. Ctrl+C still cancels, recorded as the push's failure.
    /// </summary>
    private static async Task<(BuildRecord, PushFailure?)> PushOrRecordFailureAsync(IContainerEngine engine,
        ContextManifest manifest, string registry, BuildRecord record,
        Credentials.CredentialLookup credentials, IBuildLog log, CancellationToken cancellationToken)
    {
        var pushed = new List<string>();
        PushFailure failure;
        try
        {
            string digest = await PushAsync(engine, manifest, registry, credentials, pushed, log, cancellationToken).ConfigureAwait(false);
            return (record with { PushedDigest = digest, PushError = null }, null);
        }
        catch (DiamolException e) when (!cancellationToken.IsCancellationRequested)
        {
            failure = new PushFailure(e.Code, e.Message, SomeTagsPushed: pushed.Count > 0);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Ctrl+C during the push: the build is done and tagged, so "nothing changed" would be false too.
            failure = new PushFailure(DiagnosticCode.DIAM3004, $"The push to {registry} was cancelled.{AlreadyPushed(manifest, pushed)}",
                SomeTagsPushed: pushed.Count > 0);
        }

        return (record with { PushedDigest = null, PushError = failure.ToString() }, failure);
    }

    // Tags go one by one: say which ones the registry already has, so nobody trusts the wrong one.
    private static string AlreadyPushed(ContextManifest manifest, IReadOnlyList<string> pushed) => pushed.Count == 0 ? "" :
        $" The registry already has {string.Join(", ", pushed)}; " +
        $"it does not have {string.Join(", ", manifest.Tags.Skip(pushed.Count).Select(t => $"{manifest.Repository}:{t}"))}.";

    /// <summary>
    /// The legacy builder only uses cache-from images the engine has, so they are pulled first. One that cannot be
    /// had (the first build of a branch) only costs the cache it would have given: it is noted and left out.
    /// </summary>
    private static async Task<IReadOnlyList<string>> PullCacheSourcesAsync(IContainerEngine engine, BuildOptions options,
        Credentials.CredentialLookup credentials, string? pushRegistry,
        IBuildLog log, CancellationToken cancellationToken)
    {
        var usable = new List<string>();
        foreach (string source in options.CacheFrom)
        {
            var reference = Spec.ImageReference.TryParse(source, out string? error)
                ?? throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM1001,
                    $"DiamolCacheFrom has the value '{source}', which is not an image reference: {error}. " +
                    "Use a name such as registry.example.com/team/app:latest.");
            bool present = await engine.InspectImageAsync(source, cancellationToken).ConfigureAwait(false) is not null;
            if (!present && options.Pull != PullPolicy.Never)
            {
                string? failure = await engine.PullAsync(reference, EngineLogin(credentials, reference.RegistryOrDockerHub, pushRegistry),
                    log, cancellationToken).ConfigureAwait(false);
                present = failure is null;
                if (!present)
                {
                    log.Warning(Diagnostics.DiagnosticCode.DIAM3016,
                        $"DiamolCacheFrom names '{source}', which could not be pulled ({failure}); the build runs without it, " +
                        "so nothing comes from that cache. " +
                        "Check the name and tag (a typo reads the same as a missing image), " +
                        "and that the registry is reachable with your credentials.");
                }
            }
            else if (!present)
            {
                log.Warning(Diagnostics.DiagnosticCode.DIAM3016,
                    $"DiamolCacheFrom names '{source}', which the engine does not have, and DiamolPullPolicy is Never; " +
                    "the build runs without it. Pull it first or allow pulls.");
            }

            if (present) usable.Add(source);
        }

        return usable;
    }

    // The image must still exist and every tag still name it: a tag moved by someone else means rebuild.
    private static async Task<bool> StillTaggedAsync(IContainerEngine engine, BuildRecord previous, CancellationToken cancellationToken)
    {
        foreach (string tag in previous.Build.References.Prepend(previous.Build.ImageId))
        {
            var image = await engine.InspectImageAsync(tag, cancellationToken).ConfigureAwait(false);
            if (image?.Id != previous.Build.ImageId) return false;
        }

        return true;
    }

    /// <summary>
    /// The login the engine is given for a pull: the environment's pull pair, or the push pair for the registry
    /// images are pushed to (as the OCI writer's pulls), else docker's own login.
    /// </summary>
    private static Credentials.RegistryLogin? EngineLogin(Credentials.CredentialLookup credentials, string registry, string? pushRegistry) =>
        credentials.Find(registry, Credentials.EnvironmentCredentials.PullAccess(registry, pushRegistry));

    /// <summary>Pushes every tag; all tags name the same image, so the registry stores one manifest digest.</summary>
    /// <param name="pushed">Filled with each tag ("repository:tag") as the registry takes it.</param>
    private static async Task<string> PushAsync(IContainerEngine engine, ContextManifest manifest, string registry,
        Credentials.CredentialLookup credentials, List<string> pushed, IBuildLog log, CancellationToken cancellationToken)
    {
        // The SDK's push variables first, as the OCI writer's push and the README promise, then docker's own login.
        var login = credentials.Find(registry, Credentials.RegistryAccess.Push);
        string? digest = null;
        foreach (string tag in manifest.Tags)
        {
            log.Step($"Pushing {manifest.Repository}:{tag}" + (login is null ? " (no stored credentials)" : $" as {login.Username ?? "a token"}"));
            try
            {
                digest = await engine.PushAsync(manifest.Repository, tag, login, log, cancellationToken).ConfigureAwait(false);
            }
            catch (DiamolException e) when (pushed.Count > 0)
            {
                throw new DiamolException(e.Code, e.Message + AlreadyPushed(manifest, pushed), e);
            }

            pushed.Add($"{manifest.Repository}:{tag}");
        }

        return digest!;
    }

    private static async Task<ImageFacts> ReadImageAsync(IContainerEngine engine, string id, CancellationToken cancellationToken) =>
        await engine.InspectImageAsync(id, cancellationToken).ConfigureAwait(false)
            ?? throw new DiamolException(DiagnosticCode.DIAM3019,
                $"The image {id} was built but the engine no longer has it. Was it removed while the build ran? Publish again.");

    private static async Task<IReadOnlyList<ImageHistoryRow>> ReadHistoryAsync(IContainerEngine engine, string id,
        Spec.SecretRedactor redactor, CancellationToken cancellationToken)
    {
        var history = await engine.GetHistoryAsync(id, cancellationToken).ConfigureAwait(false);
        // Entries of locally built images name the image each step produced; its layer count tells exactly whether
        // the step added a layer. Pulled or imported history says "<missing>". The inspections go out together: one
        // per step, each a round trip, on every build.
        var layerCounts = await Task.WhenAll(history.Select(async entry =>
            string.IsNullOrEmpty(entry.Id) || entry.Id == "<missing>"
                ? null
                : (await engine.InspectImageAsync(entry.Id, cancellationToken).ConfigureAwait(false))?.DiffIds.Count)).ConfigureAwait(false);
        return history.Select((entry, i) => entry with { CreatedBy = redactor.Redact(entry.CreatedBy), LayerCount = layerCounts[i] }).ToArray();
    }
}
