namespace Diamol.Build.Common;

/// <summary>
/// One entry of an image's history (`docker image history`, or the config's history for the OCI writer), oldest
/// first. The engine client fills the first four; the build stages add <paramref name="LayerCount"/>.
/// </summary>
/// <param name="Id">The image the step made ("&lt;missing&gt;" or empty for pulled history and for the OCI writer).</param>
/// <param name="LayerCount">
/// The number of filesystem layers of the image that entry produced, when the builder still knows that image (null for
/// pulled or imported history).
/// </param>
internal sealed record ImageHistoryRow(string Id, string CreatedBy, DateTimeOffset? Created, long Size, int? LayerCount = null);
