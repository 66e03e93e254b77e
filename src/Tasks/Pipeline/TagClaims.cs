using System.Text.Json;
using System.Text.Json.Nodes;
using Diamol.Build.Common;

namespace Diamol.Build.Pipeline;

/// <summary>A tag this publish moved, which another output folder of the same workspace published last and whose image.json still names it.</summary>
internal sealed record MovedTag(string Tag, string FromOutputFolder);

/// <summary>
/// Which output folder last published each tag, kept per workspace. Two projects of one workspace that publish one
/// tag (a copied ContainerRepository, say) each leave an image.json naming it, and the first one's no longer says
/// where the tag points once the second publishes. The claims file lets the second publish say so, and the first
/// one's next publish too (it finds the claim in the other folder's name), without writing into the other project's
/// files: image.json records what its own publish did. Claims are per workspace (the git work tree, else the folder of
/// the solution, else the project folder) because a CI agent holds many clones of one repository that publish the same
/// tags on purpose, and none of them may edit, or be warned about, another.
/// </summary>
internal static class TagClaims
{

    /// <summary>The claims file of the workspace that holds <paramref name="projectDirectory"/>, in the user's profile beside the blob cache.</summary>
    public static string PathFor(string projectDirectory) => PathFor(projectDirectory, Path.GetDirectoryName(Oci.BlobCache.DefaultDirectory())!);

    public static string PathFor(string projectDirectory, string profileFolder)
    {
        string workspace = WorkspaceOf(projectDirectory);
        string key = ContentDigest.HashOfText(workspace)[..16];
        return Path.Combine(profileFolder, "tag-claims", key + ".json");
    }

    /// <summary>
    /// The workspace a project belongs to: the nearest folder above it (itself included) that holds `.git` (a folder,
    /// or the file a git worktree or submodule has), else the nearest that holds a solution file, else the project folder.
    /// </summary>
    public static string WorkspaceOf(string projectDirectory)
    {
        string start = FolderPath.Full(projectDirectory);
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            string git = Path.Combine(folder.FullName, ".git");
            if (Directory.Exists(git) || File.Exists(git)) return Path.TrimEndingDirectorySeparator(folder.FullName);
        }

        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            try
            {
                if (folder.EnumerateFiles("*.sln").Any() || folder.EnumerateFiles("*.slnx").Any()) return Path.TrimEndingDirectorySeparator(folder.FullName);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A folder we may not list is no workspace of ours: go on up.
            }
        }

        return start;
    }

    /// <summary>
    /// Records this folder as the publisher of <paramref name="tags"/>; returns the tags that another folder published
    /// last and whose image.json still names them. Nothing but the claims file is written.
    /// </summary>
    public static IReadOnlyList<MovedTag> Claim(string claimsPath, string outputFolder, IReadOnlyList<string> tags)
    {
        if (tags.Count == 0) return [];
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
            if (claims.TryGetValue(tag, out string? previous) && previous != folder && Names(new Context.OutputFolder(previous).ImageJson, tag))
            {
                moved.Add(new MovedTag(tag, previous));
            }

            claims[tag] = folder;
        }

        stream.SetLength(0);
        stream.Position = 0;
        JsonSerializer.Serialize(stream, claims, IndentedJson.Options);
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

    // Whether the other folder's image.json (read, never written) still names the tag: a folder cleaned or published
    // since under other tags claims nothing, and is not warned about.
    private static bool Names(string imageJson, string tag)
    {
        try
        {
            return File.Exists(imageJson)
                && JsonNode.Parse(File.ReadAllText(imageJson)) is JsonObject summary
                && summary["tags"] is JsonArray list
                && list.Any(t => t is JsonValue value && value.TryGetValue(out string? text) && text == tag);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException or InvalidOperationException)
        {
            return false;
        }
    }
}
