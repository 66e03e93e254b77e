using System.Text.RegularExpressions;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Layers;

/// <summary>
/// Turns DiamolWritableDirectory items into layers of empty folders owned by the image's user, written before every
/// file layer (they change only when the items do, so no code edit re-creates them).
/// <para>
/// The engine path has no RUN step (the base needs no shell): the folder is staged empty with its mode and copied
/// with COPY --chown into its parent. The classic builder creates a COPY's destination when it is missing and then
/// gives it to the --chown user as well, and it leaves an existing destination alone; so a folder is allowed only
/// where its parent is known to exist, owned by root, before the COPY: '/', the working directory (WORKDIR made it)
/// and the folders above it, or another declared writable folder (copied in the same layer). The OCI writer writes
/// the same directory entries with the same owner and mode, so both builders give the same image.
/// </para>
/// </summary>
internal static partial class WritableDirectoryPlanner
{
    /// <summary>0755: the folder's owner writes, everyone reads.</summary>
    public const UnixFileMode DefaultMode = ImageFileModes.Directory;

    private const UnixFileMode OwnerWriteAndEnter = UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    // The working directory's alphabet (COPY's destination is not expanded, but the Dockerfile must stay plain).
    [GeneratedRegex(@"^[A-Za-z0-9._@+-]+$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^0?[0-7]{3}$")]
    private static partial Regex ModePattern();

    /// <param name="plan">The file layers; the writable layers go before them.</param>
    /// <param name="owner">The folders' owner, resolved lazily: only a project with writable folders needs its user to be numeric.</param>
    public static LayerPlan AddTo(LayerPlan plan, IReadOnlyList<WritableDirectory>? items, string workingDirectory,
        Func<string, (int Uid, int Gid)> owner)
    {
        if (items is null || items.Count == 0) return plan;

        string workdir = "/" + workingDirectory.Trim('/');
        var folders = new Dictionary<string, (WritableDirectory Item, UnixFileMode Mode)>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            string path = Resolve(item, workdir);
            var mode = ModeOf(item);
            if (folders.TryGetValue(path, out var other) && other.Mode != mode)
            {
                throw Invalid(item, item.Path,
                    $"it names the folder '{path}' as '{other.Item.Path}' does, with another mode ({Octal(other.Mode)} and {Octal(mode)})",
                    "Declare each folder once, with the mode it should have.");
            }

            folders.TryAdd(path, (item, mode));
        }

        var publishedPaths = plan.Layers.SelectMany(l => l.Files.Select(f => Join(l.Destination ?? workdir, f.RelativePath))).ToArray();
        (int Uid, int Gid)? ids = null;
        var groups = new SortedDictionary<string, List<LayerDirectory>>(StringComparer.Ordinal);
        foreach (var (path, (item, mode)) in folders.OrderBy(f => f.Key, StringComparer.Ordinal))
        {
            string? published = publishedPaths.FirstOrDefault(p => p == path || p.StartsWith(path + "/", StringComparison.Ordinal));
            if (published is not null)
            {
                throw Invalid(item, item.Path,
                    $"the publish writes '{published}' into the folder '{path}', and the layers of published files give their folders to root",
                    "Choose a folder the publish does not write (for example 'data'), and let the app create its files there.");
            }

            // The nearest declared folder above it takes it into its layer; else its parent must exist before the COPY.
            string top = path;
            while (folders.ContainsKey(Parent(top))) top = Parent(top);
            string destination = Parent(top);
            if (!(destination == "/" || destination == workdir || workdir.StartsWith(destination + "/", StringComparison.Ordinal)))
            {
                throw Invalid(item, item.Path,
                    $"its parent '{destination}' may not exist in the image before the folder is copied there, " +
                    "and the engine's COPY would then create it owned by the app's user too, " +
                    "which the OCI writer cannot know to repeat",
                    $"Put the folder directly in the working directory ('{workdir}'), in a folder above it, or in '/'; " +
                    $"or declare '{destination}' as a DiamolWritableDirectory too.");
            }

            ids ??= owner($"DiamolWritableDirectory '{item.Path}'");
            if (!groups.TryGetValue(destination, out var list)) groups[destination] = list = [];
            list.Add(new LayerDirectory(destination == "/" ? path[1..] : path[(destination.Length + 1)..], mode, ids.Value.Uid, ids.Value.Gid));
        }

