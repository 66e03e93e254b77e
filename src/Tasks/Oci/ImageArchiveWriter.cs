using System.Text;
using System.Text.Json.Nodes;
using Diamol.Build.Common;
using Diamol.Build.Registry;

namespace Diamol.Build.Oci;

/// <summary>A blob to put in an archive: its descriptor and where its bytes are on disk.</summary>
internal sealed record ArchiveBlob(BlobDescriptor Descriptor, string Path);

/// <summary>
/// Writes an image as one tarball that both `docker load` and `podman load` accept: the docker-archive manifest.json
/// (config, RepoTags, layers) beside an OCI image layout (<see cref="OciLayoutWriter"/>) over the same blobs.
/// </summary>
internal static class ImageArchiveWriter
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
        var layout = new OciLayoutWriter(output, folderEntries: true);
        layout.AddBlob(configDigest, config);
        foreach (var layer in layers)
        {
            if (omitLayers?.Contains(layer.Descriptor.Digest) == true) continue;
            layout.AddBlob(layer.Descriptor, layer.Path);
        }

        layout.AddBlob(manifest.Digest, manifest.Bytes);
        layout.AddIndex(manifest, fullTags);

        var dockerManifest = new JsonArray(new JsonObject
        {
            ["Config"] = OciLayoutWriter.BlobName(configDigest),
            ["RepoTags"] = new JsonArray(fullTags.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray()),
            ["Layers"] = new JsonArray(layers.Select(l => (JsonNode)JsonValue.Create(OciLayoutWriter.BlobName(l.Descriptor.Digest))!).ToArray()),
        });
        layout.AddFile("manifest.json", Encoding.UTF8.GetBytes(dockerManifest.ToJsonString(CompactJson.Options)));
        layout.Finish();
    }
}
