namespace Diamol.Build.Diagnostics;

/// <summary>
/// A failure the user can act on. Core classes throw it; tasks turn it into a coded MSBuild error
/// so the message, the code and the fix reach the build log together.
/// </summary>
internal sealed class DiamolException : Exception
{
    public DiamolException(DiagnosticCode code, string message, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
    }

    public DiagnosticCode Code { get; }
}
