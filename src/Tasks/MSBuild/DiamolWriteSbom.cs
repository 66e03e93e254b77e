using Diamol.Build.Pipeline;
using Diamol.Build.Sbom;
using Microsoft.Build.Framework;

namespace Diamol.Build.MSBuild;

/// <summary>Writes the image's SBOMs (sbom.spdx.json, sbom.cdx.json) into the output folder, beside the history.</summary>
public sealed class DiamolWriteSbom : DiamolTask
{
    [Required] public string ContextDirectory { get; set; } = "";

    /// <summary>DiamolSbom: the formats (spdx;cyclonedx by default), or false.</summary>
    public string? Formats { get; set; }

    /// <summary>ProjectAssetsFile.</summary>
    public string? AssetsFile { get; set; }

    public string? TargetFramework { get; set; }
    public string? RuntimeIdentifier { get; set; }

    /// <summary>AssemblyName: the app's name in the SBOM.</summary>
    public string? AppName { get; set; }

    /// <summary>Version.</summary>
    public string? AppVersion { get; set; }

    /// <summary>The SBOMs written, with Format metadata (spdx, cyclonedx).</summary>
    [Output] public ITaskItem[] Sboms { get; private set; } = [];

    protected override void Run()
    {
        var options = new SbomOptions(AssetsFile ?? "", TargetFramework ?? "", RuntimeIdentifier, AppName ?? "app", AppVersion ?? "1.0.0",
            SbomFormats.Parse(Formats), ToolVersion, Environment.GetEnvironmentVariable(Oci.ReproducibleTime.Variable));
        var state = StateOf(ContextDirectory);
        // Measured like every stage, so the publish's "Time by stage" line and timings.json show what the SBOM costs.
        var timings = new StageTimings(nameof(DiamolWriteSbom));
        var (written, warnings) = timings.Measure("sbom", () => SbomStage.Run(state, options));
        timings.Save(state.Folder, startsPublish: false);
        Report(warnings);
        foreach (string path in written) Log.LogMessage(MessageImportance.Normal, "SBOM -> {0}", path);
        Sboms = written.Select(path =>
        {
            var item = new Microsoft.Build.Utilities.TaskItem(path);
            item.SetMetadata("Format", path.EndsWith(Context.OutputFolder.SpdxSbomName, StringComparison.Ordinal) ? "spdx" : "cyclonedx");
            return (ITaskItem)item;
        }).ToArray();
    }
}
