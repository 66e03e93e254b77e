using Diamol.Build.Diagnostics;

namespace Diamol.Build.Context;

/// <summary>Where the output folder may not be.</summary>
public static class OutputFolderRules
{
    /// <summary>
    /// An output folder in the publish folder would be published with the app, so each image would carry the build
    /// context, records and artifacts of the one before it, growing with every publish.
    /// </summary>
    public static void RefuseInsidePublishFolder(string outputDirectory, string publishDirectory)
    {
        if (string.IsNullOrWhiteSpace(outputDirectory) || string.IsNullOrWhiteSpace(publishDirectory)) return;
        string output = Path.TrimEndingDirectorySeparator(Path.GetFullPath(outputDirectory)) + Path.DirectorySeparatorChar;
        string publish = Path.TrimEndingDirectorySeparator(Path.GetFullPath(publishDirectory)) + Path.DirectorySeparatorChar;
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (output.StartsWith(publish, comparison))
        {
            throw new DiamolException(DiagnosticCode.DIAM1019,
                $"DiamolOutputPath has the value '{outputDirectory}', which is inside the publish folder '{publishDirectory}': the image would carry the build " +
                "context and artifacts of the previous publish, and grow with every one. Point DiamolOutputPath outside it (the default is $(OutputPath)container/).");
        }
    }

    /// <summary>
    /// An archive written into the publish folder is published with the app by the next publish: each image would
    /// carry the archive of the one before it, and grow with every publish. A relative path is the project's, as the
    /// SDK reads ContainerArchiveOutputPath.
    /// </summary>
    public static void RefuseArchiveInsidePublishFolder(string? archivePath, string projectDirectory, string publishDirectory)
    {
        if (string.IsNullOrWhiteSpace(archivePath) || string.IsNullOrWhiteSpace(publishDirectory)) return;
        string archive = Path.TrimEndingDirectorySeparator(Path.GetFullPath(Path.Combine(projectDirectory, archivePath.Trim())));
        string publish = Path.TrimEndingDirectorySeparator(Path.GetFullPath(publishDirectory));
        var comparison = OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
        if (archive.Equals(publish, comparison) || archive.StartsWith(publish + Path.DirectorySeparatorChar, comparison))
        {
            throw new DiamolException(DiagnosticCode.DIAM1019,
                $"ContainerArchiveOutputPath has the value '{archivePath}', which is in the publish folder '{publishDirectory}': the next publish would pack this " +
                "archive into its image, which would grow with every publish. Write the archive outside the publish folder (for example $(OutputPath)image.tar.gz).");
        }
    }
}
