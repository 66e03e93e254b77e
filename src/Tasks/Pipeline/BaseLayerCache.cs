using Diamol.Build.Context;
using Diamol.Build.Diagnostics;
using Diamol.Build.Engine;
using Diamol.Build.Oci;
using Diamol.Build.Registry;
using Diamol.Build.Spec;

namespace Diamol.Build.Pipeline;

/// <summary>
/// The base image's layers in the blob cache (DiamolCacheDirectory), fetched from the base's registry the first time
/// a destination needs their bytes: an archive, a load, or a push to another registry.
/// </summary>
/// <param name="registries">The run's registry clients: one client of the base's registry fetches every layer.</param>
/// <param name="pushRegistry">ContainerRegistry, whose client also reads the base when the base is there.</param>
internal sealed class BaseLayerCache(BlobCache cache, IRegistryClients registries, ImageReference baseReference, string? pushRegistry)
{
    private const string Fix = "make that folder writable by this user, or set DiamolCacheDirectory (or HOME, whose .diamol/cache is the default) to a folder of this user's";

    /// <summary>The base layer's path in the cache, fetched into it first when it is not there.</summary>
    /// <param name="log">Where the fetch is told, or null (a repair says so itself).</param>
    public async Task<string> PathOfAsync(BlobDescriptor layer, IBuildLog? log, CancellationToken cancellationToken)
    {
        string path = cache.PathOf(layer.Digest);
        if (cache.Contains(layer.Digest, layer.Size)) return path;
        var (client, repository) = RegistryBaseImage.ClientFor(registries, baseReference, pushRegistry);
        log?.Detail($"fetching base layer {layer.Digest} ({layer.Size} bytes)");
        WritableFolder.Create(Path.GetDirectoryName(path)!, "the blob cache (DiamolCacheDirectory)", Fix);
        try
        {
            await client.DownloadBlobAsync(repository, layer, path, cancellationToken).ConfigureAwait(false);
        }
        catch (UnauthorizedAccessException e)
        {
            throw WritableFolder.NotWritable(Path.GetDirectoryName(path)!, "the blob cache (DiamolCacheDirectory)", Fix, e);
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

    /// <summary>Removes the cached layer (whose bytes were not its digest) and fetches it again.</summary>
    public async Task FetchAgainAsync(BlobDescriptor layer, CancellationToken cancellationToken)
    {
        File.Delete(cache.PathOf(layer.Digest));
        await PathOfAsync(layer, null, cancellationToken).ConfigureAwait(false);
    }
}
