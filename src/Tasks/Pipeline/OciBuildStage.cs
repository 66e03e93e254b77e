using System.Text.Json;
using Diamol.Build.Context;
using Diamol.Build.Credentials;
using Diamol.Build.Diagnostics;
using Diamol.Build.Engine;
using Diamol.Build.History;
using Diamol.Build.Oci;
using Diamol.Build.Registry;

namespace Diamol.Build.Pipeline;

/// <summary>Where the OCI writer sends the image, besides the registry that ContainerRegistry names.</summary>
/// <param name="ArchivePath">ContainerArchiveOutputPath: a tarball for `docker load` and `podman load`.</param>
/// <param name="LoadInto">The engine to load the image into (the local Docker or Podman), or null.</param>
/// <param name="TagInRegistry">False for one platform of a multi-platform image: pushed by digest, the index gets the tags.</param>
/// <param name="LayoutDirectory">For one platform of a multi-platform archive: every blob of the image goes into this OCI layout folder.</param>
/// <param name="IdleLimit">DiamolIdleTimeout for the engine's load (the registry clients carry their own, with the retries).</param>
public sealed record OciOptions(ImagePlatform Platform, ImageFormat Format, DateTimeOffset Time, BlobCache Cache, string? ArchivePath, IEngineSource? LoadInto,
    bool TagInRegistry = true, string? LayoutDirectory = null, TimeSpan? IdleLimit = null);

/// <summary>What the OCI writer made: the record for the history stage, and the manifest (for an index over several platforms).</summary>
public sealed record OciBuildResult(BuildRecord Record, WrittenManifest Manifest);

