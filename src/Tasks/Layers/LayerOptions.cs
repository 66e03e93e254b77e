namespace Diamol.Build.Layers;

/// <summary>The settings that shape the layer plan beyond the files themselves.</summary>
/// <param name="FileModes">DiamolFileModes: how published modes become image modes.</param>
/// <param name="PublishMode">The publish settings that decide how finely the output can be split.</param>
/// <param name="AppFileName">The published executable's name (the single-file bundle when there is one).</param>
/// <param name="WritableDirectories">DiamolWritableDirectory items: folders the image's user may write.</param>
internal sealed record LayerOptions(FileModePolicy FileModes, PublishMode PublishMode, string AppFileName, IReadOnlyList<WritableDirectory>? WritableDirectories = null);
