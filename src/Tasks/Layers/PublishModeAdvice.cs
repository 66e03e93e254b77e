using System.Globalization;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Layers;

/// <summary>
/// Warns when a publish mode defeats layering, naming what it costs in this plan and what to do instead: nobody
/// should find out from a registry bill that every edit re-ships the runtime.
/// </summary>
internal static class PublishModeAdvice
{
    // The runtime packs a self-contained publish copies from (Microsoft.NETCore.App.Runtime.<rid> and friends).
    private static readonly string[] RuntimePackPrefixes =
        ["microsoft.netcore.app.runtime.", "microsoft.aspnetcore.app.runtime.", "microsoft.windowsdesktop.app.runtime."];

    /// <param name="files">The published files with their origin (the plan's files are read from the publish folder, which names no package).</param>
    public static IEnumerable<Diagnostic> For(PublishMode mode, LayerPlan plan, IEnumerable<PublishedFile> files, string appFileName)
    {
        if (mode.SingleFile && !mode.Aot)
        {
            long size = plan.AllFiles.FirstOrDefault(f => f.RelativePath == appFileName)?.Size ?? 0;
            yield return new Diagnostic(DiagnosticCode.DIAM2003,
                $"PublishSingleFile is true: the app and its dependencies are bundled into one file, '{appFileName}' ({Megabytes(size)}), " +
                "so it lands in the app layer whole and every code edit re-ships all of it. Images do not need a single file: " +
                "publish the image with -p:PublishSingleFile=false (keep it for other publishes) and the packages get a layer that stays cached.");
        }

        if (mode.SelfContained && !mode.Trimmed && !mode.Aot)
        {
            var runtimeFiles = files
                .Where(f => f.PackageId is { } id && RuntimePackPrefixes.Any(p => id.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
                .Select(f => f.RelativePath).ToHashSet(StringComparer.Ordinal);
            long runtime = plan.AllFiles.Where(f => runtimeFiles.Contains(f.RelativePath)).Sum(f => f.Size);
            yield return new Diagnostic(DiagnosticCode.DIAM2004,
                $"The app is self-contained and not trimmed: the .NET runtime ({Megabytes(runtime)}) is copied into this image's own " +
                "packages layer instead of coming from a shared base image layer, so no other image on the host or in the registry shares it, " +
                "and a runtime update re-ships it whole. Publish framework-dependent (SelfContained=false; the SDK then picks the runtime or " +
                "aspnet base image), or trim it (PublishTrimmed=true). To keep it as it is, add DIAM2004 to NoWarn.");
        }
    }

    /// <summary>Symbols over this size (and over <see cref="SymbolsShare"/> of the edited layers) are worth a word.</summary>
    public const long SymbolsWarnBytes = 1_000_000;

    /// <summary>The share of the layers an edit re-ships above which their symbols are worth a word.</summary>
    public const double SymbolsShare = 0.25;

    /// <summary>
    /// DIAM2019: symbols files in the layers every code edit re-ships (the app's, the referenced projects'), when they
    /// are a large part of them: a Native AOT app's .dbg is often three times its executable. There is no layer that
    /// keeps them across an edit: a .dbg (or a .pdb) is rebuilt with its binary, so it changes when the code does.
    /// </summary>
    public static Diagnostic? ForSymbols(LayerPlan plan, PublishMode mode)
    {
        var edited = plan.Layers.Where(l => l.Kind is LayerKind.App or LayerKind.Projects).SelectMany(l => l.Files).ToArray();
        var symbols = edited
            .Where(f => f.RelativePath.EndsWith(".pdb", StringComparison.OrdinalIgnoreCase)
                || f.RelativePath.EndsWith(".dbg", StringComparison.OrdinalIgnoreCase))
            .OrderByDescending(f => f.Size).ThenBy(f => f.RelativePath, StringComparer.Ordinal).ToArray();
        long size = symbols.Sum(f => f.Size), total = edited.Sum(f => f.Size);
        if (size <= SymbolsWarnBytes || size <= total * SymbolsShare) return null;
        string names = string.Join(", ", symbols.Take(3).Select(f => $"{f.RelativePath} ({Megabytes(f.Size)})"))
            + (symbols.Length > 3 ? ", ..." : "");
        return new Diagnostic(DiagnosticCode.DIAM2019,
            $"Symbols files are {Megabytes(size)} of the {Megabytes(total)} that every code edit re-ships ({names})" +
            (mode.Aot
                ? ": a Native AOT .dbg is rebuilt with the executable on every edit, so no layer can keep it cached"
                : ": they are rebuilt with their assemblies on every edit") +
            ". Publish the image without them, -p:CopyOutputSymbolsToPublishDirectory=false (the build output keeps them for debugging), " +
            "or add DIAM2019 to NoWarn to keep them in the image.");
    }

    internal static string Megabytes(long bytes) =>
        (bytes / 1_000_000.0).ToString(bytes < 10_000_000 ? "0.0" : "0", CultureInfo.InvariantCulture) + " MB";
}
