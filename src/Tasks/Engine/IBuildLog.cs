namespace Diamol.Build.Engine;

/// <summary>Where build progress goes: the MSBuild log in a task, a list in a test.</summary>
internal interface IBuildLog
{
    /// <summary>A Dockerfile step starts or finishes (shown at normal verbosity).</summary>
    void Step(string message);

    /// <summary>Everything else the engine says (shown at detailed verbosity).</summary>
    void Detail(string message);

    /// <summary>What a build step itself prints (a RUN command's output): shown at default verbosity, as it comes.</summary>
    void Output(string message) => Step(message);

    /// <summary>Progress of something slow the user waits for (a pull): shown at the default verbosity, a few lines at most.</summary>
    void Progress(string message) => Step(message);

    /// <summary>Something the user should act on that does not stop the build, with its code (a warning in MSBuild).</summary>
    void Warning(Diagnostics.DiagnosticCode code, string message) => Step($"warning {code}: {message}");
}
