using System.Security.Cryptography;
using System.Text;
using Diamol.Build.Common;
using Diamol.Build.Context;

namespace Diamol.Build.History;

/// <summary>
/// Whether the history artifacts on disk are already what the history stage would write, so that an unchanged
/// republish does not read the previous artifact back, compare it and write four files again (on 20,000 files, about
/// 300 ms). That holds when everything the artifacts are made from is unchanged (the key: the build record, the
/// manifest's image, instructions and files, the file digests, the writer itself) and the artifacts on disk are the
/// ones written for that key, untouched (their stamps), and they compared the image with itself: after that, writing
/// again would give the same bytes. The key goes in <c>.diamol/history-key</c> (<see cref="OutputFolder.HistoryKey"/>).
/// </summary>
internal static class HistoryReuse
{
    /// <summary>The key of what the artifacts are made from.</summary>
    public static string KeyOf(string generator, OutputFolder output, byte[] record, ContextManifest manifest, IReadOnlyDictionary<string, string> digests)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        void Add(string text) => hash.AppendData(Encoding.UTF8.GetBytes(text + "\n"));
        // The writer's own build, not only its version: a rebuilt package of the same version may write otherwise.
        Add(typeof(HistoryReuse).Assembly.ManifestModule.ModuleVersionId.ToString());
        Add(generator);
        Add(output.Root);
        hash.AppendData(record);
        Add($"{manifest.Project}\n{manifest.BaseImage}\n{manifest.Repository}\n{manifest.Registry}\n{string.Join(",", manifest.Tags)}");
        foreach (var instruction in manifest.Instructions) Add($"{instruction.Line} {instruction.LayerName} {instruction.Text}");
        var text = new StringBuilder();
        foreach (var layer in manifest.Layers)
        {
            text.Clear().Append("layer ").Append(layer.Kind).Append(' ').Append(layer.Name).Append('\n');
            foreach (var file in layer.Files)
            {
                text.Append(file.RelativePath).Append(' ').Append(file.Size).Append(' ').Append((int)file.Mode).Append(' ')
                    .Append(digests.GetValueOrDefault(FileDigests.KeyOf(layer.Name, file.RelativePath), "-")).Append('\n');
            }

            hash.AppendData(Encoding.UTF8.GetBytes(text.ToString()));
        }

        return ContentDigest.Hex(hash.GetHashAndReset());
    }

    /// <summary>Whether the artifacts are those written for this key and are still as written.</summary>
    public static bool Matches(OutputFolder folder, string key, IReadOnlyList<string> artifacts)
    {
        string[] lines;
        try
        {
            string path = folder.HistoryKey;
            if (!File.Exists(path)) return false;
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }

        return lines.Length == artifacts.Count + 1 && lines[0] == key
            && artifacts.Select((artifact, i) => lines[i + 1] == Stamp(artifact)).All(same => same);
    }

    /// <summary>
    /// Records the key after the artifacts were written, when writing them again from the same inputs would give the
    /// same bytes: they compared the image with itself. Otherwise (a first artifact, a new image) the key is removed,
    /// and the next publish writes them again, comparing with these.
    /// </summary>
    public static void Record(OutputFolder folder, string key, LayerHistory written, IReadOnlyList<string> artifacts)
    {
        string path = folder.HistoryKey;
        if (IsFixedPoint(written)) Common.AtomicFile.WriteIfChanged(path, string.Join("\n", artifacts.Select(Stamp).Prepend(key)) + "\n");
        else File.Delete(path);
    }

    /// <summary>The changes a history shows when compared with itself: none, since its own image.</summary>
    public static bool IsFixedPoint(LayerHistory history) =>
        history.Changes is { } changes && changes.PreviousImageId == history.Image.Id && changes.PreviousCreated == history.Image.Created
        && changes.Added.Count == 0 && changes.Removed.Count == 0 && changes.Files.Count == 0;

    private static string Stamp(string path) => new FileInfo(path) is { Exists: true } info && FileStamp.Of(info) is var stamp ? $"{stamp.Size} {stamp.Ticks} {path}" : "missing " + path;
}
