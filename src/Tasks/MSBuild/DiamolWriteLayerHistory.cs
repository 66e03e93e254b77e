using Diamol.Build.Common;
using Diamol.Build.Pipeline;
using Microsoft.Build.Framework;

namespace Diamol.Build.MSBuild;

/// <summary>Writes the layer-history artifacts (image-history.json, image-history.md) for the image just built.</summary>
public sealed class DiamolWriteLayerHistory : DiamolTask
{
    [Required] public string ContextDirectory { get; set; } = "";
    [Required] public string OutputDirectory { get; set; } = "";
    protected override string? HistoryFolder => OutputDirectory;

    /// <summary>The artifacts, with Format metadata (json, markdown, html, image).</summary>
    [Output] public ITaskItem[] Artifacts { get; private set; } = [];

    protected override void Run()
    {
        try
        {
            Write();
        }
        finally
        {
            ReleaseOutputFolder(ContextDirectory);
        }
    }

    private void Write()
    {
        var timings = new StageTimings(nameof(DiamolWriteLayerHistory));
        var state = StateOf(ContextDirectory);
        string? stepSummary = Environment.GetEnvironmentVariable("GITHUB_STEP_SUMMARY");
        var written = timings.Measure("history", () => HistoryStage.Run(state, new Context.OutputFolder(OutputDirectory), $"Diamol.Build {ToolVersion}", stepSummary));
        timings.Save(state.Folder, startsPublish: false);
        Log.LogMessage(MessageImportance.Normal, "Time by stage: {0}", StageTimings.Describe(StageTimings.Read(state.Folder)));
        var manifest = state.Manifest;
        // A platform image of a multi-platform publish has no tag of its own: the index's publish claims them.
        if (!written.Record.IndexPart) ClaimTags(OutputDirectory, manifest.FullTags.ToArray());

        var totals = written.History.Totals;
        // The page a person opens; the JSON and Markdown sit beside it.
        Log.LogMessage(MessageImportance.Normal, "Layer history -> {0} ({1} ours, {2} new in this build{3})",
            written.HtmlPath, ByteSize.Format(totals.OurBytes), ByteSize.Format(totals.NewBytes),
            written.History.Changes is { } changes ? "; since the last build: " + changes.Summary : "");
        // Last, at minimal verbosity: the one line a default publish prints, and the terminal logger's output line.
        Log.LogMessage(MessageImportance.High, "{0}",
            PublishSummary.Line(ProjectFileName ?? manifest.Project, written.Record, written.History, written.HtmlPath, Directory.GetCurrentDirectory()));
        Artifacts =
        [
            Item(written.JsonPath, "json"),
            Item(written.MarkdownPath, "markdown"),
            Item(written.HtmlPath, "html"),
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
