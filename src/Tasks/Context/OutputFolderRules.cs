using Diamol.Build.Common;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Context;

/// <summary>Where the output folder may not be.</summary>
internal static class OutputFolderRules
{
    /// <summary>
    /// An output folder in the publish folder would be published with the app, so each image would carry the build
    /// context, records and artifacts of the one before it, growing with every publish.
    /// </summary>
    public static void RefuseInsidePublishFolder(string outputDirectory, string publishDirectory)
    {
        if (string.IsNullOrWhiteSpace(outputDirectory) || string.IsNullOrWhiteSpace(publishDirectory)) return;
        if (IsSameOrAncestor(publishDirectory, outputDirectory))
        {
            throw new DiamolException(DiagnosticCode.DIAM1019,
                $"DiamolOutputPath has the value '{outputDirectory}', which is inside the publish folder '{publishDirectory}': " +
                "the image would carry the build " +
                "context and artifacts of the previous publish, and grow with every one. " +
                "Point DiamolOutputPath outside it (the default is $(OutputPath)container/).");
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
        if (IsSameOrAncestor(publishDirectory, Path.Combine(projectDirectory, archivePath.Trim())))
        {
            throw new DiamolException(DiagnosticCode.DIAM1019,
                $"ContainerArchiveOutputPath has the value '{archivePath}', which is in the publish folder '{publishDirectory}': " +
                "the next publish would pack this " +
                "archive into its image, which would grow with every publish. " +
                "Write the archive outside the publish folder (for example $(OutputPath)image.tar.gz).");
        }
    }

    private static StringComparison PathComparison =>
        OperatingSystem.IsWindows() || OperatingSystem.IsMacOS() ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;

    /// <summary>Whether <paramref name="folder"/> is <paramref name="inner"/> itself or one of the folders above it.</summary>
    public static bool IsSameOrAncestor(string folder, string inner)
    {
        return FolderPath.WithSeparator(inner).StartsWith(FolderPath.WithSeparator(folder), PathComparison);
    }

    /// <summary>
    /// The project folder, or a folder above it, as the output folder would put our layers/ and records among the
    /// project's own files (its default globs would take the staged copies in as content, the engine would be sent
    /// the whole tree as the build context), and any clean of ours would work in the middle of the user's sources.
    /// </summary>
    public static void RefuseProjectFolder(string outputDirectory, string? projectDirectory)
    {
        if (string.IsNullOrWhiteSpace(outputDirectory) || string.IsNullOrWhiteSpace(projectDirectory)) return;
        if (!IsSameOrAncestor(outputDirectory, projectDirectory)) return;
        bool same = FolderPath.Full(outputDirectory).Equals(FolderPath.Full(projectDirectory), PathComparison);
        throw new DiamolException(DiagnosticCode.DIAM1020,
            $"DiamolOutputPath has the value '{outputDirectory}', " +
            $"which is {(same ? "the project folder" : "a folder above the project folder")} '{projectDirectory}': " +
            "the build context, its records and the artifacts would be written among the project's own files. Nothing was written. " +
            "Point DiamolOutputPath at a folder of its own outside the project (the default is $(OutputPath)container/).");
    }
}
