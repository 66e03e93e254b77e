using System.Collections.Concurrent;
using Diamol.Build.Credentials;

namespace Diamol.Build.Registry;

/// <summary>
/// The registry clients of one task's run: made on first use, one per registry and kind of access, all with the same
/// idle limit (DiamolIdleTimeout), retries (DiamolRegistryRetries), log (each retry at normal verbosity) and
/// <see cref="CredentialLookup"/>, and disposed together. A base image's manifest, config and each of its layers are
/// then read over one connection pool with one token, instead of a client (a TCP and TLS connection, a 401
/// handshake, a credential lookup) each.
/// </summary>
internal sealed class RegistrySession : IRegistryClients, IDisposable
{
    private readonly ConcurrentDictionary<(string Registry, RegistryAccess Access), Lazy<RegistryClient>> _clients = new();
    private readonly TimeSpan? _idleLimit;
    private readonly RetryPolicy _retries;
    private readonly Action<string>? _log;
    private readonly CredentialLookup _credentials;
    private bool _disposed;

    public RegistrySession(CredentialLookup credentials, TimeSpan? idleLimit = null, RetryPolicy? retries = null, Action<string>? log = null)
    {
        _credentials = credentials;
        _idleLimit = idleLimit;
        _retries = retries ?? RetryPolicy.Default;
        _log = log;
    }

    /// <summary>The HTTP handler every client is given (tests pass a fake); null for a connection pool per client.</summary>
    internal HttpMessageHandler? Handler { get; init; }

    /// <summary>The build's memo of base images already read, shared by the sessions of its tasks; null for none.</summary>
    public ResolvedImageMemo? Resolved { get; init; }

    /// <summary>How many clients the session made (each is a connection pool and a handshake of its own).</summary>
    public int ClientCount => _clients.Count;

    public IRegistryClient For(string registry, RegistryAccess access)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        // Registry names are host names (case-insensitive) with a port.
        var key = (registry.ToLowerInvariant(), access);
        return _clients.GetOrAdd(key, _ => new Lazy<RegistryClient>(
            () => RegistryClient.Create(registry, access, _idleLimit, _retries, _log, _credentials, Handler), LazyThreadSafetyMode.ExecutionAndPublication)).Value;
    }

    public void Dispose()
    {
        _disposed = true;
        foreach (var client in _clients.Values.Where(c => c.IsValueCreated)) client.Value.Dispose();
        _clients.Clear();
    }
}
