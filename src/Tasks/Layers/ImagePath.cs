namespace Diamol.Build.Layers;

/// <summary>
/// A path below the publish folder as the image names it: '/'-separated. Only this machine's own separator becomes
/// '/': on Linux a '\' is an ordinary character of a file name (the SDK publishes "back\slash.txt" as one file, and
/// PublishContainer keeps it), so turning it into '/' would make a folder the publish folder does not have.
/// </summary>
internal static class ImagePath
{
    public static string FromFileSystem(string relative) =>
        Path.DirectorySeparatorChar == '\\' ? relative.Replace('\\', '/') : relative;

    /// <summary>
    /// An item's RelativePath, which may hold '\' as a separator even on Linux (a package's targets written for
    /// Windows; MSBuild's copy then writes folders): the name the publish folder really has decides.
    /// </summary>
    public static string FromItem(string relative, Func<string, bool> inPublishFolder)
    {
        string native = FromFileSystem(relative);
        if (!native.Contains('\\', StringComparison.Ordinal) || inPublishFolder(native)) return native;
        return native.Replace('\\', '/');
    }
}
