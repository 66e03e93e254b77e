using System.Text.Json;
using System.Text.Json.Nodes;

namespace Diamol.Build.Pipeline;

/// <summary>A tag another project's image.json claimed, which this publish moved to its own image.</summary>
public sealed record MovedTag(string Tag, string FromOutputFolder);

/// <summary>
/// Which output folder last published each tag on this machine. Two projects that publish one tag (a copied
/// ContainerRepository, say) each leave an image.json naming it, and the first one's is false once the second
/// publishes. The claims file (in the user's profile, beside the blob cache) lets the second publish say so and take
/// the tag out of the first one's image.json, so no artifact names a tag that points elsewhere.
/// </summary>
public static class TagClaims
{
    public static string DefaultPath() => Path.Combine(Path.GetDirectoryName(Oci.BlobCache.DefaultDirectory())!, "tag-claims.json");

    /// <summary>Records this folder as the publisher of <paramref name="tags"/>; returns the tags it took from other folders.</summary>
    public static IReadOnlyList<MovedTag> Claim(string claimsPath, string outputFolder, IReadOnlyList<string> tags)
    {
        string folder = Path.GetFullPath(outputFolder);
        const string fix = "make it writable by this user, or set HOME to a folder of this user's (the claims are kept in $HOME/.diamol/)";
        Context.WritableFolder.Create(Path.GetDirectoryName(claimsPath)!, "the tag claims' folder", fix);
        // One publisher at a time rewrites the file; the lock goes with the stream.
        FileStream stream;
        try
        {
            stream = Open(claimsPath);
        }
        catch (UnauthorizedAccessException e)
        {
            throw Context.WritableFolder.NotWritable(claimsPath, "the tag claims", fix, e);
        }

        using var held = stream;
        var claims = Read(stream);
        var moved = new List<MovedTag>();
        foreach (string tag in tags)
        {
            if (claims.TryGetValue(tag, out string? previous) && previous != folder && Directory.Exists(previous))
            {
                moved.Add(new MovedTag(tag, previous));
                RemoveTag(Path.Combine(previous, HistoryStage.ImageFileName), tag);
            }

            claims[tag] = folder;
        }

        stream.SetLength(0);
        stream.Position = 0;
        JsonSerializer.Serialize(stream, claims, new JsonSerializerOptions { WriteIndented = true });
        return moved;
    }

    private static FileStream Open(string path)
    {
        for (int attempt = 0; ; attempt++)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (attempt < 100)
            {
                Thread.Sleep(50);
            }
        }
    }

    private static SortedDictionary<string, string> Read(Stream stream)
    {
        try
        {
            return stream.Length == 0 ? new(StringComparer.Ordinal)
                : new(JsonSerializer.Deserialize<Dictionary<string, string>>(stream) ?? [], StringComparer.Ordinal);
        }
        catch (JsonException)
        {
            // A damaged claims file only loses who published what before: start again.
            return new(StringComparer.Ordinal);
        }
    }

    // The other project's image.json keeps its image, without the tag that no longer points to it.
    private static void RemoveTag(string imageJson, string tag)
    {
        try
        {
            if (JsonNode.Parse(File.ReadAllText(imageJson)) is not JsonObject summary || summary["tags"] is not JsonArray list) return;
            var kept = list.Where(t => t?.GetValue<string>() != tag).Select(t => t!.GetValue<string>()).ToArray();
            if (kept.Length == list.Count) return;
            summary["tags"] = new JsonArray(kept.Select(t => (JsonNode)JsonValue.Create(t)!).ToArray());
            Context.ContextStager.WriteIfChanged(imageJson, summary.ToJsonString(History.HistoryJsonWriter.Options) + "\n");
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            // Gone or unreadable: nothing there claims the tag any more.
        }
    }
}
