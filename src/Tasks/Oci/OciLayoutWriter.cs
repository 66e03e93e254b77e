using System.Text;
using System.Text.Json.Nodes;
using Diamol.Build.Common;
using Diamol.Build.Layers;
using Diamol.Build.Registry;

namespace Diamol.Build.Oci;

/// <summary>
/// Writes an OCI image layout into a tar: the oci-layout marker first, each blob once under blobs/sha256/, and an
/// index.json that names one manifest (an image's, or a multi-platform index) under each tag. The one writer of the
/// layout that both the image archive and the multi-platform archive carry, so `docker load` and `podman load` read
/// the same layout from both.
/// </summary>
internal sealed class OciLayoutWriter
{
    private const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private readonly DeterministicTar _tar;
    private readonly HashSet<string> _written = new(StringComparer.Ordinal);

    /// <param name="folderEntries">Whether blobs/ and blobs/sha256/ get entries of their own (the image archive has them; the multi-platform one has not).</param>
    public OciLayoutWriter(Stream output, bool folderEntries)
    {
        _tar = new DeterministicTar(output);
        AddFile("oci-layout", Encoding.UTF8.GetBytes("{\"imageLayoutVersion\":\"1.0.0\"}"));
        if (!folderEntries) return;
        _tar.AddDirectory("blobs", ImageFileModes.Directory, ReproducibleTime.Fixed);
        _tar.AddDirectory(BlobFolder, ImageFileModes.Directory, ReproducibleTime.Fixed);
    }

    /// <summary>Where a blob is in the layout.</summary>
    public static string BlobName(string digest) => BlobFolder + "/" + ContentDigest.HexOf(digest);

    /// <summary>Where an OCI layout keeps its blobs, each named by its digest's hex (the image-spec's layout).</summary>
    public const string BlobFolder = "blobs/sha256";

    /// <summary>The blob folder of a layout (or a content-addressed cache laid out the same way) at <paramref name="root"/>.</summary>
    public static string BlobFolderIn(string root) => Path.Combine(root, "blobs", "sha256");

    /// <summary>A file of the tarball beside the layout (docker-archive's manifest.json), or of the layout itself.</summary>
    public void AddFile(string name, byte[] bytes) => _tar.AddFile(name, Mode, ReproducibleTime.Fixed, new MemoryStream(bytes), bytes.Length);

    /// <summary>Adds a blob held in memory, unless the layout has it already.</summary>
    public void AddBlob(string digest, byte[] bytes)
    {
        if (_written.Add(digest)) AddFile(BlobName(digest), bytes);
    }

    /// <summary>
    /// Adds a blob from disk, unless the layout has it already, verified as it is copied: a damaged blob of the right
    /// size throws (<see cref="BlobMismatchException"/>) instead of going into the layout.
    /// </summary>
    public void AddBlob(BlobDescriptor descriptor, string path)
    {
        if (!_written.Add(descriptor.Digest)) return;
        using var content = new VerifiedBlobStream(path, descriptor);
        _tar.AddFile(BlobName(descriptor.Digest), Mode, ReproducibleTime.Fixed, content, descriptor.Size);
    }

    /// <summary>index.json: <paramref name="manifest"/> under each of <paramref name="fullTags"/>, named as containerd and Podman read them.</summary>
    /// <param name="referrers">Manifests whose subject is the image (attachments), listed after it without a tag; their blobs are the caller's to add.</param>
    public void AddIndex(WrittenManifest manifest, IReadOnlyList<string> fullTags, IReadOnlyList<ReferrerDescriptor>? referrers = null)
    {
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciIndex,
            ["manifests"] = new JsonArray(fullTags.Select(tag =>
            {
                var entry = new BlobDescriptor(manifest.MediaType, manifest.Digest, manifest.Bytes.Length).ToJson();
                entry["annotations"] = new JsonObject
                {
                    ["io.containerd.image.name"] = tag,
                    ["org.opencontainers.image.ref.name"] = tag[(tag.LastIndexOf(':') + 1)..],
                };
                return (JsonNode)entry;
            }).Concat((referrers ?? []).Select(r => (JsonNode)r.ToJson())).ToArray()),
        };
        AddFile("index.json", Encoding.UTF8.GetBytes(index.ToJsonString(CompactJson.Options)));
    }

    /// <summary>Ends the tarball.</summary>
    public void Finish() => _tar.Finish();
}
