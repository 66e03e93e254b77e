namespace Diamol.Build.Diagnostics;

/// <summary>A warning raised by the core, reported by the task with its code.</summary>
internal sealed record Diagnostic(DiagnosticCode Code, string Message);
