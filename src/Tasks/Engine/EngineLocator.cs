namespace Diamol.Build.Engine;

/// <summary>
/// Lists where to look for a Docker engine, in the docker CLI's order of precedence:
/// the DiamolDockerHost property, DOCKER_HOST, then the default socket.
/// </summary>
public static class EngineLocator
{
    public const string DefaultUnixSocket = "unix:///var/run/docker.sock";
    public const string DefaultWindowsPipe = "npipe://./pipe/docker_engine";

    /// <param name="dockerHostProperty">The DiamolDockerHost property, if set.</param>
    /// <param name="environment">Reads an environment variable (injectable for tests).</param>
    public static IReadOnlyList<EngineEndpoint> Candidates(string? dockerHostProperty, Func<string, string?> environment)
    {
        if (!string.IsNullOrWhiteSpace(dockerHostProperty))
        {
            // An explicit choice is the only candidate: falling back elsewhere would build on an engine the user did not name.
            return [new EngineEndpoint(ParseHost(dockerHostProperty.Trim(), "DiamolDockerHost"), "the DiamolDockerHost property")];
        }

        string? dockerHost = environment("DOCKER_HOST");
        if (!string.IsNullOrWhiteSpace(dockerHost))
        {
            return [new EngineEndpoint(ParseHost(dockerHost.Trim(), "DOCKER_HOST"), "the DOCKER_HOST environment variable")];
        }

        return OperatingSystem.IsWindows()
            ? [new EngineEndpoint(new Uri(DefaultWindowsPipe), "the default named pipe")]
            : [new EngineEndpoint(new Uri(DefaultUnixSocket), "the default socket")];
    }

    private static Uri ParseHost(string value, string source)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "unix" or "tcp" or "npipe" or "http" or "https")
        {
            return uri;
        }

        throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM3001,
            $"{source} has the value '{value}', which is not an engine address. " +
            "Use unix:///path/to/docker.sock, tcp://host:2375 or npipe://./pipe/docker_engine.");
    }
}
