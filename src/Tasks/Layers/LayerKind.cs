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
    /// <summary>Static web assets and content files.</summary>
    Static,
    /// <summary>Files the user placed in a named layer of their own (DiamolLayer metadata).</summary>
    Custom,
    /// <summary>The app's own files: its assembly, deps.json, runtimeconfig.json; the most volatile.</summary>
    App,
}
