using System.IO.Enumeration;
using Diamol.Build.Common;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Layers;

/// <summary>
/// The rule for symbolic links in the publish folder, so that only what was published enters the image, never a
/// host file: a link to a file is followed (through any chain) only to a regular file inside the publish folder,
/// whose bytes the image then holds under the link's name; a link that leaves the folder, dangles, loops, or names a
/// folder is refused with DIAM2007, naming the file and its target. Folders are never entered through a link.
/// </summary>
internal static class PublishFolderLinks
{
    /// <summary>The file whose bytes a published path stands for: itself, or the file its link ends at inside the folder.</summary>
    public static string Resolve(string path, string publishRoot)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is null) return path;

        string root = FolderPath.WithSeparator(publishRoot);
        string relative = ImagePath.FromFileSystem(Path.GetRelativePath(root, path));
        FileSystemInfo? target;
        try
        {
            target = info.ResolveLinkTarget(returnFinalTarget: true);
        }
        catch (IOException e)
        {
            throw Refused(relative, info.LinkTarget, $"it cannot be followed ({e.Message}; a loop of links?)");
        }

        // A link to a folder resolves to a FileInfo that does not "exist" as a file: ask about the folder first, or it reads as dangling.
        if (target is not null && (target is DirectoryInfo || Directory.Exists(target.FullName)))
        {
            throw Refused(relative, info.LinkTarget, "it names a folder, and folders are never entered through a link (the image holds files, not links); " +
                "publish the folder's files under this name instead");
        }

        if (target is null || !target.Exists) throw Refused(relative, info.LinkTarget, "it points at nothing");
        string full = Path.GetFullPath(target.FullName);
        if (!full.StartsWith(root, OperatingSystem.IsWindows() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal))
        {
            throw Refused(relative, full, "it leads out of the publish folder, so its bytes would put a file of this machine into the image");
        }

        return full;
    }

    /// <summary>Every file of the publish folder (relative path, and the file whose bytes it stands for), entering no folder through a link.</summary>
    public static IEnumerable<(string Relative, string Path)> EnumerateFiles(string publishRoot)
    {
        string root = Path.GetFullPath(publishRoot);
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.Count > 0)
        {
            string directory = pending.Pop();
            // The directory entry says link, folder or file (no stat of each, which on 20,000 files is felt).
            var entries = new FileSystemEnumerable<(string Path, bool IsLink, bool IsDirectory)>(directory,
                (ref FileSystemEntry entry) => (entry.ToFullPath(), entry.Attributes.HasFlag(FileAttributes.ReparsePoint), entry.IsDirectory),
                new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = false });
            foreach (var (entry, isLink, isDirectory) in entries.OrderBy(e => e.Path, StringComparer.Ordinal))
            {
                if (!isLink && isDirectory)
                {
                    pending.Push(entry);
                    continue;
                }

                yield return (ImagePath.FromFileSystem(Path.GetRelativePath(root, entry)), isLink ? Resolve(entry, root) : entry);
            }
        }
    }

    private static DiamolException Refused(string relative, string target, string why) =>
        new(DiagnosticCode.DIAM2007,
            $"The published file '{relative}' is a symbolic link to '{target}', and {why}. Nothing was staged. " +
            "Publish the file itself (a Content item, or a copy in a target), or a link to a file inside the publish folder.");
}