/// <summary>
/// Stage two without an engine: the same layer plan the Dockerfile was written from, written as reproducible layer
/// blobs over the base image read from its registry, with the config the engine would give, then pushed (only the
/// blobs the registry lacks), archived, or loaded into the local engine. Its record feeds the same history stage.
/// </summary>
public static class OciBuildStage
{
    private const string LayersFileName = "oci-layers.json";
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    /// <param name="registries">The run's registry clients: the base image's reads, its layers' fetches and the push each use one per registry.</param>
    /// <param name="staged">This publish's staging, whose manifest spares reading it again.</param>
    public static async Task<OciBuildResult> RunAsync(string contextDirectory, OciOptions options, IRegistryClients registries, IBuildLog log, CancellationToken cancellationToken,
        StagedContext? staged = null)
    {
        var started = DateTime.UtcNow;
        var manifest = staged is not null && staged.Describes(contextDirectory) ? staged.Manifest : ContextManifest.Load(contextDirectory);
        var settings = manifest.Settings ?? throw new DiamolException(DiagnosticCode.DIAM2014,
            $"The build context at '{contextDirectory}' was written without image settings (by an older Diamol.Build). Publish again.");
        // A failed build must not leave the previous record, or image.json (which CI reads to deploy), describing an
        // image this build did not make.
        File.Delete(BuildRecord.PathIn(contextDirectory));
        File.Delete(Path.Combine(contextDirectory, HistoryStage.ImageFileName));

        var baseReference = Spec.ImageReference.TryParse(manifest.BaseImage, out string? error)
            ?? throw new DiamolException(DiagnosticCode.DIAM1001, $"ContainerBaseImage has the value '{manifest.BaseImage}', which is not valid: {error}.");
        log.Step(options.TagInRegistry
            ? $"Writing {string.Join(", ", manifest.FullTags)} for {options.Platform} with the OCI writer, on {baseReference}"
            : $"Writing the {options.Platform} image of {manifest.Repository} (by digest: the index gets the tags) with the OCI writer, on {baseReference}");
        RemoveLeftovers(options, started, log);
        var baseImage = await RegistryBaseImage.ReadAsync(registries, baseReference, options.Platform, manifest.Registry, cancellationToken).ConfigureAwait(false);
        if (baseImage.RequireUsableFor(manifest.BaseImage, options.Platform) is { } warning) log.Warning(warning.Code, warning.Message);

        var blobs = WriteLayers(contextDirectory, manifest, options.Time, log, cancellationToken);
        var repair = new BlobRepair((digest, ct) => RestoreAsync(digest, contextDirectory, manifest, options, registries, baseReference, baseImage, blobs, ct), log);
        var config = ImageConfigWriter.Write(baseImage.Config, options.Platform, settings, manifest.Instructions.Skip(1).ToArray(), blobs, options.Time);
        var configDescriptor = new BlobDescriptor(MediaTypes.Config(options.Format), config.Digest, config.Bytes.Length);
        var ourLayers = manifest.Layers.Where(l => blobs.ContainsKey(l.Name)).Select(l => blobs[l.Name]).ToArray();
        var allLayers = baseImage.Image.Layers.Concat(ourLayers.Select(b => new BlobDescriptor(MediaTypes.Layer(options.Format), b.Digest, b.Size))).ToArray();
        var imageManifest = ImageManifestWriter.Manifest(options.Format, configDescriptor, allLayers);
        log.Step($"Image {config.Digest}: {ourLayers.Length} layers of ours over {baseImage.Image.Layers.Count} of {baseReference}");

        var present = new HashSet<string>(StringComparer.Ordinal);
        string? pushedDigest = null;
        if (manifest.Registry is { } registry)
        {
            pushedDigest = await PushAsync(manifest, registry, registries, baseReference, baseImage, config, configDescriptor, ourLayers, imageManifest, present, options, repair, log, cancellationToken)
                .ConfigureAwait(false);
        }

        // An unchanged republish: every tag already names this image in the engine, so a load would change nothing.
        bool alreadyTagged = options.LoadInto is { } local
            && await AlreadyTaggedAsync(local, manifest.FullTags.ToArray(), config.Digest, imageManifest.Digest, options.IdleLimit, log, cancellationToken).ConfigureAwait(false);
        // Nothing is new to an engine that already has the image: the record (and the summary, "0 of N steps new") says so.
        if (alreadyTagged) present.UnionWith(ourLayers.Select(l => l.Digest));
        if (options.ArchivePath is not null || (options.LoadInto is not null && !alreadyTagged) || options.LayoutDirectory is not null)
        {
            var archiveLayers = await ArchiveLayersAsync(registries, baseReference, manifest.Registry, baseImage, ourLayers, options, log, cancellationToken).ConfigureAwait(false);
            if (options.ArchivePath is { } archivePath)
            {
                await repair.RunAsync($"writing {archivePath}", () =>
                {
                    WriteArchive(archivePath, config, imageManifest, archiveLayers, manifest.FullTags.ToArray());
                    return Task.CompletedTask;
                }, cancellationToken).ConfigureAwait(false);
                log.Step($"Wrote {archivePath}");
            }

            if (options.LayoutDirectory is { } layout)
            {
                WriteLayout(layout, config, imageManifest, archiveLayers);
            }

            if (options.LoadInto is { } engines && !alreadyTagged)
            {
                await repair.RunAsync("the load into the engine",
                    () => LoadAsync(engines, config, imageManifest, archiveLayers, [.. manifest.FullTags, baseReference.ToString()], manifest.FullTags.ToArray(), options.IdleLimit, log, cancellationToken),
                    cancellationToken).ConfigureAwait(false);
            }
        }

        var record = Record(manifest, options, baseReference, baseImage, config, imageManifest, ourLayers, present, pushedDigest);
        record.Save(contextDirectory);
        return new OciBuildResult(record, imageManifest);
    }

    /// <summary>Where the Dockerfile's COPY of a layer puts its files: the layer blob puts them in the same folder.</summary>
    private static string DestinationOf(ContextManifest manifest, string layerName)
    {
        var copy = manifest.Instructions.Single(i => i.Keyword == "COPY" && i.LayerName == layerName);
        // A writable layer's COPY starts with --chown=uid:gid (the blob writer takes the owner from the plan).
        string copied = copy.Text["COPY".Length..].Trim();
        if (copied.StartsWith("--chown=", StringComparison.Ordinal)) copied = copied[(copied.IndexOf(' ') + 1)..].TrimStart();
        var arguments = DockerfileSyntax.ConfigInstructionInterpreter.JsonList(copied)
            ?? throw new DiamolException(DiagnosticCode.DIAM2014, $"The build context's COPY of the layer '{layerName}' is not in exec form: '{copy.Text}'. Publish again.");
        return arguments[^1];
    }

