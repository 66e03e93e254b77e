using System.Text.Json;
using Diamol.Build.Common;
using Diamol.Build.Dockerfile;
using Diamol.Build.Layers;

namespace Diamol.Build.Context;

/// <summary>
/// What the Dockerfile stage hands to the build and history stages: kept in <c>.diamol/manifest.json</c> beside
/// the context (never sent to the engine), so each MSBuild task can run on its own.
/// </summary>
internal sealed record ContextManifest(
    string Project,
    string BaseImage,
    string Repository,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, string> BuildArguments,
    IReadOnlyList<DockerfileInstruction> Instructions,
    IReadOnlyList<Layer> Layers,
    string? Registry = null,
    ImageSettings? Settings = null)
{

    // Derived, so not written: the plan alone would write every file a second time.
    [System.Text.Json.Serialization.JsonIgnore]
    public LayerPlan Plan => new(Layers);

    /// <summary>The full names the image gets, <c>repository:tag</c> for each tag.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<string> FullTags => Tags.Select(t => $"{Repository}:{t}");

    /// <summary>
    /// Saves the manifest without the values the instructions give to secret-looking names: the manifest is a record
    /// on disk beside the Dockerfile, and only the Dockerfile has to hold them (the image does). Each redacted
    /// instruction is marked, so <see cref="Load"/> takes its text from the Dockerfile again.
    /// </summary>
    public void Save(OutputFolder folder) => AtomicFile.WriteIfChanged(folder.Manifest, JsonSerializer.Serialize(Redacted(), IndentedJson.Options));

    private ContextManifest Redacted()
    {
        var redactor = InstructionSecrets.RedactorFor(Instructions);
        return this with
        {
            Instructions = Instructions
                .Select(i => redactor.Redact(i.Text) is var text && text != i.Text ? i with { Text = text, Redacted = true } : i)
                .ToArray(),
        };
    }

    public static ContextManifest Load(OutputFolder folder)
    {
        string path = folder.Manifest;
        if (!File.Exists(path))
        {
            throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM2014,
                $"The build context at '{folder.Root}' has no {OutputFolder.RecordsName}/{OutputFolder.ManifestName}: " +
                "the Dockerfile stage did not run or failed. Publish again.");
        }

        var manifest = JsonSerializer.Deserialize<ContextManifest>(File.ReadAllText(path), IndentedJson.Options)!;
        return manifest.Instructions.Any(i => i.Redacted)
            ? manifest with { Instructions = WithDockerfileText(folder, manifest.Instructions) }
            : manifest;
    }

    // The real text of each redacted instruction is its line of the Dockerfile written with the manifest. A line
    // that is not that instruction (redacted, it must read as the manifest says) means the folder was edited by
    // hand: refused rather than built with masks.
    private static DockerfileInstruction[] WithDockerfileText(OutputFolder folder, IReadOnlyList<DockerfileInstruction> instructions)
    {
        string dockerfile = folder.Dockerfile;
        string[] lines = File.Exists(dockerfile) ? File.ReadAllLines(dockerfile) : [];
        var restored = instructions
            .Select(i => i.Redacted && i.Line >= 1 && i.Line <= lines.Length ? i with { Text = lines[i.Line - 1], Redacted = false } : i)
            .ToArray();
        var redactor = InstructionSecrets.RedactorFor(restored);
        for (int n = 0; n < instructions.Count; n++)
        {
            var saved = instructions[n];
            if (saved.Redacted && (restored[n].Redacted
                || !restored[n].Text.StartsWith(saved.Keyword + " ", StringComparison.Ordinal)
                || redactor.Redact(restored[n].Text) != saved.Text))
            {
                throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM2014,
                    $"The Dockerfile in '{folder.Root}' does not hold the {saved.Keyword} instruction " +
                    $"that {OutputFolder.RecordsName}/{OutputFolder.ManifestName} names at line {saved.Line}: the folder was edited by hand. Publish again.");
            }
        }

        return restored;
    }
}
