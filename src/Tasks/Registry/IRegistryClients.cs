using Diamol.Build.Credentials;

namespace Diamol.Build.Registry;

/// <summary>
/// Where a pipeline stage gets its registry clients: one per registry and kind of access for as long as the source
/// lives (<see cref="RegistrySession"/>: a task's run), so every read and push of a registry shares one connection
/// pool, one authentication handshake per scope and one credential lookup. The unit tests pass a fake.
/// </summary>
internal interface IRegistryClients
{
    /// <summary>The client of <paramref name="registry"/> for <paramref name="access"/> (the same one each time it is asked for).</summary>
    IRegistryClient For(string registry, RegistryAccess access);

    /// <summary>The build's memo of base images already read (<see cref="ResolvedImageMemo"/>); null reads every time.</summary>
    ResolvedImageMemo? Resolved => null;
}