    /// <summary>Writes each planned layer as a blob, reusing last build's blob when the layer's files are unchanged.</summary>
    private static Dictionary<string, LayerBlob> WriteLayers(string contextDirectory, ContextManifest manifest, DateTimeOffset time, IBuildLog log, CancellationToken cancellationToken)
    {
        string folder = Path.Combine(contextDirectory, ContextManifest.FolderName);
        string blobDirectory = Path.Combine(folder, "blobs");
        string recordPath = Path.Combine(folder, LayersFileName);
        var previous = ReadLayers(recordPath);
        var blobs = new Dictionary<string, LayerBlob>(StringComparer.Ordinal);
        try
        {
            foreach (var layer in manifest.Layers)
            {
                string workingDirectory = DestinationOf(manifest, layer.Name);
                string key = LayerBlobWriter.KeyOf(layer, workingDirectory, time);
                if (previous.TryGetValue(layer.Name, out var known) && known.Key == key && new FileInfo(known.Path) is { Exists: true } file && file.Length == known.Size)
                {
                    blobs[layer.Name] = known;
                    continue;
                }

                var blob = LayerBlobWriter.Write(layer, workingDirectory, time, blobDirectory, cancellationToken);
                log.Detail($"layer {layer.Name}: {blob.Digest} ({blob.Size} bytes compressed, {blob.UncompressedSize} bytes)");
                blobs[layer.Name] = blob;
            }

            // Blobs no layer uses any more go, so the folder does not grow with every edit.
            var used = blobs.Values.Select(b => Path.GetFullPath(b.Path)).ToHashSet(StringComparer.Ordinal);
            if (Directory.Exists(blobDirectory))
            {
                foreach (string stale in Directory.EnumerateFiles(blobDirectory).Where(p => !used.Contains(Path.GetFullPath(p)))) File.Delete(stale);
            }

            Common.AtomicFile.WriteIfChanged(recordPath, JsonSerializer.Serialize(blobs, Json));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DiamolException(DiagnosticCode.DIAM2006,
                $"The image's layers could not be written to '{blobDirectory}': {e.Message} Check that the folder is writable and the disk has room.", e);
        }

        return blobs;
    }

    private static Dictionary<string, LayerBlob> ReadLayers(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<Dictionary<string, LayerBlob>>(File.ReadAllText(path), Json) ?? [] : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }

