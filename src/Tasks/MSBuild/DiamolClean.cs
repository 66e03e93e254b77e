using Microsoft.Build.Framework;

namespace Diamol.Build.MSBuild;

/// <summary>
/// `dotnet clean`: removes from the output folder what the publishes wrote there and nothing else (see
/// <see cref="Context.OutputFolderFiles.Clean"/>), and says what it removed and what it left.
/// </summary>
/// <remarks>
/// The files of ours are FileWrites too (<see cref="DiamolOutputFiles"/>, the same list), and MSBuild's Clean removes
/// those it recorded before this runs. This task does what a record of FileWrites cannot express: MSBuild records and
/// cleans only under OutDir and IntermediateOutputPath, while DiamolOutputPath may be any folder (deploy/) shared with
/// the user's own files; it removes files, never the folders (layers/..., .diamol/) left empty; and a file no build
/// recorded (a publish's, before any build listed it, or one of a MSBuild that could not run our tasks) is still ours.
/// </remarks>
public sealed class DiamolClean : DiamolTask
{
    [Required] public string OutputDirectory { get; set; } = "";

    protected override void Run()
    {
        var cleaning = Context.OutputFolderFiles.Clean(OutputDirectory, ProjectFolder);
        if (cleaning.NotRemoved.Count > 0)
        {
            Warn(Diagnostics.DiagnosticCode.DIAM2016,
                $"dotnet clean could not remove {cleaning.NotRemoved.Count} of the files Diamol.Build wrote in {OutputDirectory}: {string.Join(", ", cleaning.NotRemoved.Take(5))}. " +
                "Remove them by hand (or make them writable) and clean again; nothing else was touched.");
        }

        if (cleaning.Removed == 0 && !cleaning.FolderRemoved) return;
        if (cleaning.FolderRemoved)
        {
            Log.LogMessage(MessageImportance.Normal, "Removed the image build folder {0}", OutputDirectory);
        }
        else if (cleaning.Left.Count == 0)
        {
            Log.LogMessage(MessageImportance.Normal, "Removed Diamol.Build's files from {0}", OutputDirectory);
        }
        else
        {
            Log.LogMessage(MessageImportance.Normal, "Removed Diamol.Build's files from {0}; kept what no record of ours names: {1}", OutputDirectory, string.Join(", ", cleaning.Left));
        }
    }
}
