namespace Diamol.Build.Common;

/// <summary>
/// A time-out that restarts whenever data moves, so a slow but steady layer transfer never times out while a
/// stalled one does. Linked to the caller's token, which it tells apart from its own expiry.
/// </summary>
internal sealed class IdleTimeout : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly CancellationToken _caller;

    public IdleTimeout(TimeSpan limit, CancellationToken caller)
    {
        Limit = limit;
        _caller = caller;
        _source = CancellationTokenSource.CreateLinkedTokenSource(caller);
        Restart();
    }

    public TimeSpan Limit { get; }

    public CancellationToken Token => _source.Token;

    /// <summary>True when this time-out fired, not the caller's token.</summary>
    public bool Expired => _source.IsCancellationRequested && !_caller.IsCancellationRequested;

    public void Restart()
    {
        try
        {
            _source.CancelAfter(Limit);
        }
        catch (ObjectDisposedException)
        {
            // A late read after the request ended: nothing left to time.
        }
    }

    public void Dispose() => _source.Dispose();
}
