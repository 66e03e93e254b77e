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
}
