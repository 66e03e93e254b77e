using Diamol.Build.Credentials;
using Diamol.Build.Engine;
using Diamol.Build.Oci;
using Diamol.Build.Registry;

namespace Diamol.Build.Pipeline;

/// <summary>
/// ContainerRegistry: pushes only the blobs the registry lacks (a base layer of the same registry is mounted, another
/// registry's travels through the cache), then the manifest under every tag, or by digest for one platform of a
/// multi-platform image.
/// </summary>
/// <param name="registries">The run's registry clients: the push uses the push client of <paramref name="registry"/>.</param>
internal sealed class RegistryPushDestination(string registry, IRegistryClients registries) : IImageDestination
{
    public async Task SendAsync(WrittenImage image, IBuildLog log, CancellationToken cancellationToken)
    {
        var manifest = image.Manifest;
        var present = image.Present;
        string repository = manifest.Repository[(registry.Length + 1)..];
        var client = registries.For(registry, RegistryAccess.Push);
        var (baseRegistry, baseRepository) = RegistryBaseImage.Locate(image.BaseReference);
        bool sameRegistry = string.Equals(baseRegistry, registry, StringComparison.OrdinalIgnoreCase);
        int uploaded = 0;
        long uploadedBytes = 0;

        foreach (var layer in image.BaseImage.Image.Layers)
        {
            if (await client.BlobExistsAsync(repository, layer.Digest, cancellationToken).ConfigureAwait(false)
                || (sameRegistry && await client.TryMountBlobAsync(repository, layer.Digest, baseRepository, cancellationToken).ConfigureAwait(false)))
            {
                present.Add(layer.Digest);
                continue;
            }

            // Another registry's base layers travel through the cache: fetched once, verified, then uploaded (verified
            // again as they are read). The HEAD above said the repository lacks it: the upload asks no second time.
            string path = await image.BaseLayers.PathOfAsync(layer, log, cancellationToken).ConfigureAwait(false);
            await image.Repair.RunAsync($"the push of {layer.Digest}",
                () => client.UploadBlobAsync(repository, layer, () => new VerifiedBlobStream(path, layer), cancellationToken), cancellationToken).ConfigureAwait(false);
            (uploaded, uploadedBytes) = (uploaded + 1, uploadedBytes + layer.Size);
        }

        var config = image.Config;
        var ours = image.OurLayers.Select(b => (Blob: b, Descriptor: image.DescriptorOf(b)))
            .Select(l => (l.Descriptor, Open: (Func<Stream>)(() => new VerifiedBlobStream(l.Blob.Path, l.Descriptor))))
            .Append((Descriptor: image.ConfigDescriptor, Open: () => new MemoryStream(config.Bytes)));
        foreach (var (descriptor, open) in ours)
        {
            var outcome = BlobPushOutcome.Uploaded;
            await image.Repair.RunAsync($"the push of {descriptor.Digest}",
                async () => outcome = await client.PushBlobAsync(repository, descriptor, open, null, cancellationToken).ConfigureAwait(false), cancellationToken).ConfigureAwait(false);
            if (outcome == BlobPushOutcome.AlreadyPresent)
            {
                present.Add(descriptor.Digest);
                continue;
            }

            log.Detail($"uploaded {descriptor.Digest} ({descriptor.Size} bytes)");
            (uploaded, uploadedBytes) = (uploaded + 1, uploadedBytes + descriptor.Size);
        }

        var imageManifest = image.ImageManifest;
        bool tagged = image.Options.TagInRegistry;
        string digest = imageManifest.Digest;
        foreach (string tag in tagged ? manifest.Tags : [imageManifest.Digest])
        {
            digest = await client.PutManifestAsync(repository, tag, imageManifest.Bytes, imageManifest.MediaType, cancellationToken).ConfigureAwait(false);
        }

        log.Step($"Pushed {(tagged ? $"{string.Join(", ", manifest.FullTags)} ({digest})" : $"{manifest.Repository}@{digest} by digest, no tag")}: " +
                 $"{uploaded} blobs uploaded ({uploadedBytes} bytes), {present.Count} already in {registry}");
        image.PushedDigest = digest;
    }
}
