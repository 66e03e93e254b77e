namespace Diamol.Build.Layers;

/// <summary>A DiamolWritableDirectory item: a folder the app may write, as the project declares it.</summary>
/// <param name="Path">Its Include: relative to the working directory, or absolute.</param>
/// <param name="Mode">Its Mode metadata, octal (0755, 0770); empty for 0755.</param>
internal sealed record WritableDirectory(string Path, string? Mode = null);
