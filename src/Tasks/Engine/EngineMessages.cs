using Diamol.Build.Common;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace Diamol.Build.Engine;

/// <summary>
/// The progress messages of a pull, push or load, read one way: each restarts the idle clock, an error message is the
/// failure, a status line without a progress bar is a detail line. A refusal of the request itself
/// (<see cref="DockerApiException"/>) is the failure too, in the engine's own words (<see cref="EngineFailures.Reason"/>).
/// Reported on the calling thread, in order (<see cref="SynchronousProgress{T}"/>).
/// </summary>
/// <param name="streamLines">Whether the message's stream text is a detail line (a load prints its result there).</param>
/// <param name="also">What the caller reads from every message besides (pull progress, the pushed digest).</param>
internal sealed class EngineMessages(IdleTimeout idle, IBuildLog log, bool streamLines = false, Action<JSONMessage>? also = null) : IProgress<JSONMessage>
{
    /// <summary>The engine's or registry's reason when the exchange failed; null when it did not.</summary>
    public string? Failure { get; private set; }

    public void Report(JSONMessage value)
    {
        idle.Restart();
        if (value.Error is { Message: { } error }) Failure = error;
        else if (streamLines && !string.IsNullOrEmpty(value.Stream)) log.Detail(value.Stream.Trim());
        else if (!string.IsNullOrEmpty(value.Status) && value.Progress is null) log.Detail($"{value.ID} {value.Status}".Trim());
        also?.Invoke(value);
    }

    /// <summary>Runs the exchange with this as its progress; returns <see cref="Failure"/>.</summary>
    public async Task<string?> RunAsync(Func<IProgress<JSONMessage>, Task> exchange)
    {
        try
        {
            await exchange(this).ConfigureAwait(false);
        }
        catch (DockerApiException e)
        {
            Failure = EngineFailures.Reason(e);
        }

        return Failure;
    }
}
