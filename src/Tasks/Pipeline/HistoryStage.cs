using Diamol.Build.Context;
using Diamol.Build.Dockerfile;
using Diamol.Build.History;

namespace Diamol.Build.Pipeline;

/// <summary>The artifacts the history stage wrote.</summary>
public sealed record HistoryArtifacts(string JsonPath, string MarkdownPath, LayerHistory History);

/// <summary>Stage three: turn the build record into image-history.json and image-history.md.</summary>
public static class HistoryStage
{
    public const string JsonFileName = "image-history.json";
    public const string MarkdownFileName = "image-history.md";

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
            ContextStager.WriteIfChanged(json, HistoryJsonWriter.Write(history));
            ContextStager.WriteIfChanged(markdown, HistoryMarkdownWriter.Write(history));
            return new HistoryArtifacts(json, markdown, history);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM4001,
                $"The layer history could not be written to '{outputDirectory}': {e.Message} Check that the folder is writable.", e);
        }
    }
}
