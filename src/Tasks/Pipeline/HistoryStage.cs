using Diamol.Build.Context;
using Diamol.Build.Dockerfile;
using Diamol.Build.History;

namespace Diamol.Build.Pipeline;

/// <summary>The artifacts the history stage wrote.</summary>
public sealed record HistoryArtifacts(string JsonPath, string MarkdownPath, string ImageJsonPath, LayerHistory History);

/// <summary>image.json: what CI steps need to deploy the image (as Jib's jib-image.json).</summary>
public sealed record ImageSummary(string Id, string Repository, IReadOnlyList<string> Tags, string? Digest, bool Pushed);

/// <summary>Stage three: turn the build record into image-history.json and image-history.md.</summary>
public static class HistoryStage
{
    public const string JsonFileName = "image-history.json";
    public const string MarkdownFileName = "image-history.md";
    public const string ImageFileName = "image.json";

    public static HistoryArtifacts Run(string contextDirectory, string outputDirectory, string generator)
    {
        var manifest = ContextManifest.Load(contextDirectory);
        var record = BuildRecord.Load(contextDirectory);
        var dockerfile = new DockerfileDocument("", manifest.Instructions, manifest.BuildArguments);
        var history = HistoryBuilder.Build(
            generator, manifest.Repository, manifest.Tags, record.Image, record.BaseImage, record.History,
            dockerfile, record.Build.Steps, manifest.Plan);

        try
        {
            Directory.CreateDirectory(outputDirectory);
            string json = Path.Combine(outputDirectory, JsonFileName);
            string markdown = Path.Combine(outputDirectory, MarkdownFileName);
            string image = Path.Combine(outputDirectory, ImageFileName);
            ContextStager.WriteIfChanged(json, HistoryJsonWriter.Write(history));
            ContextStager.WriteIfChanged(markdown, HistoryMarkdownWriter.Write(history));
            var summary = new ImageSummary(record.Build.ImageId, manifest.Repository, manifest.FullTags.ToArray(), record.PushedDigest, record.PushedDigest is not null);
            ContextStager.WriteIfChanged(image, System.Text.Json.JsonSerializer.Serialize(summary, HistoryJsonWriter.Options) + "\n");
            return new HistoryArtifacts(json, markdown, image, history);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM4001,
                $"The layer history could not be written to '{outputDirectory}': {e.Message} Check that the folder is writable.", e);
        }
    }
}
