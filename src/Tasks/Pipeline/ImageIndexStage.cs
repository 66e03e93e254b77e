using Diamol.Build.Diagnostics;
using Diamol.Build.Engine;
using Diamol.Build.Oci;
using Diamol.Build.Registry;

namespace Diamol.Build.Pipeline;

/// <summary>One platform's image of a multi-platform publish: its manifest as pushed by digest.</summary>
public sealed record PlatformManifest(ImagePlatform Platform, string Digest, string MediaType, long Size);

/// <summary>
/// The last step of a multi-platform publish (ContainerRuntimeIdentifiers): the per-platform images are already in
/// the registry by digest; an image index (manifest list) over them is pushed under every tag.
/// </summary>
public static class ImageIndexStage
{
    public static async Task<string> PushAsync(string registry, string repository, IReadOnlyList<string> tags, ImageFormat format,
        IReadOnlyList<PlatformManifest> images, IBuildLog log, CancellationToken cancellationToken)
    {
        var duplicate = images.GroupBy(i => i.Platform.ToString()).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new DiamolException(DiagnosticCode.DIAM1016,
                $"ContainerRuntimeIdentifiers gives two images for {duplicate.Key}: an index holds one image per platform. Name each platform once.");
        }

        // The entries refer to the manifests by digest; their bytes are in the registry already, so only the descriptors matter.
        var index = ImageManifestWriter.Index(format, images.Select(i => (new WrittenManifest(new byte[i.Size], i.Digest, i.MediaType), i.Platform)));
        using var client = RegistryClient.Create(registry, RegistryAccess.Push);
        string digest = index.Digest;
        foreach (string tag in tags)
        {
            digest = await client.PutManifestAsync(repository, tag, index.Bytes, index.MediaType, cancellationToken).ConfigureAwait(false);
        }

        log.Step($"Pushed the index {registry}/{repository}:{string.Join(", ", tags)} ({digest}) over {string.Join(", ", images.Select(i => i.Platform))}");
        return digest;
    }
}
