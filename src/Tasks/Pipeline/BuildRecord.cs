using System.Text.Json;
using Diamol.Build.Context;
using Diamol.Build.Engine;
using Diamol.Build.Common;

namespace Diamol.Build.Pipeline;

/// <summary>
/// What the build stage learned from the engine, saved as <c>.diamol/build.json</c> (<see cref="OutputFolder.BuildJson"/>) so the history stage can
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

    /// <summary>
    /// Saves the record without the values of secret-looking ENV and LABEL names, anywhere in it (the history's
    /// instruction texts included): the record is a file on disk, not the image. Build-argument values were taken out
    /// when the record was made, where they are known.
    /// </summary>
    public void Save(OutputFolder folder) => Common.AtomicFile.WriteIfChanged(folder.BuildJson, JsonSerializer.Serialize(Redacted(), IndentedJson.Options));

    /// <summary>
    /// When a build starts: a record from an earlier build must not outlive a failed one, nor may image.json, which CI
    /// reads to deploy, describe an image this build did not make.
    /// </summary>
    public static void RemoveWithSummary(OutputFolder folder)
    {
        File.Delete(folder.BuildJson);
        ImageSummary.Remove(folder);
    }

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
    public static BuildRecord? TryLoad(OutputFolder folder)
    {
        try
        {
            return File.Exists(folder.BuildJson) ? JsonSerializer.Deserialize<BuildRecord>(File.ReadAllText(folder.BuildJson), IndentedJson.Options) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static BuildRecord Load(OutputFolder folder) => FromBytes(ReadBytes(folder));

    public static BuildRecord FromBytes(byte[] bytes) => JsonSerializer.Deserialize<BuildRecord>(bytes, IndentedJson.Options)!;

    /// <summary>The record as saved (the history's reuse key covers these bytes); DIAM4001 when there is none.</summary>
    public static byte[] ReadBytes(OutputFolder folder)
    {
        string path = folder.BuildJson;
        if (!File.Exists(path))
        {
            throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM4001,
                $"No image was built from '{folder.Root}' ({OutputFolder.RecordsName}/{OutputFolder.BuildRecordName} is missing), " +
                "so there is no history to write. " +
                "Publish with DiamolBuildImage left at true.");
        }

        return File.ReadAllBytes(path);
    }
}
