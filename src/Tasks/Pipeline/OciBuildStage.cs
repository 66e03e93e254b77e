using Diamol.Build.Context;
using Diamol.Build.Diagnostics;
using Diamol.Build.Engine;
using Diamol.Build.Oci;
using Diamol.Build.Registry;
using Diamol.Build.Spec;
using Diamol.Build.Common;

namespace Diamol.Build.Pipeline;

/// <summary>
/// Stage two without an engine: the same layer plan the Dockerfile was written from, written as reproducible layer
/// blobs over the base image read from its registry, with the config the engine would give, then sent to its
/// destinations (<see cref="IImageDestination"/>): pushed (only the blobs the registry lacks), archived, or loaded into
/// the local engine. Its record feeds the same history stage.
/// </summary>
internal static class OciBuildStage
{
    /// <summary>
    /// The OCI writer from its settings (DiamolWriteImage's one entry point): the options read from
    /// <paramref name="request"/>, the run's registry clients opened over them and closed when the image is sent.
    /// </summary>
    /// <param name="engineFor">The build's shared connection to the first of the candidate engines that answers.</param>
    /// <param name="registriesFor">Opens the run's registry clients with DiamolIdleTimeout and DiamolRegistryRetries.</param>
    /// <param name="state">The staged context (this publish's staging, or the folder's records).</param>
    /// <param name="timings">This publish's stage timings: the write is measured into them as "oci-write".</param>
    public static async Task<OciWriteResult> WriteAsync(OciWriteRequest request, OutputFolderState state, Func<IReadOnlyList<EngineEndpoint>, IEngineSource> engineFor,
        Func<TimeSpan?, RetryPolicy, RegistrySession> registriesFor, IBuildLog log, StageTimings timings, CancellationToken cancellationToken)
    {
        var (options, record, manifest) = await timings.MeasureAsync("oci-write", async () =>
        {
            var options = request.Options(state, engineFor, Environment.GetEnvironmentVariable);
            using var registries = registriesFor(options.IdleLimit, RetryPolicy.Parse(request.RegistryRetries));
            var (record, manifest) = await RunAsync(state, options, registries, log, cancellationToken).ConfigureAwait(false);
            return (options, record, manifest);
        }).ConfigureAwait(false);
        return new OciWriteResult(record, manifest, options.Platform, options.ArchivePath, options.LayoutDirectory);
    }

    /// <param name="registries">
    /// The run's registry clients: the base image's reads, its layers' fetches and the push each use one per registry.
    /// </param>
    /// <param name="state">The staged context (this publish's staging, or the folder's records).</param>
    public static async Task<OciBuildResult> RunAsync(OutputFolderState state, OciOptions options, IRegistryClients registries, IBuildLog log,
        CancellationToken cancellationToken)
    {
        var started = DateTime.UtcNow;
        var folder = state.Folder;
        var manifest = state.Manifest;
        var settings = manifest.Settings ?? throw new DiamolException(DiagnosticCode.DIAM2014,
            $"The build context at '{folder.Root}' was written without image settings (by an older Diamol.Build). Publish again.");
        BuildRecord.RemoveWithSummary(folder);

        var baseReference = ImageReference.TryParse(manifest.BaseImage, out string? error)
            ?? throw new DiamolException(DiagnosticCode.DIAM1001,
                $"ContainerBaseImage has the value '{manifest.BaseImage}', which is not valid: {error}.");
        log.Step(options.TagInRegistry
            ? $"Writing {string.Join(", ", manifest.FullTags)} for {options.Platform} with the OCI writer, on {baseReference}"
            : $"Writing the {options.Platform} image of {manifest.Repository} (by digest: the index gets the tags) " +
                $"with the OCI writer, on {baseReference}");
        RemoveLeftovers(options, started, log);
        var baseImage = await RegistryBaseImage.ReadAsync(registries, baseReference, options.Platform, manifest.Registry, cancellationToken)
            .ConfigureAwait(false);
        if (baseImage.RequireUsableFor(manifest.BaseImage, options.Platform) is { } warning) log.Warning(warning.Code, warning.Message);

        var blobs = OciLayerBlobs.Write(folder, manifest, options.Time, log, cancellationToken);
        var baseLayers = new BaseLayerCache(options.Cache, registries, baseReference, manifest.Registry);
        var repair = new BlobRepair((digest, ct) => RestoreAsync(digest, baseReference, baseImage, baseLayers, blobs, ct), log);
        var config = ImageConfigWriter.Write(baseImage.Config, options.Platform, settings, manifest.Instructions.Skip(1).ToArray(),
            blobs.Blobs, options.Time);
        var configDescriptor = new BlobDescriptor(MediaTypes.Config(options.Format), config.Digest, config.Bytes.Length);
        var ourLayers = manifest.Layers.Where(l => blobs.Blobs.ContainsKey(l.Name)).Select(l => blobs.Blobs[l.Name]).ToArray();
        var allLayers = baseImage.Image.Layers
            .Concat(ourLayers.Select(b => new BlobDescriptor(MediaTypes.Layer(options.Format), b.Digest, b.Size)))
            .ToArray();
        var imageManifest = ImageManifestWriter.Manifest(options.Format, configDescriptor, allLayers);
        log.Step($"Image {config.Digest}: {ourLayers.Length} layers of ours over {baseImage.Image.Layers.Count} of {baseReference}");

        var image = new WrittenImage
        {
            Manifest = manifest,
            Options = options,
            BaseReference = baseReference,
            BaseImage = baseImage,
            Config = config,
            ConfigDescriptor = configDescriptor,
            OurLayers = ourLayers,
            ImageManifest = imageManifest,
            BaseLayers = baseLayers,
            Repair = repair,
        };
        foreach (var destination in DestinationsOf(manifest, options, registries))
        {
            await destination.SendAsync(image, log, cancellationToken).ConfigureAwait(false);
        }

        var record = Record(manifest, options, baseReference, baseImage, config, imageManifest, ourLayers, image.Present, image.PushedDigest);
        record.Save(folder);
        return new OciBuildResult(record, imageManifest);
    }

