namespace Diamol.Build.Layers;

/// <summary>
/// What a layer holds, in the order layers are written: from what changes least to what changes most. The engine's
/// classic builder re-creates every layer after the first changed one, so the order decides what an edit costs.
/// </summary>
public enum LayerKind
{
    /// <summary>Every file a stable (non-prerelease) NuGet package brings, and runtime packs.</summary>
    Packages,
    /// <summary>Every file a prerelease NuGet package brings: they move more often than stable ones.</summary>
    Prerelease,
    /// <summary>
    /// The app's launcher and runtime manifests (apphost, *.deps.json, *.runtimeconfig.json, web.config): they change
    /// when dependencies or the SDK change, not with a code edit in any project of the solution.
    /// </summary>
    Host,
    /// <summary>Files the user placed in a named layer of their own (DiamolLayer metadata): chosen to be stable.</summary>
    Custom,
    /// <summary>Static web assets and content files: they change with the site, less often than code.</summary>
    Static,
    /// <summary>
    /// Outputs of ProjectReferences: in layered solutions most edits land here, about as often as in the app, so
    /// they sit just before the app and an edit in one re-creates only this layer and the app's.
    /// </summary>
    Projects,
    /// <summary>The app's own compiled files (assembly, symbols, everything else): the most volatile.</summary>
    App,
    /// <summary>
    /// Empty folders the app may write (DiamolWritableDirectory items), owned by the image's user. They change only
    /// when the items do, so they are written first of our layers (<see cref="WritableDirectoryPlanner"/>), not in
    /// this enum's order, which the other kinds keep.
    /// </summary>
    Writable,
}
