using Diamol.Build.Common;
using Diamol.Build.History;
using Diamol.Build.Pipeline;
using Microsoft.Build.Framework;

namespace Diamol.Build.MSBuild;

/// <summary>
/// Prints a layer-history artifact, or the difference between two (for example the artifacts of two CI runs):
/// which layers differ and by how many bytes. Behind the DiamolShowHistory and DiamolDiffHistory targets.
/// </summary>
public sealed class DiamolHistoryReport : DiamolTask
{
    /// <summary>DiamolHistory: the artifact to show; empty for this project's last one.</summary>
    public string? History { get; set; }

    /// <summary>This configuration's artifact, used when <see cref="History"/> is empty and it exists.</summary>
    public string? DefaultHistory { get; set; }

    /// <summary>
    /// Where else to look when this configuration has none (the project's bin folder): `dotnet msbuild` defaults to
    /// Debug while `dotnet publish` defaults to Release, so the last artifact of any configuration is the useful one.
    /// </summary>
    public string? SearchFolder { get; set; }

    /// <summary>The earlier artifact to compare with; empty prints <see cref="History"/> alone.</summary>
    public string? Baseline { get; set; }

    /// <summary>Bytes in layers the later image has and the earlier has not.</summary>
    [Output] public long AddedBytes { get; private set; }

    protected override void Run()
    {
        var chosen = HistoryLookup.Choose(History, DefaultHistory, SearchFolder);
        if (chosen.Newest) Log.LogMessage(MessageImportance.High, "The project's latest artifact: {0}", chosen.Path);
        var current = HistoryLookup.Read(chosen.Path, "DiamolHistory");
        if (string.IsNullOrWhiteSpace(Baseline))
        {
            Log.LogMessage(MessageImportance.High, "{0}", HistoryMarkdownWriter.Write(current));
            return;
        }

        var baseline = HistoryLookup.Read(Baseline, "DiamolHistoryBaseline");
        if (baseline.Image.Repository != current.Image.Repository)
        {
            // Two repositories share only their base: every layer of ours reads as "changed", which is not news.
            Warn(Diagnostics.DiagnosticCode.DIAM4003,
                $"DiamolHistoryBaseline ('{Baseline}') describes the repository '{baseline.Image.Repository}', " +
                $"but DiamolHistory describes '{current.Image.Repository}': " +
                "the comparison below is between two different images, not two builds of one. " +
                "Compare artifacts of the same ContainerRepository.");
        }

        var changes = HistoryDiff.Compare(baseline, current);
        AddedBytes = changes.AddedBytes;
        Log.LogMessage(MessageImportance.High, "{0} -> {1}: {2}", ShortId.Of(baseline.Image.Id), ShortId.Of(current.Image.Id), changes.Summary);
        foreach (var layer in changes.Added)
        {
            Log.LogMessage(MessageImportance.High, "  + {0,-10} {1,10}  {2}", layer.LayerName ?? layer.LayerKind ?? layer.Origin,
                ByteSize.Format(layer.Size), layer.DiffId);
        }

        foreach (var layer in changes.Removed)
        {
            Log.LogMessage(MessageImportance.High, "  - {0,-10} {1,10}  {2}", layer.LayerName ?? layer.LayerKind ?? layer.Origin,
                ByteSize.Format(layer.Size), layer.DiffId);
        }

        foreach (var file in changes.Files)
        {
            Log.LogMessage(MessageImportance.High, "    {0} {1}/{2} {3}", file.Change switch { "added" => "+", "removed" => "-", _ => "~" },
                file.Layer, file.Path, HistoryDiff.Signed(file.Delta));
        }
    }
}
