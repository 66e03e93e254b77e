namespace Diamol.Build.Layers;

/// <summary>
/// What a layer holds, in the order layers are written: from what changes least to what changes most.
/// </summary>
public enum LayerKind
{
    /// <summary>Assets of stable (non-prerelease) NuGet packages and runtime packs.</summary>
    Packages,
    /// <summary>Assets of prerelease NuGet packages: they move more often than stable ones.</summary>
    Prerelease,
    /// <summary>Outputs of ProjectReferences: they change when a sibling project changes.</summary>
    Projects,
    /// <summary>
    /// The app's launcher and runtime manifests (apphost, *.deps.json, *.runtimeconfig.json): they change when
    /// dependencies or the SDK change, not with a code edit, so they stay out of the app layer.
    /// </summary>
    Host,
    /// <summary>Static web assets and content files.</summary>
    Static,
    /// <summary>Files the user placed in a named layer of their own (DiamolLayer metadata).</summary>
    Custom,
    /// <summary>The app's own compiled files (assembly, symbols, everything else): the most volatile.</summary>
    App,
}
