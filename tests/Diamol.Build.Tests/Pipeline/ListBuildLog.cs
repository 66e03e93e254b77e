using Diamol.Build.Diagnostics;
using Diamol.Build.Engine;

namespace Diamol.Build.Tests.Pipeline;

/// <summary>A build log that keeps what it is told.</summary>
internal sealed class ListBuildLog : IBuildLog
{
    public List<string> Lines { get; } = [];
    public List<(DiagnosticCode Code, string Message)> Warnings { get; } = [];

    public void Step(string message) => Lines.Add(message);
    public void Detail(string message) => Lines.Add(message);
    public void Warning(DiagnosticCode code, string message) => Warnings.Add((code, message));
}
