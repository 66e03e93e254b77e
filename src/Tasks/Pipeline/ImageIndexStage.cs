using Diamol.Build.Credentials;
using Diamol.Build.Diagnostics;
using Diamol.Build.Engine;
using Diamol.Build.Oci;
using Diamol.Build.Registry;

namespace Diamol.Build.Pipeline;

/// <summary>One platform's image of a multi-platform publish: its manifest (pushed by digest, or in an OCI layout folder).</summary>
public sealed record PlatformManifest(ImagePlatform Platform, string Digest, string MediaType, long Size, string? Layout = null);

/// <summary>
/// The last step of a multi-platform publish (ContainerRuntimeIdentifiers): the per-platform images are already in
/// the registry by digest; an image index (manifest list) over them is pushed under every tag.
/// </summary>
public static class ImageIndexStage
{
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

        log.Step($"Pushed the index {registry}/{repository}:{string.Join(", ", tags)} ({digest}) over {string.Join(", ", images.Select(i => i.Platform))}");
        return digest;
    }

    /// <summary>
    /// Writes the index and every platform's blobs as one OCI image layout tarball (`podman load` takes the image of its
    /// own platform from it; engines with the containerd image store keep the whole index).
    /// </summary>
    public static string WriteArchive(string path, IReadOnlyList<string> fullTags, ImageFormat format, IReadOnlyList<PlatformManifest> images)
    {
        var index = Index(format, images);
        string full = Path.GetFullPath(path);
        Common.AtomicFile.Write(full, PublishLeftovers.TemporaryOf(full), output =>
        {
            var tar = new DeterministicTar(output);
            var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
            var time = ReproducibleTime.Fixed;
            void AddBytes(string name, byte[] bytes) => tar.AddFile(name, mode, time, new MemoryStream(bytes), bytes.Length);
            AddBytes("oci-layout", System.Text.Encoding.UTF8.GetBytes("{\"imageLayoutVersion\":\"1.0.0\"}"));
            var written = new HashSet<string>(StringComparer.Ordinal);
            foreach (string blob in images.SelectMany(i => Directory.EnumerateFiles(Path.Combine(i.Layout!, "blobs", "sha256"))).Order(StringComparer.Ordinal))
            {
                if (!written.Add(Path.GetFileName(blob))) continue;
                // Every blob is named by its digest: verified as it is copied, so no damaged blob is archived.
                var descriptor = new BlobDescriptor("", "sha256:" + Path.GetFileName(blob), new FileInfo(blob).Length);
                using var content = new VerifiedBlobStream(blob, descriptor);
                tar.AddFile("blobs/sha256/" + Path.GetFileName(blob), mode, time, content, descriptor.Size);
            }

            AddBytes("blobs/sha256/" + index.Digest["sha256:".Length..], index.Bytes);
            var layout = new System.Text.Json.Nodes.JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = MediaTypes.OciIndex,
                ["manifests"] = new System.Text.Json.Nodes.JsonArray(fullTags.Select(tag => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject
                {
                    ["mediaType"] = index.MediaType,
                    ["digest"] = index.Digest,
                    ["size"] = index.Bytes.Length,
                    ["annotations"] = new System.Text.Json.Nodes.JsonObject
                    {
                        ["io.containerd.image.name"] = tag,
                        ["org.opencontainers.image.ref.name"] = tag[(tag.LastIndexOf(':') + 1)..],
                    },
                }).ToArray()),
            };
            AddBytes("index.json", System.Text.Encoding.UTF8.GetBytes(layout.ToJsonString(OciJson.Options)));
            tar.Finish();
        },
            e => e is BlobMismatchException mismatch
                ? BlobRepair.Failure(mismatch, $"writing {full}", "in the image layout of its platform")
                : new DiamolException(DiagnosticCode.DIAM2006,
                    $"ContainerArchiveOutputPath has the value '{path}', where the image archive could not be written: {e.Message} Make the folder writable or choose another path.", e));
        return index.Digest;
    }

    // The entries refer to the manifests by digest; only their descriptors go into the index.
    private static WrittenManifest Index(ImageFormat format, IReadOnlyList<PlatformManifest> images) =>
        ImageManifestWriter.Index(format, images.Select(i => (new WrittenManifest(new byte[i.Size], i.Digest, i.MediaType), i.Platform)));
}
