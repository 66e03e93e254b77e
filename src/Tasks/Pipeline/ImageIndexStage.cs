using Diamol.Build.Common;
using Diamol.Build.Credentials;
using Diamol.Build.Diagnostics;
using Diamol.Build.Engine;
using Diamol.Build.Oci;
using Diamol.Build.Registry;

namespace Diamol.Build.Pipeline;

/// <summary>One platform's image of a multi-platform publish: its manifest (pushed by digest, or in an OCI layout folder).</summary>
internal sealed record PlatformManifest(ImagePlatform Platform, string Digest, string MediaType, long Size, string? Layout = null);

/// <summary>
/// The last step of a multi-platform publish (ContainerRuntimeIdentifiers): the per-platform images are already in
/// the registry by digest; an image index (manifest list) over them is pushed under every tag.
/// </summary>
internal static class ImageIndexStage
{
    /// <summary>
    /// DiamolWriteImageIndex's one entry point: the index pushed under every tag (ContainerRegistry), else written with
    /// every platform's image to ContainerArchiveOutputPath; the targets refuse neither with DIAM1016 before any platform is published.
    /// Then image.json names the index and its tags.
    /// </summary>
    /// <param name="registriesFor">Opens the run's registry clients with DiamolIdleTimeout and DiamolRegistryRetries.</param>
    public static async Task<ImageIndexResult> PublishAsync(ImageIndexRequest request, Func<TimeSpan?, RetryPolicy, RegistrySession> registriesFor,
        IBuildLog log, CancellationToken cancellationToken)
    {
        var format = MediaTypes.ParseFormat(request.ImageFormat);
        var fullTags = request.FullTags;
        string digest;
        string? archive = null;
        if (request.Pushed)
        {
            using var registries = registriesFor(BuildOptions.ParseIdleTimeout(request.IdleTimeout), RetryPolicy.Parse(request.RegistryRetries));
            digest = await PushAsync(request.ContainerRegistry!, request.Repository, request.Tags, format, request.Images, registries, log,
                cancellationToken).ConfigureAwait(false);
        }
        else if (request.ArchivePath is { Length: > 0 } setting && request.Images.All(i => i.Layout is not null))
        {
            archive = ImageArchiveWriter.ResolvePath(setting, request.ProjectDirectory ?? Environment.CurrentDirectory, request.Repository);
            digest = WriteArchive(archive, fullTags, format, request.Images);
            log.Step($"Wrote the multi-platform image {string.Join(", ", fullTags)} to {archive}");
        }
        else
        {
            // Neither a registry nor an archive is refused with DIAM1016 by _DiamolPublishIndex, before any platform
            // is published; an archive's platforms each write their layout.
            throw new InvalidOperationException(
                "A multi-platform image without a registry, or with a platform that wrote no OCI layout, reached the index.");
        }

        Directory.CreateDirectory(request.OutputDirectory);
        new ImageSummary(digest, request.FullRepository, fullTags, request.Pushed ? digest : null, request.Pushed).Save(new Context.OutputFolder(request.OutputDirectory));
        return new ImageIndexResult(digest, fullTags, request.Pushed, archive);
    }

    /// <param name="registries">The run's registry clients: the index goes up with the push client of <paramref name="registry"/>.</param>
    public static async Task<string> PushAsync(string registry, string repository, IReadOnlyList<string> tags, ImageFormat format,
        IReadOnlyList<PlatformManifest> images, IRegistryClients registries, IBuildLog log, CancellationToken cancellationToken)
    {
        var duplicate = images.GroupBy(i => i.Platform.ToString()).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new DiamolException(DiagnosticCode.DIAM1016,
                $"ContainerRuntimeIdentifiers gives two images for {duplicate.Key}: an index holds one image per platform. Name each platform once.");
        }

        var index = Index(format, images);
        var client = registries.For(registry, RegistryAccess.Push);
        string digest = index.Digest;
        foreach (string tag in tags)
        {
            digest = await client.PutManifestAsync(repository, tag, index.Bytes, index.MediaType, cancellationToken).ConfigureAwait(false);
        }

        log.Step($"Pushed the index {registry}/{repository}:{string.Join(", ", tags)} ({digest}) " +
            $"over {string.Join(", ", images.Select(i => i.Platform))}");
        return digest;
    }

    /// <summary>
    /// Writes the index and every platform's blobs as one OCI image layout tarball (`podman load` takes the image of its
    /// own platform from it; engines with the containerd image store keep the whole index).
    /// </summary>
    public static string WriteArchive(string path, IReadOnlyList<string> fullTags, ImageFormat format, IReadOnlyList<PlatformManifest> images)
    {
        var index = Index(format, images);
        try
        {
            ImageArchiveFile.Write(path, output =>
            {
                var layout = new OciLayoutWriter(output, folderEntries: false);
                foreach (string blob in images
                    .SelectMany(i => Directory.EnumerateFiles(OciLayoutWriter.BlobFolderIn(i.Layout!)))
                    .Order(StringComparer.Ordinal))
                {
                    // Every blob is named by its digest: verified as it is copied, so no damaged blob is archived.
                    layout.AddBlob(new BlobDescriptor("", ContentDigest.Prefix + Path.GetFileName(blob), new FileInfo(blob).Length), blob);
                }

                layout.AddBlob(index.Digest, index.Bytes);
                layout.AddIndex(index, fullTags);
                layout.Finish();
            });
            return index.Digest;
        }
        catch (BlobMismatchException mismatch)
        {
            throw BlobRepair.Failure(mismatch, $"writing {Path.GetFullPath(path)}", "in the image layout of its platform");
        }
    }

    // The entries refer to the manifests by digest; only their descriptors go into the index.
    private static WrittenManifest Index(ImageFormat format, IReadOnlyList<PlatformManifest> images) =>
        ImageManifestWriter.Index(format, images.Select(i => (new WrittenManifest(new byte[i.Size], i.Digest, i.MediaType), i.Platform)));
}
