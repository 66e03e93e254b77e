namespace Diamol.Build.Layers;

/// <summary>
/// The order layers are written in, from what changes least to what changes most: the app's empty writable folders
/// first (they change only when their items do), then the packages. The WebAssembly client's runtime
/// comes before the user's own layers (which may hold a volatile project: README's example), vendored files before
/// the site's own, and the endpoints manifest, which changes with any static asset, after the referenced projects
/// and before the app, so a server code edit still re-ships the app layer alone.
/// </summary>
internal static class LayerOrder
{
    private static readonly LayerKind[] Written =
    [
        LayerKind.Writable,
        LayerKind.Packages,
        LayerKind.Prerelease,
        LayerKind.Host,
        LayerKind.Webassembly,
        LayerKind.Custom,
        LayerKind.Vendor,
        LayerKind.Static,
        LayerKind.Projects,
        LayerKind.Endpoints,
        LayerKind.App,
    ];

    /// <summary>The position of a kind's layers in the image (a unit test keeps every kind listed).</summary>
    public static int Of(LayerKind kind)
    {
        int index = Array.IndexOf(Written, kind);
        return index >= 0 ? index : throw new ArgumentOutOfRangeException(nameof(kind), kind, "a layer kind with no place in LayerOrder");
    }
}
