using Diamol.Build.Engine;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace Diamol.Build.MSBuild;

/// <summary>Engine progress into the MSBuild log: steps at normal importance, a step's own output and pull progress at high, details at low.</summary>
internal sealed class TaskBuildLog(TaskLoggingHelper log, string? projectFile = null) : IBuildLog
{
    public void Warning(Diagnostics.DiagnosticCode code, string message) =>
        log.LogWarning(null, code.ToString(), null, projectFile, 0, 0, 0, 0, "{0}", message);

    public void Step(string message) => log.LogMessage(MessageImportance.Normal, "{0}", message);

    public void Detail(string message) => log.LogMessage(MessageImportance.Low, "{0}", message);

    // A RUN step or a pull that runs for minutes must not look hung at the default (minimal) verbosity.
    public void Output(string message) => log.LogMessage(MessageImportance.High, "{0}", message);

    public void Progress(string message) => log.LogMessage(MessageImportance.High, "{0}", message);
}
