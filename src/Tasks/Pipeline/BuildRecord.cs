using System.Text.Json;
using Diamol.Build.Engine;
using Diamol.Build.Common;

namespace Diamol.Build.Pipeline;

/// <summary>
/// What the build stage learned from the engine, saved as <c>.diamol/build.json</c> so the history stage can
/// write its artifacts without talking to the engine again, and the next build can tell which of its steps are
/// unchanged (<see cref="StepKeys"/>, one per step of <see cref="BuildResult.Steps"/>).
/// </summary>
/// <param name="IndexPart">
/// One platform's image of a multi-platform publish: pushed (or laid out) by digest and named by
/// <c>repository@digest</c> in <see cref="BuildResult.References"/>; no tag points to it, the index gets the tags.
/// </param>
internal sealed record BuildRecord(
    string Engine,
    BuildResult Build,
    ImageFacts Image,
    BaseImageSummary BaseImage,
    IReadOnlyList<ImageHistoryRow> History,
    string? PushedDigest = null,
    string? Fingerprint = null,
    bool Skipped = false,
    string? PushError = null,
    IReadOnlyList<string>? StepKeys = null,
    bool IndexPart = false)
{
    public const string FileName = "build.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static string PathIn(string contextDirectory) =>
        Path.Combine(contextDirectory, Context.ContextManifest.FolderName, FileName);

    /// <summary>
    /// Saves the record without the values of secret-looking ENV and LABEL names, anywhere in it (the history's
    /// instruction texts included): the record is a file on disk, not the image. Build-argument values were taken out
    /// when the record was made, where they are known.
    /// </summary>
    public void Save(string contextDirectory) =>
        Common.AtomicFile.WriteIfChanged(PathIn(contextDirectory), JsonSerializer.Serialize(Redacted(), Json));

    private BuildRecord Redacted()
    {
        var redactor = Spec.SecretRedactor.ForEnvironment(Image.Env, Image.Labels);
        return this with
        {
            Image = Image with
            {
                Env = Image.Env.Select(Spec.SecretRedactor.RedactEntry).ToArray(),
                Labels = Image.Labels?.ToDictionary(l => l.Key, l => Spec.SecretNames.LooksSecret(l.Key) ? Spec.SecretRedactor.Mask : l.Value),
            },
            History = History.Select(h => h with { CreatedBy = redactor.Redact(h.CreatedBy) }).ToArray(),
            Build = Build with { Steps = Build.Steps.Select(s => s with { Instruction = redactor.Redact(s.Instruction) }).ToArray() },
        };
    }

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

    public static BuildRecord Load(string contextDirectory) => FromBytes(ReadBytes(contextDirectory));

    public static BuildRecord FromBytes(byte[] bytes) => JsonSerializer.Deserialize<BuildRecord>(bytes, Json)!;

    /// <summary>The record as saved (the history's reuse key covers these bytes); DIAM4001 when there is none.</summary>
    public static byte[] ReadBytes(string contextDirectory)
    {
        string path = PathIn(contextDirectory);
        if (!File.Exists(path))
        {
            throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM4001,
                $"No image was built from '{contextDirectory}' ({Context.ContextManifest.FolderName}/{FileName} is missing), so there is no history to write. " +
                "Publish with DiamolBuildImage left at true.");
        }

        return File.ReadAllBytes(path);
    }
}
