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
    [Required] public string History { get; set; } = "";

    /// <summary>The earlier artifact to compare with; empty prints <see cref="History"/> alone.</summary>
    public string? Baseline { get; set; }

    /// <summary>Bytes in layers the later image has and the earlier has not.</summary>
    [Output] public long AddedBytes { get; private set; }

    protected override void Run()
    {
        var current = Read(History, "DiamolHistory");
        if (string.IsNullOrWhiteSpace(Baseline))
        {
            Log.LogMessage(MessageImportance.High, "{0}", HistoryMarkdownWriter.Write(current));
            return;
        }

        var baseline = Read(Baseline, "DiamolHistoryBaseline");
        var changes = HistoryDiff.Compare(baseline, current);
        AddedBytes = changes.AddedBytes;
        Log.LogMessage(MessageImportance.High, "{0} -> {1}: {2}", Short(baseline.Image.Id), Short(current.Image.Id), changes.Summary);
        foreach (var layer in changes.Added)
        {
            Log.LogMessage(MessageImportance.High, "  + {0,-10} {1,10}  {2}", layer.LayerName ?? layer.LayerKind ?? layer.Origin, HistoryMarkdownWriter.Size(layer.Size), layer.DiffId);
        }

        foreach (var layer in changes.Removed)
        {
            Log.LogMessage(MessageImportance.High, "  - {0,-10} {1,10}  {2}", layer.LayerName ?? layer.LayerKind ?? layer.Origin, HistoryMarkdownWriter.Size(layer.Size), layer.DiffId);
        }
    }

    private static LayerHistory Read(string path, string property) =>
        HistoryStage.TryRead(path) ?? throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM4002,
            $"{property} has the value '{path}', which is not a readable image-history.json (missing, or not schema version {LayerHistory.CurrentSchemaVersion}). " +
            "Point it at an artifact a Diamol.Build publish wrote.");

    private static string Short(string id) => id.Length > 19 ? id[..19] : id;
}