    /// <summary>Where the image goes, in this order: the registry, the archive, one platform's layout folder, the local engine.</summary>
    private static IEnumerable<IImageDestination> DestinationsOf(ContextManifest manifest, OciOptions options, IRegistryClients registries)
    {
        if (manifest.Registry is { } registry) yield return new RegistryPushDestination(registry, registries);
        if (options.ArchivePath is { } archive) yield return new ArchiveDestination(archive);
        if (options.LayoutDirectory is { } layout) yield return new LayoutDestination(layout);
        if (options.LoadInto is { } engines) yield return new EngineLoadDestination(engines, options.IdleLimit);
    }

    /// <summary>
    /// Removes a blob whose bytes did not match its digest and puts it back: a base layer fetched again into the cache,
    /// a layer of ours written again from the published files (which must give the same digest). Says how, or null.
    /// </summary>
    private static async Task<string?> RestoreAsync(string digest, ImageReference baseReference, BaseImageManifest baseImage,
        BaseLayerCache baseLayers, OciLayerBlobs blobs, CancellationToken cancellationToken)
    {
        if (baseImage.Image.Layers.FirstOrDefault(l => l.Digest == digest) is { } baseLayer)
        {
            await baseLayers.FetchAgainAsync(baseLayer, cancellationToken).ConfigureAwait(false);
            return $"fetched again from {baseReference}";
        }

        return blobs.Rewrite(digest, cancellationToken) ? "written again from the published files" : null;
    }

    /// <summary>What a killed publish left (half-fetched downloads in the cache, this archive's temporary file): removed.</summary>
    private static void RemoveLeftovers(OciOptions options, DateTime started, IBuildLog log)
    {
        int partial = PublishLeftovers.RemovePartialDownloads(options.Cache.BlobFolder, started);
        if (partial > 0)
            log.Detail($"removed {partial} half-fetched download{(partial == 1 ? "" : "s")} a stopped publish left in {options.Cache.Directory}");
        if (options.ArchivePath is { } archive && PublishLeftovers.RemoveArchiveTemporary(archive, started))
        {
            log.Detail($"removed {PublishLeftovers.TemporaryOf(archive)}, which a stopped publish left");
        }
    }

    /// <summary>The record the history stage reads, from what was written: exact sizes, digests, and what the destination already had.</summary>
    private static BuildRecord Record(ContextManifest manifest, OciOptions options, ImageReference baseReference, BaseImageManifest baseImage,
        ImageConfig config, WrittenManifest imageManifest, IReadOnlyList<LayerBlob> ourLayers, HashSet<string> present, string? pushedDigest)
    {
        // One platform of a multi-platform image carries no tag: it is named by its manifest's digest.
        string[] references = options.TagInRegistry ? manifest.FullTags.ToArray() : [$"{manifest.Repository}@{pushedDigest ?? imageManifest.Digest}"];
        var instructions = manifest.Instructions.Skip(1).ToArray();
        int baseEntries = config.History.Count - instructions.Length;
        var layerSizes = baseImage.Image.Layers.Select(l => l.Size).Concat(ourLayers.Select(l => l.UncompressedSize)).ToArray();
        var history = config.History.Select((entry, i) => new ImageHistoryRow(
            "", entry.CreatedBy, entry.Created, entry.EmptyLayer ? 0 : layerSizes.ElementAtOrDefault(entry.LayerCount - 1), entry.LayerCount))
            .ToArray();
        var blobsByName = ourLayers.ToDictionary(b => b.Name, StringComparer.Ordinal);
        var steps = instructions.Select((instruction, i) => new BuildStep(
            i + 2, instruction.Text,
            Cached: instruction.LayerName is not { } name || !blobsByName.TryGetValue(name, out var blob) || present.Contains(blob.Digest),
            ImageId: null)).ToArray();
        long size = baseImage.Image.Layers.Sum(l => l.Size) + ourLayers.Sum(l => l.UncompressedSize);
        return new BuildRecord(
            $"OCI writer ({options.Platform}, {MediaTypes.Describe(options.Format)})",
            new BuildResult(config.Digest, references, steps),
            new ImageFacts(config.Digest, options.Time, size, config.Os, config.Architecture, config.Env, config.DiffIds, config.Labels),
            new BaseImageSummary(baseReference.ToString(), baseImage.Image.Config.Digest, baseImage.Image.Layers.Count,
                baseImage.Image.Layers.Sum(l => l.Size)),
            history,
            pushedDigest,
            IndexPart: !options.TagInRegistry);
    }
}
