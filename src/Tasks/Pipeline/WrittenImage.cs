using Diamol.Build.Context;
using Diamol.Build.Engine;
using Diamol.Build.Oci;
using Diamol.Build.Registry;
using Diamol.Build.Spec;

namespace Diamol.Build.Pipeline;

/// <summary>
/// The image the OCI writer made, as its destinations take it: config, manifest, the base's layers and ours, and what
/// the destinations found they had already.
/// </summary>
internal sealed class WrittenImage
{
    private IReadOnlyList<ArchiveBlob>? _localLayers;

    public required ContextManifest Manifest { get; init; }
    public required OciOptions Options { get; init; }
    public required ImageReference BaseReference { get; init; }
    public required BaseImageManifest BaseImage { get; init; }
    public required ImageConfig Config { get; init; }
    public required BlobDescriptor ConfigDescriptor { get; init; }
    public required IReadOnlyList<LayerBlob> OurLayers { get; init; }
    public required WrittenManifest ImageManifest { get; init; }
    public required BaseLayerCache BaseLayers { get; init; }

    /// <summary>Retries a step once a damaged blob is restored (<see cref="BlobRepair"/>).</summary>
    public required BlobRepair Repair { get; init; }

    /// <summary>Blobs a destination had already: a registry's, or every layer of ours when the engine has the image. The record's cached steps.</summary>
    public HashSet<string> Present { get; } = new(StringComparer.Ordinal);

    /// <summary>The manifest's digest as the registry answered the push; null when nothing was pushed.</summary>
    public string? PushedDigest { get; set; }

    public IReadOnlyList<string> FullTags => Manifest.FullTags.ToArray();

    /// <summary>Our layer blob as the manifest names it.</summary>
    public BlobDescriptor DescriptorOf(LayerBlob blob) => new(MediaTypes.Layer(Options.Format), blob.Digest, blob.Size);

    /// <summary>
    /// Every layer, the base's first, with its bytes on disk: the base's are fetched into the cache (once, for every
    /// destination on this machine: an archive, a layout folder, a load).
    /// </summary>
    public async Task<IReadOnlyList<ArchiveBlob>> LocalLayersAsync(IBuildLog log, CancellationToken cancellationToken)
    {
        if (_localLayers is not null) return _localLayers;
        var layers = new List<ArchiveBlob>();
        foreach (var layer in BaseImage.Image.Layers)
        {
            layers.Add(new ArchiveBlob(layer, await BaseLayers.PathOfAsync(layer, log, cancellationToken).ConfigureAwait(false)));
        }

        layers.AddRange(OurLayers.Select(b => new ArchiveBlob(DescriptorOf(b), b.Path)));
        return _localLayers = layers;
    }
}
