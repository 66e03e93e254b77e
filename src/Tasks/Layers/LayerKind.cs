namespace Diamol.Build.Layers;

/// <summary>
/// What a layer holds. Layers are written from what changes least to what changes most (<see cref="LayerOrder"/>, not
/// the order of the members here: new kinds are added at the end). The engine's classic builder re-creates every
/// layer after the first changed one, so the order decides what an edit costs.
/// </summary>
internal enum LayerKind
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
    /// A WebAssembly client's files that came from its runtime pack or its NuGet packages (the trimmed framework and
    /// package assemblies, the runtime's dotnet.native.*, ICU data, their compressed twins): they change when the
    /// client starts using other APIs or its packages change, not with every edit of the client.
    /// </summary>
    Webassembly,
    /// <summary>Vendored static files (wwwroot/lib/** of the site or a referenced project): they change when a library is updated.</summary>
    Vendor,
    /// <summary>
    /// The static web assets endpoints manifest when referenced projects have static assets: it lists every asset's
    /// fingerprint, so it changes with every client edit and every edit of the site's files, and sits alone late.
    /// </summary>
    Endpoints,
    /// <summary>
    /// Empty folders the app may write (DiamolWritableDirectory items), owned by the image's user. They change only
    /// when the items do, so they are written first of our layers (<see cref="LayerOrder"/>,
    /// <see cref="WritableDirectoryPlanner"/>).
    /// </summary>
    Writable,
}
