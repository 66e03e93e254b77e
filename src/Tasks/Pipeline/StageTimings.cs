using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace Diamol.Build.Pipeline;

/// <summary>
/// Where a publish's time goes, stage by stage, measured by the tasks themselves: kept in .diamol/timings.json
/// (<see cref="Context.OutputFolder.Timings"/>; the
/// benchmark reads it; a person asking "why was that slow?" can too) and logged at normal verbosity. The publish's
/// first task starts the file; each later task adds its stages.
/// </summary>
internal sealed class StageTimings
{
    /// <summary>One measured stage: the task that ran it, its name ("stage", "engine-steps", ...) and its wall time.</summary>
    public sealed record TimedStage(string Task, string Name, double Milliseconds);

    private sealed record Document(IReadOnlyList<TimedStage> Stages);

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private readonly string _task;
    private readonly List<TimedStage> _stages = [];

    public StageTimings(string task) => _task = task;

    public void Add(string name, TimeSpan elapsed) => _stages.Add(new TimedStage(_task, name, Math.Round(elapsed.TotalMilliseconds, 1)));

    public T Measure<T>(string name, Func<T> work)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            return work();
        }
        finally
        {
            Add(name, clock.Elapsed);
        }
    }

    public async Task<T> MeasureAsync<T>(string name, Func<Task<T>> work)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            return await work().ConfigureAwait(false);
        }
        finally
        {
            Add(name, clock.Elapsed);
        }
    }

    /// <summary>Writes this task's stages: a new file for the publish's first task, added to the file for the others.</summary>
    public void Save(Context.OutputFolder folder, bool startsPublish)
    {
        string path = folder.Timings;
        var earlier = startsPublish ? [] : Read(folder);
        try
        {
            Common.AtomicFile.WriteIfChanged(path, JsonSerializer.Serialize(new Document([.. earlier, .. _stages]), Json) + "\n");
        }
        catch (Diagnostics.DiamolException)
        {
            // A full disk fails the files that matter with its own error; the timings are not one of them.
        }
    }

    /// <summary>The publish's stages so far; none when the file is missing or unreadable (timings are never worth a failure).</summary>
    public static IReadOnlyList<TimedStage> Read(Context.OutputFolder folder)
    {
        try
        {
            string path = folder.Timings;
            return File.Exists(path) ? JsonSerializer.Deserialize<Document>(File.ReadAllText(path), Json)?.Stages ?? [] : [];
        }
        catch (Exception e) when (e is JsonException or IOException)
        {
            return [];
        }
    }

    /// <summary>"read-publish-items 12 ms, plan 3 ms, ..." for the log.</summary>
    public static string Describe(IEnumerable<TimedStage> stages) =>
        string.Join(", ", stages.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Name} {s.Milliseconds:0} ms")));
}
