using System.Text.Json;
using Diamol.Build.Dockerfile;
using Diamol.Build.Layers;

namespace Diamol.Build.Context;

/// <summary>
/// What the Dockerfile stage hands to the build and history stages: kept in <c>.diamol/manifest.json</c> beside
/// the context (never sent to the engine), so each MSBuild task can run on its own.
/// </summary>
public sealed record ContextManifest(
    string Project,
    string BaseImage,
    string Repository,
    IReadOnlyList<string> Tags,
    IReadOnlyDictionary<string, string> BuildArguments,
    IReadOnlyList<DockerfileInstruction> Instructions,
    IReadOnlyList<Layer> Layers,
    string? Registry = null,
    Oci.ImageSettings? Settings = null)
{
    public const string FolderName = ".diamol";
    public const string FileName = "manifest.json";

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true };

    public static string PathIn(string contextDirectory) => System.IO.Path.Combine(contextDirectory, FolderName, FileName);

    // Derived, so not written: the plan alone would write every file a second time.
    [System.Text.Json.Serialization.JsonIgnore]
    public LayerPlan Plan => new(Layers);

    /// <summary>The full names the image gets, <c>repository:tag</c> for each tag.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public IEnumerable<string> FullTags => Tags.Select(t => $"{Repository}:{t}");

    public void Save(string contextDirectory)
    {
        Directory.CreateDirectory(System.IO.Path.Combine(contextDirectory, FolderName));
        ContextStager.WriteIfChanged(PathIn(contextDirectory), JsonSerializer.Serialize(this, Json));
    }

    public static ContextManifest Load(string contextDirectory)
    {
        string path = PathIn(contextDirectory);
        if (!File.Exists(path))
        {
            throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM2014,
                $"The build context at '{contextDirectory}' has no {FolderName}/{FileName}: the Dockerfile stage did not run or failed. Publish again.");
        }

        return JsonSerializer.Deserialize<ContextManifest>(File.ReadAllText(path), Json)!;
    }
}
