namespace Diamol.Build.Common;

/// <summary>
/// A folder's path in the one form we compare, key and prefix-match folders by: absolute, without a trailing
/// separator (<see cref="Full"/>), or with exactly one (<see cref="WithSeparator"/>, for "is this inside that").
/// </summary>
internal static class FolderPath
{
    /// <summary>Absolute, without a trailing separator; a root keeps its own ("/" stays "/").</summary>
    public static string Full(string folder) => Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));

    /// <summary>Absolute, with one trailing separator: a path starts with it exactly when it is inside the folder.</summary>
    public static string WithSeparator(string folder) =>
        Full(folder) is var full && Path.EndsInDirectorySeparator(full) ? full : full + Path.DirectorySeparatorChar;
}
