using Diamol.Build.Engine;
using Diamol.Build.Spec;

namespace Diamol.Build.Pipeline;

/// <summary>
/// The engine echoes every step's instruction ("Step 4/12 : ENV "DB_PASSWORD"="..."") and the build log is kept in
/// CI logs and binary logs: what reaches the log is redacted as our records are.
/// </summary>
internal sealed class RedactingBuildLog(IBuildLog inner, SecretRedactor redactor) : IBuildLog
{
    public void Step(string message) => inner.Step(redactor.Redact(message));

    public void Detail(string message) => inner.Detail(redactor.Redact(message));

    public void Output(string message) => inner.Output(redactor.Redact(message));

    public void Progress(string message) => inner.Progress(redactor.Redact(message));

    public void Warning(Diagnostics.DiagnosticCode code, string message) => inner.Warning(code, redactor.Redact(message));
}
