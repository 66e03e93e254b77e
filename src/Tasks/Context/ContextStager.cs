using System.Text;
using Diamol.Build.Diagnostics;
using Diamol.Build.Dockerfile;
using Diamol.Build.Layers;

namespace Diamol.Build.Context;

/// <summary>What staging changed: lets the task log it and the build step skip work.</summary>
public sealed record StagingResult(string ContextDirectory, string DockerfilePath, bool DockerfileChanged, int FilesAdded, int FilesRemoved);

/// <summary>
/// Lays out the build context: the Dockerfile at the root and each layer's files under <c>layers/NAME/</c>.
/// Only the files being published go in, never the project folder. Unchanged files and an unchanged Dockerfile
/// are left untouched (their timestamps survive), so an unchanged project rewrites nothing.
/// </summary>
public static class ContextStager
{
    public const string DockerfileName = "Dockerfile";
    public const string LayersFolder = "layers";

    /// <summary>Files that live beside the context but must never be sent to the engine.</summary>
    public static readonly IReadOnlyList<string> DockerIgnore =
        ["image-history.json", "image-history.md", "image-history.html", "image.json", ".diamol/"];

    public static StagingResult Stage(string contextDirectory, DockerfileDocument dockerfile, LayerPlan plan)
    {
        string root = Path.GetFullPath(contextDirectory);
        string dockerfilePath = Path.Combine(root, DockerfileName);
        try
        {
            Directory.CreateDirectory(root);
            var (added, removed) = SyncLayers(Path.Combine(root, LayersFolder), plan);
            WriteIfChanged(Path.Combine(root, ".dockerignore"), string.Join("\n", DockerIgnore) + "\n");
            // The Dockerfile goes last: while it is absent or old, nobody mistakes a half-staged folder for a context.
            bool changed = WriteIfChanged(dockerfilePath, dockerfile.Text);
            return new StagingResult(root, dockerfilePath, changed, added, removed);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(dockerfilePath);
            throw new DiamolException(DiagnosticCode.DIAM2002,
                $"The build context could not be written to '{root}': {e.Message} " +
                "Check that the folder is writable and the disk has room, or set DiamolOutputPath to another folder.", e);
        }
    }

    private static (int Added, int Removed) SyncLayers(string layersRoot, LayerPlan plan)
    {
        var wanted = new Dictionary<string, LayerFile>(StringComparer.Ordinal);
        foreach (var layer in plan.Layers)
        {
            foreach (var file in layer.Files)
            {
                wanted[Path.Combine(layersRoot, layer.Name, file.RelativePath)] = file;
            }
        }

        int removed = 0;
        if (Directory.Exists(layersRoot))
        {
            foreach (string existing in Directory.EnumerateFiles(layersRoot, "*", SearchOption.AllDirectories))
            {
                if (!wanted.ContainsKey(existing))
                {
                    File.Delete(existing);
                    removed++;
                }
            }

            RemoveEmptyDirectories(layersRoot);
        }

        int added = 0;
        foreach (var (destination, file) in wanted.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            if (IsSame(file.SourcePath, destination)) continue;

            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            if (File.Exists(destination)) File.Delete(destination);
            FileLinker.LinkOrCopy(file.SourcePath, destination);
            added++;
        }

        return (added, removed);
    }

    // A hard link shares size and time with its source; a copy is given the source's time. Equal size and
    // time therefore means the context already holds this file's content.
    private static bool IsSame(string source, string destination)
    {
        var target = new FileInfo(destination);
        if (!target.Exists) return false;
        var origin = new FileInfo(source);
        return origin.Length == target.Length && origin.LastWriteTimeUtc == target.LastWriteTimeUtc;
    }

    private static void RemoveEmptyDirectories(string directory)
    {
        foreach (string child in Directory.EnumerateDirectories(directory))
        {
            RemoveEmptyDirectories(child);
            if (!Directory.EnumerateFileSystemEntries(child).Any()) Directory.Delete(child);
        }
    }

    /// <summary>Writes through a temporary file and a rename, and only when the content differs.</summary>
    internal static bool WriteIfChanged(string path, string content)
    {
        byte[] bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(content);
        if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(bytes)) return false;

        string temporary = path + ".tmp";
        File.WriteAllBytes(temporary, bytes);
        File.Move(temporary, path, overwrite: true);
        return true;
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: the original error is what the user needs to see.
        }
    }
}
