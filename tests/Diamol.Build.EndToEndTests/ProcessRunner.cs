using System.Diagnostics;
using System.Text;

namespace Diamol.Build.EndToEndTests;

/// <summary>The outcome of a process: its exit code and everything it printed.</summary>
public sealed record ProcessResult(int ExitCode, string Output, string Error)
{
    public string All => Output + Error;

    public ProcessResult EnsureSuccess(string what)
    {
        if (ExitCode != 0)
        {
            Assert.Fail($"{what} failed with exit code {ExitCode}.\n--- stdout ---\n{Tail(Output)}\n--- stderr ---\n{Tail(Error)}");
        }

        return this;
    }

    private static string Tail(string text) => text.Length <= 20000 ? text : "..." + text[^20000..];
}

/// <summary>Runs real programs (dotnet, docker) with a time limit, so a hung process fails its test instead of the run.</summary>
public static class ProcessRunner
{
    public static ProcessResult Run(string fileName, IEnumerable<string> arguments, string? workingDirectory = null,
        IReadOnlyDictionary<string, string?>? environment = null, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
        {
            if (value is null) start.Environment.Remove(name); else start.Environment[name] = value;
        }

        using var process = new Process { StartInfo = start };
        var output = new StringBuilder();
        var error = new StringBuilder();
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (output) output.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (error) error.AppendLine(e.Data); };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var limit = timeout ?? TimeSpan.FromMinutes(5);
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{fileName} {string.Join(' ', arguments)} did not finish within {limit}.\n{output}\n{error}");
        }

        process.WaitForExit();
        return new ProcessResult(process.ExitCode, output.ToString(), error.ToString());
    }

    public static ProcessResult Docker(params string[] arguments) =>
        Run("docker", arguments, timeout: TimeSpan.FromMinutes(3));
}

/// <summary>A process started in the background, its output collected as it comes.</summary>
public sealed class RunningProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RunningProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public string Output { get { lock (_output) return _output.ToString(); } }

    public static RunningProcess Start(string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?> environment)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (string argument in arguments) start.ArgumentList.Add(argument);
        foreach (var (name, value) in environment)
        {
            if (value is null) start.Environment.Remove(name); else start.Environment[name] = value;
        }

        var running = new RunningProcess(new Process { StartInfo = start });
        running._process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (running._output) running._output.AppendLine(e.Data); };
        running._process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (running._output) running._output.AppendLine(e.Data); };
        running._process.Start();
        running._process.BeginOutputReadLine();
        running._process.BeginErrorReadLine();
        return running;
    }

    /// <summary>Sends SIGINT, as Ctrl+C in a terminal does.</summary>
    public void Interrupt() => ProcessRunner.Run("kill", ["-INT", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]).EnsureSuccess("kill -INT");

    public bool WaitForExit(TimeSpan timeout) => _process.WaitForExit(timeout);

    public int ExitCode => _process.ExitCode;

    public void Dispose()
    {
        if (!_process.HasExited) _process.Kill(entireProcessTree: true);
        _process.Dispose();
    }
}
