using System.Text;
using System.Text.RegularExpressions;

namespace Diamol.Build.Engine;

/// <summary>
/// Reads the legacy builder's text stream ("Step 3/9 : COPY ...", " ---> Using cache", " ---> 1a2b3c") into
/// steps with their cache status. Podman's compatible API writes "STEP 3/9: ..." and "--> Using cache"; both are read.
/// Text may arrive split anywhere, so it is buffered up to each line break.
/// </summary>
public sealed partial class BuildOutputParser
{
    private readonly StringBuilder _pending = new();
    private readonly List<BuildStep> _steps = [];
    private readonly IBuildLog _log;

    public BuildOutputParser(IBuildLog log) => _log = log;

    public IReadOnlyList<BuildStep> Steps => _steps;

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
        if (line.Length == 0) return;

        var step = StepPattern().Match(line);
        if (step.Success)
        {
            _steps.Add(new BuildStep(int.Parse(step.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), step.Groups[2].Value, false, null));
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

        _log.Detail(line);
    }
}
