using Diamol.Build.Diagnostics;
using Diamol.Build.History;

namespace Diamol.Build.Pipeline;

/// <summary>Which artifact a report reads, and whether it was found by looking for the newest (then the log names it).</summary>
internal sealed record ChosenHistory(string Path, bool Newest);

/// <summary>
/// The artifacts DiamolShowHistory and DiamolDiffHistory read: which one DiamolHistory means, and the artifact itself,
/// each refused with DIAM4002 saying what to set.
/// </summary>
internal static class HistoryLookup
{
    /// <summary>
    /// DiamolHistory when it is set; else this configuration's artifact (<paramref name="defaultHistory"/>) when it
    /// exists; else the newest under <paramref name="searchFolder"/> (the project's bin folder: `dotnet msbuild` defaults
    /// to Debug while `dotnet publish` defaults to Release, so the last artifact of any configuration is the useful one).
    /// </summary>
    public static ChosenHistory Choose(string? history, string? defaultHistory, string? searchFolder)
    {
        if (!string.IsNullOrWhiteSpace(history)) return new ChosenHistory(history, Newest: false);
        if (!string.IsNullOrWhiteSpace(defaultHistory) && File.Exists(defaultHistory)) return new ChosenHistory(defaultHistory, Newest: false);
        var newest = string.IsNullOrWhiteSpace(searchFolder) || !Directory.Exists(searchFolder) ? null
            : new DirectoryInfo(searchFolder).EnumerateFiles(Context.OutputFolder.HistoryJsonName, SearchOption.AllDirectories).MaxBy(f => f.LastWriteTimeUtc);
        return newest is null
            ? throw new DiamolException(DiagnosticCode.DIAM4002,
                $"This project has no image-history.json yet (looked for '{defaultHistory}' and under '{searchFolder}'). " +
                "Publish first (dotnet publish), or set DiamolHistory to an artifact's path.")
            : new ChosenHistory(newest.FullName, Newest: true);
    }

    /// <summary>The artifact at <paramref name="path"/>, which <paramref name="property"/> named.</summary>
    public static LayerHistory Read(string path, string property) =>
        HistoryStage.TryRead(path) ?? throw new DiamolException(DiagnosticCode.DIAM4002,
            $"{property} has the value '{path}', which is not a readable image-history.json " +
            $"(missing, or of a schema version this Diamol.Build does not read: it reads 1 to {LayerHistory.CurrentSchemaVersion}). " +
            "Point it at an artifact a Diamol.Build publish wrote.");
}
