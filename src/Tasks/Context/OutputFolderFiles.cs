using Diamol.Build.Diagnostics;

namespace Diamol.Build.Context;

/// <summary>What a clean of the output folder did: how many of our files it removed, and why the folder stayed.</summary>
/// <param name="Removed">Files and folders of ours that were removed.</param>
/// <param name="FolderRemoved">The output folder itself was removed (it ended up empty).</param>
/// <param name="Left">Entries left in the folder that no record of ours names (the user's files), at most a few.</param>
/// <param name="NotRemoved">Files and folders of ours that could not be removed (held open, no permission), with the reason.</param>
internal sealed record OutputFolderCleaning(int Removed, bool FolderRemoved, IReadOnlyList<string> Left, IReadOnlyList<string> NotRemoved);

/// <summary>
/// The files Diamol.Build writes into the output folder (DiamolOutputPath, named by <see cref="OutputFolder"/>), and
/// nothing else: a refusal of a folder where those names already belong to someone else, and the clean that removes
/// exactly them.
/// The output folder may be shared with the user's own files (a <c>deploy/</c> folder with a docker-compose.yml), so
/// nothing here ever deletes a folder as a whole except <c>.diamol/</c>, which only Diamol.Build writes.
/// </summary>
internal static class OutputFolderFiles
{
    /// <summary>
    /// A folder that is not yet ours but already holds one of the names we write (a hand-written Dockerfile, someone's
    /// image.json, a layers/ folder) would have it overwritten or emptied by the publish, and removed by a later clean
    /// as if it were ours: refuse it before anything is written (DIAM2012).
    /// </summary>
    public static void RefuseForeignFiles(OutputFolder folder)
    {
        string root = folder.Root;
        if (!Directory.Exists(root)) return;
        string dockerfile = folder.Dockerfile;
        // Our own Dockerfile is a mark of ours, so a folder holding a Dockerfile is ours exactly when that Dockerfile is.
        if (File.Exists(dockerfile) && !ContextStager.IsOurDockerfile(dockerfile)) throw Foreign(root, "a Dockerfile");
        if (ContextStager.IsOurs(folder)) return;
        string? taken = OutputFolder.TopFileNames.Skip(1).FirstOrDefault(name => Path.Exists(Path.Combine(root, name)))
            ?? (Path.Exists(folder.Layers) ? OutputFolder.LayersName + "/" : null);
        if (taken is not null) throw Foreign(root, $"'{taken}'");
    }

    private static DiamolException Foreign(string root, string what) =>
        new(DiagnosticCode.DIAM2012,
            $"DiamolOutputPath has the value '{root}', which holds {what} that Diamol.Build did not write. It would be overwritten (and removed by `dotnet clean`), " +
            "so nothing was written. Point DiamolOutputPath at a folder of its own (the default is $(OutputPath)container/); files of other names may stay beside ours.");

