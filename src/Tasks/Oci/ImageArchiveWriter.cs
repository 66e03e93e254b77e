using System.Text;
using System.Text.Json.Nodes;
using Diamol.Build.Layers;
using Diamol.Build.Registry;

namespace Diamol.Build.Oci;

/// <summary>A blob to put in an archive: its descriptor and where its bytes are on disk.</summary>
public sealed record ArchiveBlob(BlobDescriptor Descriptor, string Path);

/// <summary>
/// Writes an image as one tarball that both `docker load` and `podman load` accept: the docker-archive manifest.json
/// (config, RepoTags, layers) and an OCI image layout (oci-layout, index.json, blobs/sha256/...) over the same blobs.
/// </summary>
public static class ImageArchiveWriter
{
    /// <summary>
    /// ContainerArchiveOutputPath as the SDK reads it: relative to the project; a folder (a trailing separator, a path
    /// without an extension, or a folder that exists) gets `&lt;repository&gt;.tar.gz`, the repository with its folders
    /// (`team/webping` gives `team/webping.tar.gz` under it). The name is the SDK's; the file is an uncompressed tar, as
    /// the SDK's is.
    /// </summary>
    /// <param name="repository">ContainerRepository, without the registry.</param>
    public static string ResolvePath(string setting, string projectDirectory, string repository)
    {
        string full = Path.GetFullPath(setting, projectDirectory);
        bool folder = setting.EndsWith('/') || setting.EndsWith('\\') || !Path.HasExtension(full) || Directory.Exists(full);
        return folder ? Path.Combine(full, repository + ".tar.gz") : full;
    }

    /// <param name="omitLayers">
    /// Layer blobs to leave out of the tarball (named in its manifests all the same): Docker's load reads a layer's
    /// tarball only when it lacks that layer, so loading an image whose first layers the engine has needs none of their
    /// bytes. Only for Docker's load: Podman's and an archive file need every layer.
    /// </param>
    public static void Write(Stream output, byte[] config, string configDigest, WrittenManifest manifest, IReadOnlyList<ArchiveBlob> layers, IReadOnlyList<string> fullTags,
        IReadOnlySet<string>? omitLayers = null)
    {
        var tar = new DeterministicTar(output);
        var time = ReproducibleTime.Fixed;
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        void AddBytes(string name, byte[] bytes) => tar.AddFile(name, mode, time, new MemoryStream(bytes), bytes.Length);

        AddBytes("oci-layout", Encoding.UTF8.GetBytes("{\"imageLayoutVersion\":\"1.0.0\"}"));
        tar.AddDirectory("blobs", ImageFileModes.Directory, time);
        tar.AddDirectory("blobs/sha256", ImageFileModes.Directory, time);
        AddBytes(BlobName(configDigest), config);
        var written = new HashSet<string>(StringComparer.Ordinal) { configDigest };
        foreach (var layer in layers)
        {
            if (omitLayers?.Contains(layer.Descriptor.Digest) == true || !written.Add(layer.Descriptor.Digest)) continue;
            // Verified as it is copied: a damaged blob of the right size throws instead of going into the archive.
            using var content = new VerifiedBlobStream(layer.Path, layer.Descriptor);
            tar.AddFile(BlobName(layer.Descriptor.Digest), mode, time, content, layer.Descriptor.Size);
        }

        if (written.Add(manifest.Digest)) AddBytes(BlobName(manifest.Digest), manifest.Bytes);

        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciIndex,
            ["manifests"] = new JsonArray(fullTags.Select(tag => (JsonNode)new JsonObject
            {
                ["mediaType"] = manifest.MediaType,
                ["digest"] = manifest.Digest,
                ["size"] = manifest.Bytes.Length,
                ["annotations"] = new JsonObject
                {
                    ["io.containerd.image.name"] = tag,
                    ["org.opencontainers.image.ref.name"] = tag[(tag.LastIndexOf(':') + 1)..],
                },
            }).ToArray()),
        };
        AddBytes("index.json", Encoding.UTF8.GetBytes(index.ToJsonString(OciJson.Options)));

        var dockerManifest = new JsonArray(new JsonObject
        {
            ["Config"] = BlobName(configDigest),
            ["RepoTags"] = new JsonArray(fullTags.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
            ["Layers"] = new JsonArray(layers.Select(l => (JsonNode)JsonValue.Create(BlobName(l.Descriptor.Digest))!).ToArray()),
        });
        AddBytes("manifest.json", Encoding.UTF8.GetBytes(dockerManifest.ToJsonString(OciJson.Options)));
        tar.Finish();
    }

    private static string BlobName(string digest) => "blobs/sha256/" + digest["sha256:".Length..];
}
