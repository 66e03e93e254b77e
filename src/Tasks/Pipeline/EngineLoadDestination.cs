using Diamol.Build.Engine;
using Diamol.Build.Common;
using Diamol.Build.Oci;

namespace Diamol.Build.Pipeline;

/// <summary>
/// The local engine (LocalRegistry: Docker, or Podman's service): the image loaded as an archive streamed to the
/// engine, unless every tag names it already. Docker's load is spared the layers the engine has; Podman's takes all.
/// </summary>
/// <param name="idleLimit">DiamolIdleTimeout for the engine's exchanges.</param>
internal sealed class EngineLoadDestination(IEngineSource engines, TimeSpan? idleLimit) : IImageDestination
{
    public async Task SendAsync(WrittenImage image, IBuildLog log, CancellationToken cancellationToken)
    {
        var tags = image.FullTags;
        // An unchanged republish: every tag already names this image in the engine, so a load would change nothing.
        // Nothing is new to an engine that already has the image: the record (and the summary, "0 of N steps new") says so.
        if (await AlreadyTaggedAsync(tags, image.Config.Digest, image.ImageManifest.Digest, log, cancellationToken).ConfigureAwait(false))
        {
            image.Present.UnionWith(image.OurLayers.Select(l => l.Digest));
            return;
        }

        var layers = await image.LocalLayersAsync(log, cancellationToken).ConfigureAwait(false);
        await image.Repair.RunAsync("the load into the engine",
            () => LoadAsync(image.Config, image.ImageManifest, layers, [.. tags, image.BaseReference.ToString()], tags, log, cancellationToken),
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Whether every tag already names this image: by its config's digest (the image id of Docker's own image store)
    /// or its manifest's (the containerd image store's). Anything else, a missing tag included, means load.
    /// </summary>
    private async Task<bool> AlreadyTaggedAsync(IReadOnlyList<string> tags, string configDigest, string manifestDigest, IBuildLog log, CancellationToken cancellationToken)
    {
        var engine = await engines.ConnectAsync(cancellationToken).ConfigureAwait(false);
        engine.IdleLimit = idleLimit;
        foreach (string tag in tags)
        {
            var image = await engine.InspectImageAsync(tag, cancellationToken).ConfigureAwait(false);
            if (image?.Id != configDigest && image?.Id != manifestDigest) return false;
        }

        log.Step($"{string.Join(", ", tags)} already name{(tags.Count == 1 ? "s" : "")} this image ({ShortId.Of(configDigest)}) in {engine.Description}: nothing to load");
        return true;
    }

    /// <param name="relatives">Images the engine may have that share this one's first layers: its own tags' previous image, its base.</param>
    private async Task LoadAsync(ImageConfig config, WrittenManifest manifest, IReadOnlyList<ArchiveBlob> layers, IReadOnlyList<string> relatives, IReadOnlyList<string> tags,
        IBuildLog log, CancellationToken cancellationToken)
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
            int shared = diffIds.Zip(image.DiffIds).TakeWhile(pair => pair.First == pair.Second).Count();
            known = Math.Max(known, shared);
        }

        return known;
    }
}