    /// <summary>
    /// The files of ours in the folder now, by full path, from our own record: the staged layer files the context
    /// manifest lists (<c>.diamol/manifest.json</c>) that exist, our named files at the top (the Dockerfile only when it
    /// carries our header) and their <c>.tmp</c>, and every file under <c>.diamol/</c>, which only Diamol.Build writes.
    /// Exactly what <see cref="Clean"/> removes, and what the build reports as its FileWrites so that MSBuild's
    /// incremental clean keeps them and its Clean removes them. Nothing for a folder that does not exist or has none of
    /// our marks. One walk of <c>layers/</c> and <c>.diamol/</c> (a link is an entry, never followed); no file is read
    /// but the manifest and the Dockerfile's first line.
    /// </summary>
    public static IReadOnlyList<string> Ours(OutputFolder folder)
    {
        string root = folder.Root;
        var ours = new List<string>();
        if (!Directory.Exists(root) || !ContextStager.IsOurs(folder)) return ours;
        foreach (string name in OutputFolder.TopFileNames)
        {
            string path = Path.Combine(root, name);
            if (IsEntry(path) && (name != OutputFolder.DockerfileName || ContextStager.IsOurDockerfile(path))) ours.Add(path);
            if (IsEntry(path + ".tmp")) ours.Add(path + ".tmp");
        }

        string layersRoot = folder.Layers;
        if (Directory.Exists(layersRoot) && StagedFiles(folder) is { } staged)
        {
            string inside = layersRoot + Path.DirectorySeparatorChar;
            // A record that names a path out of layers/ (edited by hand) names nothing of ours.
            var listed = staged.Select(relative => Path.GetFullPath(Path.Combine(layersRoot, relative)))
                .Where(path => path.StartsWith(inside, StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
            ours.AddRange(FilesUnder(layersRoot).Where(listed.Contains));
        }

        string records = folder.Records;
        if (Directory.Exists(records)) ours.AddRange(FilesUnder(records));
        return ours;
    }

    // A file, or a link of any kind (removed as a link): a folder where a file is expected is not ours to empty.
    private static bool IsEntry(string path) => File.Exists(path) || new FileInfo(path).LinkTarget is not null;

    // Every file and link below the folder, in one walk that never follows a link; hidden (dot) entries included.
    private static IEnumerable<string> FilesUnder(string directory) =>
        new System.IO.Enumeration.FileSystemEnumerable<string>(directory, (ref System.IO.Enumeration.FileSystemEntry entry) => entry.ToFullPath(),
            new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true })
        {
            ShouldIncludePredicate = (ref System.IO.Enumeration.FileSystemEntry entry) =>
                !entry.IsDirectory || (entry.Attributes & FileAttributes.ReparsePoint) != 0,
            ShouldRecursePredicate = (ref System.IO.Enumeration.FileSystemEntry entry) => (entry.Attributes & FileAttributes.ReparsePoint) == 0,
        };

    /// <summary>
    /// Removes what the publishes wrote into the folder: the files <see cref="Ours"/> lists, then the folders under
    /// <c>layers/</c> left empty and <c>.diamol/</c>, then the folder when that empties it, though never the
    /// folder that holds the project (<paramref name="projectDirectory"/>). A folder with none of our marks is not
    /// touched at all. Nothing here waits: no lock is taken, and a file that cannot be removed is left and named.
    /// </summary>
    public static OutputFolderCleaning Clean(string outputDirectory, string? projectDirectory)
    {
        var folder = new OutputFolder(outputDirectory);
        string root = folder.Root;
        if (!Directory.Exists(root) || !ContextStager.IsOurs(folder)) return new OutputFolderCleaning(0, false, [], []);
        int removed = 0;
        // Each entry of ours that could not be removed, by its path relative to the folder, with the reason.
        var failed = new List<(string Path, string Reason)>();
        string records = folder.Records;
        string recordsInside = records + Path.DirectorySeparatorChar;
        foreach (string path in Ours(folder))
        {
            // .diamol/ goes whole below, and names itself if it cannot.
            if (path.StartsWith(recordsInside, StringComparison.Ordinal)) continue;
            try
            {
                File.Delete(path);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failed.Add((Path.GetRelativePath(root, path), e.Message.TrimEnd('.')));
            }
        }

        // Empty folders hold nothing of anyone's, and the record that named their files may be gone: MSBuild's Clean,
        // which runs first, removed the recorded files, .diamol/manifest.json among them.
        string layersRoot = folder.Layers;
        if (Directory.Exists(layersRoot)) removed += RemoveEmptyFolders(layersRoot, removeSelf: true);

        if (Directory.Exists(records))
        {
            try
            {
                // Only Diamol.Build writes under .diamol/ (records, blobs, the folder's lock): it is removed whole.
                Directory.Delete(records, recursive: true);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failed.Add((OutputFolder.RecordsName, e.Message.TrimEnd('.')));
            }
        }

        // MSBuild works in the project's folder (its current directory while it builds) and hangs when that disappears.
        bool holdsProject = (projectDirectory is not null && OutputFolderRules.IsSameOrAncestor(root, projectDirectory))
            || OutputFolderRules.IsSameOrAncestor(root, Environment.CurrentDirectory);
        bool folderRemoved = false;
        if (!holdsProject && !Directory.EnumerateFileSystemEntries(root).Any())
        {
            try
            {
                Directory.Delete(root);
                folderRemoved = true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Something was written into it meanwhile, or its parent is not ours to change: the empty folder stays.
            }
        }

        // What stays at the top that is not one of ours we failed to remove (a layers/ folder may be both: it is listed).
        var ours = failed.Select(f => f.Path).ToHashSet(StringComparer.Ordinal);
        string[] remaining = Directory.Exists(root) ? Directory.EnumerateFileSystemEntries(root).Select(e => Path.GetRelativePath(root, e)).Order(StringComparer.Ordinal).ToArray() : [];
        var left = remaining.Where(name => !ours.Contains(name)).Take(5).ToArray();
        return new OutputFolderCleaning(removed, folderRemoved, left, failed.Select(f => $"{f.Path} ({f.Reason})").ToArray());
    }

    // Each staged file as layers/NAME/PATH, from the manifest the Dockerfile stage wrote; null when there is none to
    // read (then layers/ is left as it is: without a record, nothing in it is known to be ours).
    private static IEnumerable<string>? StagedFiles(OutputFolder folder)
    {
        ContextManifest manifest;
        try
        {
            manifest = ContextManifest.Load(folder);
        }
        catch (Exception e) when (e is DiamolException or IOException or System.Text.Json.JsonException or UnauthorizedAccessException)
        {
            return null;
        }

        return manifest.Layers.SelectMany(layer => layer.Files.Select(file => Path.Combine(layer.Name, file.RelativePath)));
    }

    private static int RemoveEmptyFolders(string directory, bool removeSelf)
    {
        int removed = 0;
        foreach (string child in Directory.EnumerateDirectories(directory))
        {
            // A link to a folder is an entry, not a folder of ours to walk into.
            if (new DirectoryInfo(child).LinkTarget is not null) continue;
            removed += RemoveEmptyFolders(child, removeSelf: true);
        }

        if (removeSelf && !Directory.EnumerateFileSystemEntries(directory).Any())
        {
            Directory.Delete(directory);
            removed++;
        }

        return removed;
    }
}
