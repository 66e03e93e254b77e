using Diamol.Build.Context;
using Diamol.Build.Dockerfile;
using Diamol.Build.History;

namespace Diamol.Build.Pipeline;

/// <summary>The artifacts the history stage wrote, and the build record they describe.</summary>
internal sealed record HistoryArtifacts(string JsonPath, string MarkdownPath, string HtmlPath, string ImageJsonPath, LayerHistory History,
    BuildRecord Record);

/// <summary>image.json: what CI steps need to deploy the image (as Jib's jib-image.json).</summary>
/// <param name="PushError">Why the push failed, when the image was built but the registry was not updated.</param>
/// <param name="Platform">
/// Only for one platform's image of a multi-platform publish: its platform. Such an image is pushed by digest and has
/// no tag (Tags is empty); the image.json of the index, in the publish's own output folder, names the tags.
/// </param>
internal sealed record ImageSummary(string Id, string Repository, IReadOnlyList<string> Tags, string? Digest, bool Pushed,
    [property: System.Text.Json.Serialization.JsonIgnore(
        Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? PushError = null,
    [property: System.Text.Json.Serialization.JsonIgnore(
        Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)] string? Platform = null)
{
    /// <summary>Writes image.json (left alone when unchanged): the one place it is serialised.</summary>
    public void Save(string path) =>
        Common.AtomicFile.WriteIfChanged(path, System.Text.Json.JsonSerializer.Serialize(this, HistoryJsonWriter.Options) + "\n");
}

/// <summary>Stage three: turn the build record into image-history.json and image-history.md.</summary>
internal static class HistoryStage
{
    public const string JsonFileName = OutputFolderFiles.HistoryJsonName;
    public const string MarkdownFileName = OutputFolderFiles.HistoryMarkdownName;
    public const string ImageFileName = OutputFolderFiles.ImageName;
    public const string HtmlFileName = OutputFolderFiles.HistoryHtmlName;

    /// <param name="stepSummary">GITHUB_STEP_SUMMARY: a file the Markdown summary is appended to, when set.</param>
    /// <param name="staged">This publish's staging: its manifest, and the digests the skip check already computed.</param>
    public static HistoryArtifacts Run(string contextDirectory, string outputDirectory, string generator, string? stepSummary = null,
        StagedContext? staged = null)
    {
        if (staged is not null && !staged.Describes(contextDirectory)) staged = null;
        var manifest = staged?.Manifest ?? ContextManifest.Load(contextDirectory);
        var recordBytes = BuildRecord.ReadBytes(contextDirectory);
        var record = BuildRecord.FromBytes(recordBytes);
        var dockerfile = new DockerfileDocument("", manifest.Instructions, manifest.BuildArguments);
        // Digests of the staged files (the bytes that went into the image), from the skip check's pass when it ran.
        var digests = FileDigests.ForContext(contextDirectory, manifest, staged);
        var history = HistoryBuilder.Build(
            generator, manifest.Repository, record.IndexPart ? [] : manifest.Tags, record.Image, record.BaseImage, record.History,
            dockerfile, record.Build.Steps, manifest.Plan, digests);
        history = history with
        {
            Image = history.Image with { Digest = record.PushedDigest },
            BaseImage = history.BaseImage with { Digest = Spec.ImageReference.TryParse(manifest.BaseImage, out _)?.Digest },
        };

        string jsonPath = Path.Combine(outputDirectory, JsonFileName);
        string markdown = Path.Combine(outputDirectory, MarkdownFileName);
        string html = Path.Combine(outputDirectory, HtmlFileName);
        string image = Path.Combine(outputDirectory, ImageFileName);
        // image.json is not among them: every publish deletes it until its image is made, and writes it here.
        string[] artifacts = [jsonPath, markdown, html];
        string key = HistoryReuse.KeyOf(generator, outputDirectory, recordBytes, manifest, digests);
        try
        {
            if (HistoryReuse.Matches(contextDirectory, key, artifacts))
            {
                // Already written from these inputs, and compared then with this same image: that comparison again.
                history = history with { Changes = HistoryDiff.Compare(history, history) };
                if (stepSummary is { Length: > 0 }) File.AppendAllText(stepSummary, File.ReadAllText(markdown) + "\n");
                WriteImageSummary(image, record, manifest);
                return new HistoryArtifacts(jsonPath, markdown, html, image, history, record);
            }

            // The artifact this build replaces, if it describes the same repository, is what "changed" is measured against.
            // After a failed publish the artifact was set aside (see SetAsideUnbacked): the last good one is still the baseline.
            string asidePath = AsidePath(contextDirectory);
            if ((TryRead(jsonPath) ?? TryRead(asidePath)) is { } previous && previous.Image.Repository == history.Image.Repository)
            {
                history = history with { Changes = HistoryDiff.Compare(previous, history) };
            }

            Directory.CreateDirectory(outputDirectory);
            string markdownText = HistoryMarkdownWriter.Write(history);
            Common.AtomicFile.WriteIfChanged(jsonPath, HistoryJsonWriter.Write(history));
            Common.AtomicFile.WriteIfChanged(markdown, markdownText);
            Common.AtomicFile.WriteIfChanged(html, HistoryHtmlWriter.Write(history));
            // GitHub Actions shows this file on the run's summary page.
            if (stepSummary is { Length: > 0 }) File.AppendAllText(stepSummary, markdownText + "\n");
            WriteImageSummary(image, record, manifest);
            File.Delete(asidePath);
            HistoryReuse.Record(contextDirectory, key, history, artifacts);
            return new HistoryArtifacts(jsonPath, markdown, html, image, history, record);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM4001,
                $"The layer history could not be written to '{outputDirectory}': {e.Message} Check that the folder is writable.", e);
        }
    }

    /// <summary>
    /// Where a failed publish puts the last good image-history.json, out of the artifacts' sight but still the next comparison's baseline.
    /// </summary>
    public static string AsidePath(string contextDirectory) =>
        Path.Combine(contextDirectory, ContextManifest.FolderName, "last-good-" + JsonFileName);

    /// <summary>
    /// After a failed publish: image.json was removed when the build started (or never written), so the history
    /// artifacts left in the folder describe an image this publish did not make. They are removed (the JSON moved
    /// into .diamol/ as the next publish's baseline for "since the last publish"), so no artifact in the folder
    /// describes an older image as the current one. Nothing is removed while image.json is there: then the history
    /// describes the image it names (an engine build whose push failed writes both). Returns the files removed.
    /// </summary>
    public static IReadOnlyList<string> SetAsideUnbacked(string outputDirectory, string contextDirectory)
    {
        // Only in a folder of ours (a folder that is not may hold the user's own files of these names).
        if (!Directory.Exists(Path.Combine(contextDirectory, ContextManifest.FolderName))
            || File.Exists(Path.Combine(outputDirectory, ImageFileName))) return [];
        var removed = new List<string>();
        try
        {
            string json = Path.Combine(outputDirectory, JsonFileName);
            if (File.Exists(json))
            {
                Directory.CreateDirectory(Path.Combine(contextDirectory, ContextManifest.FolderName));
                File.Move(json, AsidePath(contextDirectory), overwrite: true);
                removed.Add(json);
            }

            foreach (string path in new[] { Path.Combine(outputDirectory, MarkdownFileName), Path.Combine(outputDirectory, HtmlFileName) }
                .Where(File.Exists))
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

    private static void WriteImageSummary(string path, BuildRecord record, ContextManifest manifest)
    {
        var summary = new ImageSummary(record.Build.ImageId, manifest.Repository, record.IndexPart ? [] : manifest.FullTags.ToArray(),
            record.PushedDigest, record.PushedDigest is not null,
            record.PushError, record.IndexPart ? $"{record.Image.Os}/{record.Image.Architecture}" : null);
        summary.Save(path);
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
