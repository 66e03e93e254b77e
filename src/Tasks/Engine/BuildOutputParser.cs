using System.Text;
using System.Text.RegularExpressions;
using Diamol.Build.Common;

namespace Diamol.Build.Engine;

/// <summary>
/// Reads the legacy builder's text stream ("Step 3/9 : COPY ...", " ---> Using cache", " ---> 1a2b3c") into
/// steps with their cache status. Podman's compatible API writes "STEP 3/9: ..." and "--> Using cache"; both are read.
/// Text may arrive split anywhere, so it is buffered up to each line break.
/// </summary>
internal sealed partial class BuildOutputParser
{
    private readonly StringBuilder _pending = new();
    private readonly List<BuildStep> _steps = [];
    private readonly IBuildLog _log;
    private readonly Queue<string> _stepOutput = new();

    // How much of a step's own output a failure message carries: the end, where the reason usually is.
    private const int OutputLinesKept = 20;

    public BuildOutputParser(IBuildLog log) => _log = log;

    public IReadOnlyList<BuildStep> Steps => _steps;

    /// <summary>The last lines the current (or failed) step printed, colour escapes removed.</summary>
    public IReadOnlyList<string> LastStepOutput => _stepOutput.ToArray();

    [GeneratedRegex(@"\x1B(?:\[[0-9;?]*[ -/]*[@-~]|\][^\x07]*\x07|[@-Z\\-_])")]
    private static partial Regex TerminalEscape();

    [GeneratedRegex(@"^(?:\s*-{2,3}> |Removing intermediate container |Successfully (?:built|tagged) |COMMIT |Getting image source signatures|Copying |Writing manifest|Storing signatures)")]
    private static partial Regex BuilderChatter();

    [GeneratedRegex(@"^(?:Step|STEP) (\d+)/\d+ ?: ?(.*)$")]
    private static partial Regex StepPattern();

    [GeneratedRegex(@"^\s*-{2,3}> (?:Using cache\b.*?)?([0-9a-f]{12,64})?\s*$")]
    private static partial Regex ResultPattern();

    public void Append(string text)
    {
        _pending.Append(text);
        string buffered = _pending.ToString();
        int end = buffered.LastIndexOf('\n');
        if (end < 0) return;

        _pending.Clear().Append(buffered[(end + 1)..]);
        foreach (string line in buffered[..end].Split('\n'))
        {
            ReadLine(line.TrimEnd('\r'));
        }
    }

    /// <summary>Reads whatever is left without a final line break.</summary>
    public void Flush()
    {
        if (_pending.Length == 0) return;
        ReadLine(_pending.ToString());
        _pending.Clear();
    }

    private void ReadLine(string line)
    {
        line = TerminalEscape().Replace(line, "");
        if (line.Length == 0) return;

        var step = StepPattern().Match(line);
        if (step.Success)
        {
            _steps.Add(new BuildStep(int.Parse(step.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), step.Groups[2].Value, false, null));
            _stepOutput.Clear();
            _log.Step(line);
            return;
        }

        if (_steps.Count > 0 && line.Contains("Using cache", StringComparison.Ordinal))
        {
            _steps[^1] = _steps[^1] with { Cached = true };
        }

        var result = ResultPattern().Match(line);
        if (_steps.Count > 0 && result.Success && result.Groups[1].Success)
        {
            _steps[^1] = _steps[^1] with { ImageId = result.Groups[1].Value };
        }

        if (BuilderChatter().IsMatch(line))
        {
            _log.Detail(line);
            return;
        }

        // What a step itself prints (a RUN command's output): shown as it comes, and kept for a failure message.
        _stepOutput.Enqueue(line);
        while (_stepOutput.Count > OutputLinesKept) _stepOutput.Dequeue();
        if (_steps.Count > 0 && _steps[^1].Instruction.StartsWith("RUN", StringComparison.OrdinalIgnoreCase)) _log.Output("  | " + line);
        else _log.Detail(line);
    }
}
