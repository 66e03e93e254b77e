using System.Text.Json;

namespace Diamol.Build.Sbom;

/// <summary>A library of project.assets.json as one target resolved it.</summary>
/// <param name="Type">"package" or "project".</param>
/// <param name="Sha512">The nupkg's SHA-512, lowercase hex (the file holds base64); null for a project.</param>
/// <param name="Path">The package's folder below a package folder (id/version, lowercase), or the project's path.</param>
/// <param name="Dependencies">The ids it depends on in that target.</param>
/// <param name="AssetNames">The file names of its runtime, native and resource assets (what publish copies), without '_._' placeholders.</param>
internal sealed record RestoredLibrary(string Id, string Version, string Type, string? Sha512, string? Path,
    IReadOnlyList<string> Dependencies, IReadOnlyList<string> AssetNames);

/// <summary>
/// What the SBOM needs from the project's restore (obj/project.assets.json): the libraries of the target the publish
/// used, their hashes and dependencies, the package folders (where the nuspecs are), the project's direct
/// dependencies and the runtime packs restore downloaded for a self-contained publish.
/// </summary>
internal sealed record RestoredLibraries(
    string Target,
    IReadOnlyDictionary<string, RestoredLibrary> Libraries,
    IReadOnlyList<string> PackageFolders,
    IReadOnlyList<string> DirectDependencies,
    IReadOnlyDictionary<string, string> RuntimePacks)
{
    /// <summary>
    /// Reads the assets file for <paramref name="targetFramework"/> (its alias, net10.0) and
    /// <paramref name="runtimeIdentifier"/> (the "net10.0/linux-x64" target when restore wrote one, else "net10.0").
    /// </summary>
    public static RestoredLibraries Parse(string assetsJson, string targetFramework, string? runtimeIdentifier)
    {
        using var json = JsonDocument.Parse(assetsJson);
        var root = json.RootElement;
        var targets = root.GetProperty("targets");
        string target = !string.IsNullOrEmpty(runtimeIdentifier) && targets.TryGetProperty($"{targetFramework}/{runtimeIdentifier}", out _)
            ? $"{targetFramework}/{runtimeIdentifier}"
            : targetFramework;
        if (!targets.TryGetProperty(target, out var resolved))
        {
            throw new InvalidDataException($"the assets file has no target '{target}' (it has {string.Join(", ", targets.EnumerateObject().Select(t => t.Name))})");
        }

        var libraries = root.GetProperty("libraries");
        var found = new SortedDictionary<string, RestoredLibrary>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in resolved.EnumerateObject())
        {
            int slash = entry.Name.IndexOf('/', StringComparison.Ordinal);
            string id = entry.Name[..slash], version = entry.Name[(slash + 1)..];
            libraries.TryGetProperty(entry.Name, out var library);
            string type = Text(entry.Value, "type") ?? Text(library, "type") ?? "package";
            string? sha512 = Text(library, "sha512") is { } base64 ? Convert.ToHexString(Convert.FromBase64String(base64)).ToLowerInvariant() : null;
            string[] dependencies = entry.Value.TryGetProperty("dependencies", out var deps)
                ? deps.EnumerateObject().Select(d => d.Name).Order(StringComparer.OrdinalIgnoreCase).ToArray()
                : [];
            found[id] = new RestoredLibrary(id, version, type, sha512, Text(library, "path"), dependencies, AssetNames(entry.Value));
        }

        string[] folders = root.TryGetProperty("packageFolders", out var f) ? f.EnumerateObject().Select(p => p.Name).ToArray() : [];
        var framework = Framework(root, targetFramework);
        // projectFileDependencyGroups names the project references too ("Lib >= 1.0.0"); project.frameworks only the packages.
        string[] direct = root.TryGetProperty("projectFileDependencyGroups", out var groups) && groups.TryGetProperty(targetFramework, out var group)
            ? group.EnumerateArray().Select(e => e.GetString()?.Split(' ')[0] ?? "").Where(n => n.Length > 0).ToArray()
            : framework is { } fw && fw.TryGetProperty("dependencies", out var d2) ? d2.EnumerateObject().Select(p => p.Name).ToArray() : [];
        var packs = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (framework is { } fw2 && fw2.TryGetProperty("downloadDependencies", out var downloads))
        {
            foreach (var pack in downloads.EnumerateArray())
            {
                if (Text(pack, "name") is { } name && Text(pack, "version") is { } range) packs[name] = range.Trim('[', ']', '(', ')').Split(',')[0].Trim();
            }
        }

        return new RestoredLibraries(target, found, folders, direct, packs);
    }

    private static JsonElement? Framework(JsonElement root, string targetFramework) =>
        root.TryGetProperty("project", out var project) && project.TryGetProperty("frameworks", out var frameworks)
            ? frameworks.EnumerateObject().Where(p => p.Name == targetFramework || Text(p.Value, "targetAlias") == targetFramework)
                .Select(p => (JsonElement?)p.Value).FirstOrDefault()
            : null;

    // The assets publish copies: runtime (lib/), native and resource files, and the RID-specific runtimeTargets.
    private static string[] AssetNames(JsonElement library)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (string group in new[] { "runtime", "native", "resource", "runtimeTargets" })
        {
            if (!library.TryGetProperty(group, out var assets)) continue;
            foreach (var asset in assets.EnumerateObject())
            {
                string name = asset.Name[(asset.Name.LastIndexOf('/') + 1)..];
                if (name != "_._") names.Add(name);
            }
        }

        return [.. names];
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
