using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Diamol.Build.MSBuild;

/// <summary>
/// The files of ours in the output folder now (<see cref="Context.OutputFolderFiles.Ours"/>), for the targets to add
/// to FileWrites: MSBuild's incremental clean then keeps them and its Clean removes them, as for any file a build writes.
/// </summary>
public sealed class DiamolOutputFiles : DiamolTask
{
    [Required] public string OutputDirectory { get; set; } = "";

    [Output] public ITaskItem[] Files { get; private set; } = [];

    protected override void Run() => Files = [.. Context.OutputFolderFiles.Ours(new Context.OutputFolder(OutputDirectory)).Select(path => new TaskItem(path))];
}