    private static async Task<string> PushAsync(
        ContextManifest manifest, string registry, IRegistryClients registries, Spec.ImageReference baseReference, BaseImageManifest baseImage, ImageConfig config, BlobDescriptor configDescriptor,
        IReadOnlyList<LayerBlob> ourLayers, WrittenManifest imageManifest, HashSet<string> present, OciOptions options, BlobRepair repair, IBuildLog log, CancellationToken cancellationToken)
    {
        var format = options.Format;
        string repository = manifest.Repository[(registry.Length + 1)..];
        var client = registries.For(registry, RegistryAccess.Push);
        var (baseRegistry, baseRepository) = RegistryBaseImage.Locate(baseReference);
        bool sameRegistry = string.Equals(baseRegistry, registry, StringComparison.OrdinalIgnoreCase);
        int uploaded = 0;
        long uploadedBytes = 0;

        foreach (var layer in baseImage.Image.Layers)
        {
            if (await client.BlobExistsAsync(repository, layer.Digest, cancellationToken).ConfigureAwait(false)
                || (sameRegistry && await client.TryMountBlobAsync(repository, layer.Digest, baseRepository, cancellationToken).ConfigureAwait(false)))
            {
                present.Add(layer.Digest);
                continue;
            }

            // Another registry's base layers travel through the cache: fetched once, verified, then uploaded (verified
            // again as they are read). The HEAD above said the repository lacks it: the upload asks no second time.
            string path = await CacheBaseLayerAsync(registries, baseReference, layer, options, manifest.Registry, log, cancellationToken).ConfigureAwait(false);
            await repair.RunAsync($"the push of {layer.Digest}",
                () => client.UploadBlobAsync(repository, layer, () => new VerifiedBlobStream(path, layer), cancellationToken), cancellationToken).ConfigureAwait(false);
            (uploaded, uploadedBytes) = (uploaded + 1, uploadedBytes + layer.Size);
        }

        var ours = ourLayers.Select(b => (Blob: b, Descriptor: new BlobDescriptor(MediaTypes.Layer(format), b.Digest, b.Size)))
            .Select(l => (l.Descriptor, Open: (Func<Stream>)(() => new VerifiedBlobStream(l.Blob.Path, l.Descriptor))))
            .Append((Descriptor: configDescriptor, Open: () => new MemoryStream(config.Bytes)));
        foreach (var (descriptor, open) in ours)
        {
            var outcome = BlobPushOutcome.Uploaded;
            await repair.RunAsync($"the push of {descriptor.Digest}",
                async () => outcome = await client.PushBlobAsync(repository, descriptor, open, null, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            if (outcome == BlobPushOutcome.AlreadyPresent)
            {
                present.Add(descriptor.Digest);
                continue;
            }

            log.Detail($"uploaded {descriptor.Digest} ({descriptor.Size} bytes)");
            (uploaded, uploadedBytes) = (uploaded + 1, uploadedBytes + descriptor.Size);
        }

        string digest = imageManifest.Digest;
        foreach (string tag in options.TagInRegistry ? manifest.Tags : [imageManifest.Digest])
        {
            digest = await client.PutManifestAsync(repository, tag, imageManifest.Bytes, imageManifest.MediaType, cancellationToken).ConfigureAwait(false);
        }

        log.Step($"Pushed {(options.TagInRegistry ? $"{string.Join(", ", manifest.FullTags)} ({digest})" : $"{manifest.Repository}@{digest} by digest, no tag")}: " +
                 $"{uploaded} blobs uploaded ({uploadedBytes} bytes), {present.Count} already in {registry}");
        return digest;
    }

    /// <summary>
    /// Removes a blob whose bytes did not match its digest and puts it back: a base layer fetched again into the cache,
    /// a layer of ours written again from the published files (which must give the same digest). Says how, or null.
    /// </summary>
    private static async Task<string?> RestoreAsync(string digest, string contextDirectory, ContextManifest manifest, OciOptions options, IRegistryClients registries,
        Spec.ImageReference baseReference, BaseImageManifest baseImage, IReadOnlyDictionary<string, LayerBlob> blobs, CancellationToken cancellationToken)
    {
        if (baseImage.Image.Layers.FirstOrDefault(l => l.Digest == digest) is { } baseLayer)
        {
            File.Delete(options.Cache.PathOf(digest));
            await CacheBaseLayerAsync(registries, baseReference, baseLayer, options, manifest.Registry, null, cancellationToken).ConfigureAwait(false);
            return $"fetched again from {baseReference}";
        }

        if (blobs.Values.FirstOrDefault(b => b.Digest == digest) is not { } ours) return null;
        var layer = manifest.Layers.Single(l => l.Name == ours.Name);
        File.Delete(ours.Path);
        var again = LayerBlobWriter.Write(layer, DestinationOf(manifest, layer.Name), options.Time, Path.GetDirectoryName(ours.Path)!, cancellationToken);
        if (again.Digest != digest)
        {
            // The published files changed during the publish: the image's config no longer describes them.
            File.Delete(again.Path);
            return null;
        }

        return "written again from the published files";
    }

    /// <summary>The base layer's path in the cache, fetched into it first (with the run's one client of the base's registry) when it is not there.</summary>
    private static async Task<string> CacheBaseLayerAsync(IRegistryClients registries, Spec.ImageReference baseReference, BlobDescriptor layer, OciOptions options, string? pushRegistry,
        IBuildLog? log, CancellationToken cancellationToken)
    {
        var cache = options.Cache;
        string path = cache.PathOf(layer.Digest);
        if (cache.Contains(layer.Digest, layer.Size)) return path;
        var (client, repository) = RegistryBaseImage.ClientFor(registries, baseReference, pushRegistry);
        log?.Detail($"fetching base layer {layer.Digest} ({layer.Size} bytes)");
        const string fix = "make that folder writable by this user, or set DiamolCacheDirectory (or HOME, whose .diamol/cache is the default) to a folder of this user's";
        Context.WritableFolder.Create(Path.GetDirectoryName(path)!, "the blob cache (DiamolCacheDirectory)", fix);
        try
        {
            await client.DownloadBlobAsync(repository, layer, path, cancellationToken).ConfigureAwait(false);
        }
        catch (UnauthorizedAccessException e)
        {
            throw Context.WritableFolder.NotWritable(Path.GetDirectoryName(path)!, "the blob cache (DiamolCacheDirectory)", fix, e);
        }
        catch (IOException e) when (e is not BlobMismatchException)
        {
            // The network's faults are coded by the client; a bare IOException here is the cache's disk.
            throw new DiamolException(DiagnosticCode.DIAM2017,
                $"The base layer {layer.Digest} ({layer.Size} bytes) could not be written into the blob cache at '{cache.Directory}' (DiamolCacheDirectory): " +
                $"{(Common.FileErrors.IsDiskFull(e) ? "the disk is full" : e.Message)}. Nothing half-fetched was kept. " +
                "Free some space on that disk or make the folder writable, or set DiamolCacheDirectory to a folder on a disk with room, then publish again.", e);
        }

        return path;
    }

    /// <summary>What a killed publish left (half-fetched downloads in the cache, this archive's temporary file): removed.</summary>
    private static void RemoveLeftovers(OciOptions options, DateTime started, IBuildLog log)
    {
        int partial = PublishLeftovers.RemovePartialDownloads(options.Cache.BlobFolder, started);
        if (partial > 0) log.Detail($"removed {partial} half-fetched download{(partial == 1 ? "" : "s")} a stopped publish left in {options.Cache.Directory}");
        if (options.ArchivePath is { } archive && PublishLeftovers.RemoveArchiveTemporary(archive, started))
        {
            log.Detail($"removed {PublishLeftovers.TemporaryOf(archive)}, which a stopped publish left");
        }
    }

    private static async Task<IReadOnlyList<ArchiveBlob>> ArchiveLayersAsync(
        IRegistryClients registries, Spec.ImageReference baseReference, string? pushRegistry, BaseImageManifest baseImage, IReadOnlyList<LayerBlob> ourLayers, OciOptions options, IBuildLog log, CancellationToken cancellationToken)
    {
        var layers = new List<ArchiveBlob>();
        foreach (var layer in baseImage.Image.Layers)
        {
            layers.Add(new ArchiveBlob(layer, await CacheBaseLayerAsync(registries, baseReference, layer, options, pushRegistry, log, cancellationToken).ConfigureAwait(false)));
        }

        layers.AddRange(ourLayers.Select(b => new ArchiveBlob(new BlobDescriptor(MediaTypes.Layer(options.Format), b.Digest, b.Size), b.Path)));
        return layers;
    }

    /// <summary>The image's blobs in an OCI layout folder (linked where the file system allows), for the index's archive.</summary>
    private static void WriteLayout(string layout, ImageConfig config, WrittenManifest manifest, IReadOnlyList<ArchiveBlob> layers)
    {
        try
        {
            string blobs = Path.Combine(layout, "blobs", "sha256");
            if (Directory.Exists(layout)) Directory.Delete(layout, recursive: true);
            Directory.CreateDirectory(blobs);
            File.WriteAllBytes(Path.Combine(blobs, config.Digest["sha256:".Length..]), config.Bytes);
            File.WriteAllBytes(Path.Combine(blobs, manifest.Digest["sha256:".Length..]), manifest.Bytes);
            foreach (var layer in layers)
            {
                string target = Path.Combine(blobs, layer.Descriptor.Digest["sha256:".Length..]);
                if (!File.Exists(target)) FileLinker.LinkOrCopy(layer.Path, target);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DiamolException(DiagnosticCode.DIAM2006, $"The image's blobs could not be written to '{layout}': {e.Message} Check that the folder is writable and the disk has room.", e);
        }
    }

    private static void WriteArchive(string path, ImageConfig config, WrittenManifest manifest, IReadOnlyList<ArchiveBlob> layers, IReadOnlyList<string> tags)
    {
        string full = Path.GetFullPath(path);
        // A blob that is not its digest passes on as it is, for BlobRepair.
        Common.AtomicFile.Write(full, PublishLeftovers.TemporaryOf(full),
            output => ImageArchiveWriter.Write(output, config.Bytes, config.Digest, manifest, layers, tags),
            e => e is BlobMismatchException ? null : new DiamolException(DiagnosticCode.DIAM2006,
                $"ContainerArchiveOutputPath has the value '{path}', where the image archive could not be written: {e.Message} Make the folder writable or choose another path.", e));
    }

    /// <summary>
    /// Whether every tag already names this image: by its config's digest (the image id of Docker's own image store)
    /// or its manifest's (the containerd image store's). Anything else, a missing tag included, means load.
    /// </summary>
    private static async Task<bool> AlreadyTaggedAsync(IEngineSource engines, IReadOnlyList<string> tags, string configDigest, string manifestDigest,
        TimeSpan? idleLimit, IBuildLog log, CancellationToken cancellationToken)
    {
        var engine = await engines.ConnectAsync(cancellationToken).ConfigureAwait(false);
        engine.IdleLimit = idleLimit;
        foreach (string tag in tags)
        {
            var image = await engine.InspectImageAsync(tag, cancellationToken).ConfigureAwait(false);
            if (image?.Id != configDigest && image?.Id != manifestDigest) return false;
        }

        log.Step($"{string.Join(", ", tags)} already name{(tags.Count == 1 ? "s" : "")} this image ({HistoryMarkdownWriter.ShortId(configDigest)}) in {engine.Description}: nothing to load");
        return true;
    }

    /// <param name="relatives">Images the engine may have that share this one's first layers: its own tags' previous image, its base.</param>
    private static async Task LoadAsync(IEngineSource engines, ImageConfig config, WrittenManifest manifest, IReadOnlyList<ArchiveBlob> layers,
        IReadOnlyList<string> relatives, IReadOnlyList<string> tags, TimeSpan? idleLimit, IBuildLog log, CancellationToken cancellationToken)
    {
        var engine = await engines.ConnectAsync(cancellationToken).ConfigureAwait(false);
        engine.IdleLimit = idleLimit;
        // After an edit the engine has every layer up to the changed one: Docker's load needs none of their bytes.
        int known = engine.IsPodman ? 0
            : await KnownLayerCountAsync(engine, config.DiffIds, relatives, cancellationToken).ConfigureAwait(false);
        var omit = layers.Take(known).Select(l => l.Descriptor.Digest).ToHashSet(StringComparer.Ordinal);
        log.Step($"Loading {string.Join(", ", tags)} into {engine.Description} at {engine.Endpoint}" +
            (known > 0 ? $" (its first {known} of {layers.Count} layers are there already)" : ""));
        // The archive is written to a pipe while the engine reads it: nothing the size of the image is held in memory.
        var pipe = new System.IO.Pipelines.Pipe(new System.IO.Pipelines.PipeOptions(pauseWriterThreshold: 4 << 20, resumeWriterThreshold: 2 << 20));
        var writer = Task.Run(async () =>
        {
            try
            {
                using (var output = pipe.Writer.AsStream(leaveOpen: true))
                {
                    ImageArchiveWriter.Write(output, config.Bytes, config.Digest, manifest, layers, tags, omit);
                }

                await pipe.Writer.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e).ConfigureAwait(false);
                throw;
            }
        }, cancellationToken);
        try
        {
            await engine.LoadAsync(pipe.Reader.AsStream(), log, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (BlobRepair.Mismatch(e) is null)
        {
            // The load may have failed because the archive did: a blob that was not its digest stopped the writer,
            // and that (not the engine's view of a cut archive) is what the repair needs to see.
            await pipe.Reader.CompleteAsync().ConfigureAwait(false);
            await Task.WhenAny(writer, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None)).ConfigureAwait(false);
            if (writer.IsFaulted && BlobRepair.Mismatch(writer.Exception) is { } mismatch) throw mismatch;
            throw;
        }

        await writer.ConfigureAwait(false);
    }

    /// <summary>How many of the image's first layers (by diff id, in order) some image the engine has shares: those layers it has.</summary>
    private static async Task<int> KnownLayerCountAsync(IContainerEngine engine, IReadOnlyList<string> diffIds, IReadOnlyList<string> relatives, CancellationToken cancellationToken)
    {
        int known = 0;
        foreach (string name in relatives.Distinct(StringComparer.Ordinal))
        {
            var image = await engine.InspectImageAsync(name, cancellationToken).ConfigureAwait(false);
            if (image is null) continue;
            int shared = diffIds.Zip(image.Layers).TakeWhile(pair => pair.First == pair.Second).Count();
            known = Math.Max(known, shared);
        }

        return known;
    }

    /// <summary>The record the history stage reads, from what was written: exact sizes, digests, and what the destination already had.</summary>
    private static BuildRecord Record(ContextManifest manifest, OciOptions options, Spec.ImageReference baseReference, BaseImageManifest baseImage, ImageConfig config,
        WrittenManifest imageManifest, IReadOnlyList<LayerBlob> ourLayers, HashSet<string> present, string? pushedDigest)
    {
        // One platform of a multi-platform image carries no tag: it is named by its manifest's digest.
        string[] references = options.TagInRegistry ? manifest.FullTags.ToArray() : [$"{manifest.Repository}@{pushedDigest ?? imageManifest.Digest}"];
        var instructions = manifest.Instructions.Skip(1).ToArray();
        int baseEntries = config.History.Count - instructions.Length;
        var layerSizes = baseImage.Image.Layers.Select(l => l.Size).Concat(ourLayers.Select(l => l.UncompressedSize)).ToArray();
        var history = config.History.Select((entry, i) => new EngineHistoryEntry(
            "", entry.CreatedBy, entry.Created, entry.EmptyLayer ? 0 : layerSizes.ElementAtOrDefault(entry.LayerCount - 1), entry.LayerCount)).ToArray();
        var blobsByName = ourLayers.ToDictionary(b => b.Name, StringComparer.Ordinal);
        var steps = instructions.Select((instruction, i) => new BuildStep(
            i + 2, instruction.Text,
            Cached: instruction.LayerName is not { } name || !blobsByName.TryGetValue(name, out var blob) || present.Contains(blob.Digest),
            ImageId: null)).ToArray();
        long size = baseImage.Image.Layers.Sum(l => l.Size) + ourLayers.Sum(l => l.UncompressedSize);
        return new BuildRecord(
            $"OCI writer ({options.Platform}, {MediaTypes.Describe(options.Format)})",
            new BuildResult(config.Digest, references, steps),
            new EngineImage(config.Digest, options.Time, size, config.Os, config.Architecture, config.Env, config.DiffIds, config.Labels),
            new EngineBaseImage(baseReference.ToString(), baseImage.Image.Config.Digest, baseImage.Image.Layers.Count, baseImage.Image.Layers.Sum(l => l.Size)),
            history,
            pushedDigest,
            IndexPart: !options.TagInRegistry);
    }
}
