using System.Globalization;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Layers;

/// <summary>
/// Warns when a publish mode defeats layering, naming what it costs in this plan and what to do instead: nobody
/// should find out from a registry bill that every edit re-ships the runtime.
/// </summary>
public static class PublishModeAdvice
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
            var runtimeFiles = files.Where(f => f.PackageId is { } id && RuntimePackPrefixes.Any(p => id.StartsWith(p, StringComparison.OrdinalIgnoreCase)))
                .Select(f => f.RelativePath).ToHashSet(StringComparer.Ordinal);
            long runtime = plan.AllFiles.Where(f => runtimeFiles.Contains(f.RelativePath)).Sum(f => f.Size);
            yield return new Diagnostic(DiagnosticCode.DIAM2004,
                $"The app is self-contained and not trimmed: the .NET runtime ({Megabytes(runtime)}) is copied into this image's own " +
                "packages layer instead of coming from a shared base image layer, so no other image on the host or in the registry shares it, " +
                "and a runtime update re-ships it whole. Publish framework-dependent (SelfContained=false; the SDK then picks the runtime or " +
                "aspnet base image), or trim it (PublishTrimmed=true). To keep it as it is, add DIAM2004 to NoWarn.");
        }
    }

    internal static string Megabytes(long bytes) =>
        (bytes / 1_000_000.0).ToString(bytes < 10_000_000 ? "0.0" : "0", CultureInfo.InvariantCulture) + " MB";
}
