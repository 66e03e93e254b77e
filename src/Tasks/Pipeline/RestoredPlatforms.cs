using System.Text.Json;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Pipeline;

/// <summary>
/// Whether the project's restore covers every platform of a multi-platform publish. Each platform is published with
/// its RuntimeIdentifier, which needs a "framework/rid" target in obj/project.assets.json; restore writes one only for
/// the RIDs in RuntimeIdentifiers (and RuntimeIdentifier). A platform without one fails with NETSDK1047 after the
/// platforms before it were pushed, so the publish is refused before any of them starts (DIAM2021).
/// </summary>
internal static class RestoredPlatforms
{
    /// <summary>The RIDs of <paramref name="runtimeIdentifiers"/> that the assets file has no target for, in their order.</summary>
    /// <param name="frameworks">The names the assets file may key the framework by: the TargetFramework alias (net10.0) and its moniker.</param>
    public static IReadOnlyList<string> Missing(string assetsJson, IReadOnlyCollection<string> frameworks, IEnumerable<string> runtimeIdentifiers)
    {
        using var json = JsonDocument.Parse(assetsJson);
        var targets = json.RootElement.TryGetProperty("targets", out var t) && t.ValueKind == JsonValueKind.Object
            ? t.EnumerateObject().Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase)
            : [];
        return runtimeIdentifiers.Where(rid => !frameworks.Any(f => targets.Contains($"{f}/{rid}"))).ToArray();
    }

    /// <summary>Refuses the publish (DIAM2021) when the assets file lacks a platform. A missing assets file is restore's business: it is left to the SDK.</summary>
    public static void Require(string? assetsFile, IReadOnlyCollection<string> frameworks, string containerRuntimeIdentifiers)
    {
        if (string.IsNullOrWhiteSpace(assetsFile) || !File.Exists(assetsFile)) return;
        string[] rids = containerRuntimeIdentifiers.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var missing = Missing(File.ReadAllText(assetsFile), frameworks.Where(f => f.Length > 0).ToArray(), rids);
        if (missing.Count == 0) return;
        throw new DiamolException(DiagnosticCode.DIAM2021,
            $"ContainerRuntimeIdentifiers has the value '{containerRuntimeIdentifiers}', a multi-platform image, but this project's restore ({assetsFile}) has no target for " +
            $"{string.Join(", ", missing)}: the publish for {(missing.Count == 1 ? "that platform" : "those platforms")} would fail (NETSDK1047) after the others were pushed. " +
            $"Nothing was published or pushed. Set RuntimeIdentifiers to the same RIDs, <RuntimeIdentifiers>{string.Join(';', rids)}</RuntimeIdentifiers> in the project, " +
            "so restore covers every platform, then publish again.");
    }
}
