using Diamol.Build.Pipeline;
using Microsoft.Build.Framework;

namespace Diamol.Build.MSBuild;

/// <summary>Writes the layer-history artifacts (image-history.json, image-history.md) for the image just built.</summary>
public sealed class DiamolWriteLayerHistory : DiamolTask
{
    [Required] public string ContextDirectory { get; set; } = "";
    [Required] public string OutputDirectory { get; set; } = "";

    /// <summary>The artifacts, with Format metadata (json, markdown, image).</summary>
    [Output] public ITaskItem[] Artifacts { get; private set; } = [];

    protected override void Run()
    {
        var written = HistoryStage.Run(ContextDirectory, OutputDirectory, $"Diamol.Build {ToolVersion}");
        var totals = written.History.Totals;
        Log.LogMessage(MessageImportance.High, "Layer history -> {0} ({1} bytes ours, {2} new in this build)",
            written.JsonPath, totals.OurBytes, totals.NewBytes);
        Artifacts =
        [
            Item(written.JsonPath, "json"),
            Item(written.MarkdownPath, "markdown"),
            Item(written.ImageJsonPath, "image"),
        ];
    }

    private static ITaskItem Item(string path, string format)
    {
        var item = new Microsoft.Build.Utilities.TaskItem(path);
        item.SetMetadata("Format", format);
        return item;
    }
}
