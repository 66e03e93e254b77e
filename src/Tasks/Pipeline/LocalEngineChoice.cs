using Diamol.Build.Diagnostics;
using Diamol.Build.Engine;

namespace Diamol.Build.Pipeline;

/// <summary>
/// LocalRegistry: which engine the OCI writer loads the image into. Podman loads into Podman's service (CONTAINER_HOST,
/// else its sockets); Docker (the default) into the engine found as the docker CLI finds it.
/// </summary>
internal static class LocalEngineChoice
{
    /// <param name="dockerHost">DockerHost, as for the engine build.</param>
    /// <param name="environment">The process's environment (DOCKER_HOST, CONTAINER_HOST, XDG_RUNTIME_DIR ...).</param>
    public static IReadOnlyList<EngineEndpoint> Endpoints(string? localRegistry, string? dockerHost, Func<string, string?> environment)
    {
        var candidates = EngineLocator.Candidates(dockerHost, environment);
        switch (localRegistry?.Trim().ToLowerInvariant())
        {
            case null or "" or "docker":
                return candidates;
            case "podman":
                var podman = candidates.Where(c => c.Source.Contains("Podman", StringComparison.Ordinal)).ToArray();
                string? containerHost = environment("CONTAINER_HOST");
                return containerHost is { Length: > 0 } && Uri.TryCreate(containerHost, UriKind.Absolute, out var uri)
                    ? [new EngineEndpoint(uri, "CONTAINER_HOST"), .. podman]
                    : podman.Length > 0 ? podman : throw new DiamolException(DiagnosticCode.DIAM3007,
                        "LocalRegistry is Podman, but no Podman service socket was found (CONTAINER_HOST, $XDG_RUNTIME_DIR/podman/podman.sock, /run/podman/podman.sock). " +
                        "Start it with `podman system service`, or set CONTAINER_HOST.");
            default:
                throw new DiamolException(DiagnosticCode.DIAM1017,
                    $"LocalRegistry has the value '{localRegistry}', which is not valid: use Docker (the default) or Podman.");
        }
    }
}
