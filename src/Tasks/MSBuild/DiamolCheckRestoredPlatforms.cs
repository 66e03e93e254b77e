using Microsoft.Build.Framework;

namespace Diamol.Build.MSBuild;

/// <summary>Refuses a multi-platform publish whose restore lacks one of its platforms (DIAM2021), before any platform is published.</summary>
public sealed class DiamolCheckRestoredPlatforms : DiamolTask
{
    /// <summary>ProjectAssetsFile: obj/project.assets.json.</summary>
    public string? AssetsFile { get; set; }
    /// <summary>TargetFramework (net10.0) and TargetFrameworkMoniker: the assets file keys its targets by one of them.</summary>
    public string? TargetFramework { get; set; }
    public string? TargetFrameworkMoniker { get; set; }
    [Required] public string ContainerRuntimeIdentifiers { get; set; } = "";

    protected override void Run() =>
        Pipeline.RestoredPlatforms.Require(AssetsFile, [TargetFramework ?? "", TargetFrameworkMoniker ?? ""], ContainerRuntimeIdentifiers);
}
