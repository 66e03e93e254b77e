namespace Diamol.Build.Engine;

/// <summary>
/// One connection, made on first use and then kept: the outcome, a failure included, is the outcome for every stage
/// that asks, so a publish with no engine waits for the connect time-out once, not once per stage. Disposing it
/// closes the connection.
/// </summary>
internal sealed class SharedEngineConnection(Func<Task<IContainerEngine>> connect) : IEngineSource, IDisposable
{
    private readonly object _gate = new();
    private Task<IContainerEngine>? _connecting;

    /// <summary>The first of the candidates that answers within the time-out.</summary>
    public static SharedEngineConnection To(IReadOnlyList<EngineEndpoint> candidates, TimeSpan connectTimeout) =>
        // No caller's token: the first ask's Ctrl+C must not become every later ask's failure; each ask stops waiting on its own.
        new(async () => await EngineConnection.ConnectAsync(candidates, connectTimeout, CancellationToken.None).ConfigureAwait(false));

    /// <summary>The candidates, as a key that tells two publishes' engine settings apart.</summary>
    public static string KeyOf(IReadOnlyList<EngineEndpoint> candidates) => string.Join("|", candidates.Select(c => $"{c.Uri} {c.Tls}"));

    public async Task<IContainerEngine> ConnectAsync(CancellationToken cancellationToken)
    {
        Task<IContainerEngine> connecting;
        lock (_gate)
        {
            connecting = _connecting ??= connect();
        }

        return await connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        Task<IContainerEngine>? connecting;
        lock (_gate)
        {
            connecting = _connecting;
            _connecting = null;
        }

        if (connecting is { IsCompletedSuccessfully: true } && connecting.Result is IDisposable engine) engine.Dispose();
    }
}
