namespace Diamol.Build.Common;

/// <summary>
/// What a build knows of the base image it started from, for the history: its name as the project wrote it, its id
/// (none when the engine lacks it), its layer count and size. Both builders fill it.
/// </summary>
internal sealed record BaseImageSummary(string Name, string? Id, int LayerCount, long Size);
