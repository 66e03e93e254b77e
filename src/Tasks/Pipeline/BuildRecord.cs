using System.Text.Json;
using Diamol.Build.Engine;
using Diamol.Build.History;

namespace Diamol.Build.Pipeline;

/// <summary>
/// What the build stage learned from the engine, saved as <c>.diamol/build.json</c> so the history stage can
/// write its artifacts without talking to the engine again.
/// </summary>
public sealed record BuildRecord(
    string Engine,
    BuildResult Build,
    EngineImage Image,
    EngineBaseImage BaseImage,
    IReadOnlyList<EngineHistoryEntry> History,
    string? PushedDigest = null,
    string? Fingerprint = null,
    bool Skipped = false,
    string? PushError = null)
{
    public const string FileName = "build.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static string PathIn(string contextDirectory) =>
        Path.Combine(contextDirectory, Context.ContextManifest.FolderName, FileName);

    public void Save(string contextDirectory) =>
        Context.ContextStager.WriteIfChanged(PathIn(contextDirectory), JsonSerializer.Serialize(this, Json));

    /// <summary>The record of the last successful build, or null when there is none (or it cannot be read).</summary>
    public static BuildRecord? TryLoad(string contextDirectory)
    {
        try
        {
            return File.Exists(PathIn(contextDirectory)) ? JsonSerializer.Deserialize<BuildRecord>(File.ReadAllText(PathIn(contextDirectory)), Json) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static BuildRecord Load(string contextDirectory)
    {
        string path = PathIn(contextDirectory);
        if (!File.Exists(path))
        {
            throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM4001,
                $"No image was built from '{contextDirectory}' ({Context.ContextManifest.FolderName}/{FileName} is missing), so there is no history to write. " +
                "Publish with DiamolBuildImage left at true.");
        }

        return JsonSerializer.Deserialize<BuildRecord>(File.ReadAllText(path), Json)!;
    }
}