        var taken = plan.Layers.Select(l => l.Name).ToHashSet(StringComparer.Ordinal);
        var layers = new List<Layer>();
        foreach (var (destination, directories) in groups)
        {
            string name = "writable";
            for (int n = 2; taken.Contains(name); n++) name = $"writable-{n}";
            taken.Add(name);
            layers.Add(new Layer(LayerKind.Writable, name, [])
            {
                Directories = directories,
                Destination = destination == "/" ? "/" : destination + "/"
            });
        }

        return new LayerPlan([.. layers, .. plan.Layers]);
    }

    /// <summary>The folder's absolute path in the image, or DIAM1021.</summary>
    private static string Resolve(WritableDirectory item, string workdir)
    {
        string text = item.Path.Trim();
        if (text.Length == 0) throw Invalid(item, item.Path, "it is empty", "Give the folder's path, such as 'data' or '/var/lib/app'.");
        string[] parts = text.Trim('/').Split('/');
        if (parts.Any(p => p is "" or "." or ".." || !NamePattern().IsMatch(p)))
        {
            throw Invalid(item, item.Path,
                "a folder path is names of ASCII letters, digits and '.', '_', '@', '+', '-' joined by '/', without '.' or '..' parts",
                "Write the folder plainly, such as 'data', 'data/cache' or '/var/lib/app'.");
        }

        string path = text.StartsWith('/') ? "/" + string.Join('/', parts) : Join(workdir, string.Join('/', parts));
        if (path == workdir || workdir.StartsWith(path + "/", StringComparison.Ordinal))
        {
            throw Invalid(item, item.Path,
                $"'{path}' is the working directory or a folder above it, which every layer of the app's files writes, as root's",
                $"Declare a folder of its own in it, such as 'data' ({workdir}/data).");
        }

        if (path.Split('/')[1] is "proc" or "sys" or "dev")
        {
            throw Invalid(item, item.Path,
                $"/{path.Split('/')[1]} is a kernel file system the container runtime mounts at start, over anything in the image",
                "Use a folder of the app's own, such as 'data'.");
        }

        return path;
    }

    private static UnixFileMode ModeOf(WritableDirectory item)
    {
        if (string.IsNullOrWhiteSpace(item.Mode)) return DefaultMode;
        string text = item.Mode.Trim();
        if (!ModePattern().IsMatch(text))
        {
            throw Invalid(item, text,
                "Mode is three octal digits of permissions, optionally after a 0 (setuid, setgid and sticky bits are not taken)",
                "Use a mode such as 0755 (the default) or 0770.", "Mode");
        }

        var mode = (UnixFileMode)Convert.ToInt32(text, 8);
        if ((mode & OwnerWriteAndEnter) != OwnerWriteAndEnter)
        {
            throw Invalid(item, text, "with it the folder's owner, the app's user, could not write in it or enter it",
                "Give the owner rwx (7 as the first digit), such as 0755 or 0700.", "Mode");
        }

        return mode;
    }

    private static string Parent(string path) => path.LastIndexOf('/') is var i && i <= 0 ? "/" : path[..i];

    private static string Join(string folder, string relative) => folder.TrimEnd('/') + "/" + relative;

    internal static string Octal(UnixFileMode mode) => "0" + Convert.ToString((int)mode, 8).PadLeft(3, '0');

    private static DiamolException Invalid(WritableDirectory item, string value, string why, string fix, string? metadata = null) =>
        new(DiagnosticCode.DIAM1021,
            metadata is null
                ? $"The DiamolWritableDirectory item '{item.Path}' is not valid: {why}. {fix}"
                : $"The {metadata} metadata of the DiamolWritableDirectory item '{item.Path}' has the value '{value}', " +
                    $"which is not valid: {why}. {fix}");
}
