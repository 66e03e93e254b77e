using System.Globalization;
using Diamol.Build.Common;

namespace Diamol.Build.Engine;

/// <summary>
/// Turns the engine's per-layer pull messages ("Pulling fs layer", "Downloading" with bytes, "Pull complete") into a
/// few lines a person can follow at the default verbosity: one every couple of seconds while bytes move, and one at
/// the end. A pull of a large base image takes minutes; silence for that long reads as a hang.
/// </summary>
internal sealed class PullProgress
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);
    private readonly string _image;
    private readonly IBuildLog _log;
    private readonly Func<DateTimeOffset> _clock;
    private readonly Dictionary<string, (long Current, long Total, bool Done)> _layers = new(StringComparer.Ordinal);
    // The first line comes after the interval: a quick pull says only that it pulled.
    private DateTimeOffset _lastReport;

    public PullProgress(string image, IBuildLog log, Func<DateTimeOffset>? clock = null)
    {
        _image = image;
        _log = log;
        _clock = clock ?? (() => DateTimeOffset.UtcNow);
        _lastReport = _clock();
    }

    /// <summary>True once bytes of a layer were seen coming: the engine really pulled, rather than finding every layer present.</summary>
    public bool Pulled => _layers.Values.Any(l => l.Total > 0);

    /// <summary>One message of the engine's pull stream (the pull endpoint's, or a build's pulling its FROM image).</summary>
    public void Report(string? layer, string? status, long current, long total)
    {
        if (string.IsNullOrEmpty(layer) || string.IsNullOrEmpty(status)) return;
        _layers.TryGetValue(layer, out var known);
        _layers[layer] = status switch
        {
            "Downloading" => (current, Math.Max(total, known.Total), false),
            "Download complete" or "Verifying Checksum" or "Extracting" => (known.Total, known.Total, false),
            "Pull complete" or "Already exists" => (known.Total, known.Total, true),
            _ => known,
        };
        if (status == "Already exists") return;

        var now = _clock();
        if (now - _lastReport < Interval) return;
        _lastReport = now;
        _log.Progress($"Pulling {_image}: {Describe()}");
    }

    /// <summary>The closing line, when there was a pull to speak of.</summary>
    public void Finish()
    {
        // The engine's last word on a layer is not always "Pull complete" (an empty layer, one another pull brought): count them all.
        if (Pulled) _log.Progress(string.Create(CultureInfo.InvariantCulture, $"Pulled {_image}: {_layers.Count} layers, {ByteSize.Format(_layers.Values.Sum(l => l.Total))}"));
    }

    private string Describe()
    {
        int done = _layers.Values.Count(l => l.Done);
        long current = _layers.Values.Sum(l => l.Current);
        long total = _layers.Values.Sum(l => l.Total);
        string bytes = total > 0 ? $", {ByteSize.Format(current)} of {ByteSize.Format(total)}" : "";
        return string.Create(CultureInfo.InvariantCulture, $"{done} of {_layers.Count} layers{bytes}");
    }
}
