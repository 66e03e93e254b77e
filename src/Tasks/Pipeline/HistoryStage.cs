using Diamol.Build.Context;
using Diamol.Build.Dockerfile;
using Diamol.Build.History;

namespace Diamol.Build.Pipeline;

/// <summary>The artifacts the history stage wrote, and the build record they describe.</summary>
internal sealed record HistoryArtifacts(string JsonPath, string MarkdownPath, string HtmlPath, string ImageJsonPath, LayerHistory History,
    BuildRecord Record);

/// <summary>Stage three: turn the build record into image-history.json and image-history.md.</summary>
internal static class HistoryStage
{
    /// <param name="state">The context's folder, manifest and file digests (the skip check's, when it computed them).</param>
    /// <param name="output">Where the artifacts go (the context's own folder in a publish).</param>
    /// <param name="stepSummary">GITHUB_STEP_SUMMARY: a file the Markdown summary is appended to, when set.</param>
    public static HistoryArtifacts Run(OutputFolderState state, OutputFolder output, string generator, string? stepSummary = null)
    {
        var manifest = state.Manifest;
        var recordBytes = BuildRecord.ReadBytes(state.Folder);
        var record = BuildRecord.FromBytes(recordBytes);
        var dockerfile = new DockerfileDocument("", manifest.Instructions, manifest.BuildArguments);
        // Digests of the staged files (the bytes that went into the image), from the skip check's pass when it ran.
        var digests = state.Digests;
        var history = HistoryBuilder.Build(
            generator, manifest.Repository, record.IndexPart ? [] : manifest.Tags, record.Image, record.BaseImage, record.History,
            dockerfile, record.Build.Steps, manifest.Plan, digests);
        history = history with
        {
            Image = history.Image with { Digest = record.PushedDigest },
            BaseImage = history.BaseImage with { Digest = Spec.ImageReference.TryParse(manifest.BaseImage, out _)?.Digest },
        };

        string jsonPath = output.HistoryJson;
        string markdown = output.HistoryMarkdown;
        string html = output.HistoryHtml;
        string image = output.ImageJson;
        // image.json is not among them: every publish deletes it until its image is made, and writes it here.
        string[] artifacts = [jsonPath, markdown, html];
        string key = HistoryReuse.KeyOf(generator, output, recordBytes, manifest, digests);
        try
        {
            if (HistoryReuse.Matches(state.Folder, key, artifacts))
            {
                // Already written from these inputs, and compared then with this same image: that comparison again.
                history = history with { Changes = HistoryDiff.Compare(history, history) };
                if (stepSummary is { Length: > 0 }) File.AppendAllText(stepSummary, File.ReadAllText(markdown) + "\n");
                WriteImageSummary(output, record, manifest);
                return new HistoryArtifacts(jsonPath, markdown, html, image, history, record);
            }

            // The artifact this build replaces, if it describes the same repository, is what "changed" is measured against.
            // After a failed publish the artifact was set aside (see SetAsideUnbacked): the last good one is still the baseline.
            string asidePath = state.Folder.LastGoodHistory;
            if ((TryRead(jsonPath) ?? TryRead(asidePath)) is { } previous && previous.Image.Repository == history.Image.Repository)
            {
                history = history with { Changes = HistoryDiff.Compare(previous, history) };
            }

            Directory.CreateDirectory(output.Root);
            string markdownText = HistoryMarkdownWriter.Write(history);
            Common.AtomicFile.WriteIfChanged(jsonPath, HistoryJsonWriter.Write(history));
            Common.AtomicFile.WriteIfChanged(markdown, markdownText);
            Common.AtomicFile.WriteIfChanged(html, HistoryHtmlWriter.Write(history));
            // GitHub Actions shows this file on the run's summary page.
            if (stepSummary is { Length: > 0 }) File.AppendAllText(stepSummary, markdownText + "\n");
            WriteImageSummary(output, record, manifest);
            File.Delete(asidePath);
            HistoryReuse.Record(state.Folder, key, history, artifacts);
            return new HistoryArtifacts(jsonPath, markdown, html, image, history, record);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM4001,
                $"The layer history could not be written to '{output.Root}': {e.Message} Check that the folder is writable.", e);
        }
    }

    /// <summary>
    /// After a failed publish: image.json was removed when the build started (or never written), so the history
    /// artifacts left in the folder describe an image this publish did not make. They are removed (the JSON moved
    /// into .diamol/ as the next publish's baseline for "since the last publish", <see cref="OutputFolder.LastGoodHistory"/>), so no artifact in the folder
    /// describes an older image as the current one. Nothing is removed while image.json is there: then the history
    /// describes the image it names (an engine build whose push failed writes both). Returns the files removed.
    /// </summary>
    public static IReadOnlyList<string> SetAsideUnbacked(OutputFolder folder)
    {
        // Only in a folder of ours (a folder that is not may hold the user's own files of these names).
        if (!folder.HasRecords || File.Exists(folder.ImageJson)) return [];
        var removed = new List<string>();
        try
        {
            string json = folder.HistoryJson;
            if (File.Exists(json))
            {
                Directory.CreateDirectory(folder.Records);
                File.Move(json, folder.LastGoodHistory, overwrite: true);
                removed.Add(json);
            }

            foreach (string path in new[] { folder.HistoryMarkdown, folder.HistoryHtml }.Where(File.Exists))
            {
                File.Delete(path);
                removed.Add(path);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The publish has failed already, with its own code; a folder we cannot tidy is not a second failure.
        }

        return removed;
    }

    private static void WriteImageSummary(OutputFolder output, BuildRecord record, ContextManifest manifest)
    {
        var summary = new ImageSummary(record.Build.ImageId, manifest.Repository, record.IndexPart ? [] : manifest.FullTags.ToArray(),
            record.PushedDigest, record.PushedDigest is not null,
            record.PushError, record.IndexPart ? $"{record.Image.Os}/{record.Image.Architecture}" : null);
        summary.Save(output);
    }

    /// <summary>Reads an artifact; null when it is missing or not one we can read (an older schema, a broken file).</summary>
    public static LayerHistory? TryRead(string path)
    {
        try
        {
            return File.Exists(path) ? HistoryJsonWriter.Read(File.ReadAllText(path)) : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }
}
