using System.Text.Json;
using Diamol.Build.Context;
using Diamol.Build.Diagnostics;
using Diamol.Build.Engine;
using Diamol.Build.Oci;
using Diamol.Build.Common;

namespace Diamol.Build.Pipeline;

/// <summary>
/// The layer blobs of our layers in the build context's .diamol/blobs, with the record (oci-layers.json, both named by <see cref="OutputFolder"/>) that lets
/// the next build reuse a blob whose layer's files are unchanged. Each layer's files land where the layer plan says,
/// as the Dockerfile's COPY puts them.
/// </summary>
internal sealed class OciLayerBlobs
{
    private readonly ContextManifest _manifest;
    private readonly string _workingDirectory;
    private readonly DateTimeOffset _time;

    private OciLayerBlobs(ContextManifest manifest, string workingDirectory, DateTimeOffset time, IReadOnlyDictionary<string, LayerBlob> blobs) =>
        (_manifest, _workingDirectory, _time, Blobs) = (manifest, workingDirectory, time, blobs);

    /// <summary>Each layer's blob, by the layer's name.</summary>
    public IReadOnlyDictionary<string, LayerBlob> Blobs { get; }

    /// <summary>Writes each planned layer as a blob, reusing last build's blob when the layer's files are unchanged.</summary>
    public static OciLayerBlobs Write(OutputFolder folder, ContextManifest manifest, DateTimeOffset time, IBuildLog log,
        CancellationToken cancellationToken)
    {
        string workingDirectory = manifest.Settings?.WorkingDirectory ?? throw new DiamolException(DiagnosticCode.DIAM2014,
            $"The build context at '{folder.Root}' was written without the image's working directory " +
            "(by an older Diamol.Build). Publish again.");
        string blobDirectory = folder.Blobs;
        string recordPath = folder.OciLayers;
        var previous = Read(recordPath);
        var blobs = new Dictionary<string, LayerBlob>(StringComparer.Ordinal);
        try
        {
            foreach (var layer in manifest.Layers)
            {
                string destination = layer.DestinationUnder(workingDirectory);
                string key = LayerBlobWriter.KeyOf(layer, destination, time);
                if (previous.TryGetValue(layer.Name, out var known) && known.Key == key
                    && new FileInfo(known.Path) is { Exists: true } file && file.Length == known.Size)
                {
                    blobs[layer.Name] = known;
                    continue;
                }

                var blob = LayerBlobWriter.Write(layer, destination, time, blobDirectory, cancellationToken);
                log.Detail($"layer {layer.Name}: {blob.Digest} ({blob.Size} bytes compressed, {blob.UncompressedSize} bytes)");
                blobs[layer.Name] = blob;
            }

            // Blobs no layer uses any more go, so the folder does not grow with every edit.
            var used = blobs.Values.Select(b => Path.GetFullPath(b.Path)).ToHashSet(StringComparer.Ordinal);
            if (Directory.Exists(blobDirectory))
            {
                foreach (string stale in Directory.EnumerateFiles(blobDirectory).Where(p => !used.Contains(Path.GetFullPath(p)))) File.Delete(stale);
            }

            Common.AtomicFile.WriteIfChanged(recordPath, JsonSerializer.Serialize(blobs, IndentedJson.Options));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DiamolException(DiagnosticCode.DIAM2006,
                $"The image's layers could not be written to '{blobDirectory}': {e.Message} " +
                "Check that the folder is writable and the disk has room.", e);
        }

        return new OciLayerBlobs(manifest, workingDirectory, time, blobs);
    }

    /// <summary>
    /// Removes our blob of <paramref name="digest"/> and writes it again from the published files: true when it came
    /// out the same (false, and nothing kept, when the files changed during the publish, or it is none of ours).
    /// </summary>
    public bool Rewrite(string digest, CancellationToken cancellationToken)
    {
        if (Blobs.Values.FirstOrDefault(b => b.Digest == digest) is not { } ours) return false;
        var layer = _manifest.Layers.Single(l => l.Name == ours.Name);
        File.Delete(ours.Path);
        var again = LayerBlobWriter.Write(layer, layer.DestinationUnder(_workingDirectory), _time, Path.GetDirectoryName(ours.Path)!,
            cancellationToken);
        if (again.Digest == digest) return true;
        // The published files changed during the publish: the image's config no longer describes them.
        File.Delete(again.Path);
        return false;
    }

    private static Dictionary<string, LayerBlob> Read(string path)
    {
        try
        {
            return File.Exists(path) ? JsonSerializer.Deserialize<Dictionary<string, LayerBlob>>(File.ReadAllText(path), IndentedJson.Options) ?? [] : [];
        }
        catch (JsonException)
        {
            return [];
        }
    }
}
