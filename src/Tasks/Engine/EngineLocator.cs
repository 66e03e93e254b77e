using System.Text.Json;
using Diamol.Build.Common;
using Diamol.Build.Credentials;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Engine;

/// <summary>
/// Lists where to look for a Docker engine, in the docker CLI's order of precedence: the DiamolDockerHost property,
/// DOCKER_HOST, the current docker context (DOCKER_CONTEXT, or currentContext in config.json, read from the context
/// store), then the sockets on this machine: rootless Docker, the default socket, Podman's.
/// An explicit choice (property, DOCKER_HOST, a named context) is the only candidate: falling back elsewhere
/// would build on an engine the user did not name.
/// </summary>
internal static class EngineLocator
{
    private const string DefaultSocketPath = "/var/run/docker.sock";
    public const string DefaultUnixSocket = "unix://" + DefaultSocketPath;
    public const string DefaultWindowsPipe = "npipe://./pipe/docker_engine";

    public static IReadOnlyList<EngineEndpoint> Candidates(string? dockerHostProperty, Func<string, string?> environment) =>
        Candidates(dockerHostProperty, LocatorEnvironment.Real with { Variable = environment });

    public static IReadOnlyList<EngineEndpoint> Candidates(string? dockerHostProperty, LocatorEnvironment env)
    {
        if (!string.IsNullOrWhiteSpace(dockerHostProperty))
        {
            return [Endpoint(dockerHostProperty.Trim(), "the DiamolDockerHost property", env)];
        }

        if (env.Variable("DOCKER_HOST") is { Length: > 0 } dockerHost)
        {
            return [Endpoint(dockerHost.Trim(), "the DOCKER_HOST environment variable", env)];
        }

        var (context, contextSource, configDirectory) = CurrentContext(env);
        if (context is not null && context != "default")
        {
            return [ContextEndpoint(env, configDirectory, context, contextSource)];
        }

        if (OperatingSystem.IsWindows())
        {
            return [new EngineEndpoint(new Uri(DefaultWindowsPipe), "the default named pipe")];
        }

        var found = new List<EngineEndpoint>();
        string? runtimeDirectory = env.Variable("XDG_RUNTIME_DIR");
        if (runtimeDirectory is { Length: > 0 })
        {
            AddIfPresent(found, env, Path.Combine(runtimeDirectory, "docker.sock"), "the rootless Docker socket");
        }

        AddIfPresent(found, env, DefaultSocketPath, "the default socket");
        if (runtimeDirectory is { Length: > 0 })
        {
            AddIfPresent(found, env, Path.Combine(runtimeDirectory, "podman", "podman.sock"), "Podman's socket");
        }

        AddIfPresent(found, env, "/run/podman/podman.sock", "Podman's system socket");

        // Nothing there: still name the default, so the error says where we looked.
        return found.Count > 0 ? found : [new EngineEndpoint(new Uri(DefaultUnixSocket), "the default socket (not present)")];
    }

    // DOCKER_CONTEXT wins over config.json, as in the docker CLI; the variable alone needs no configuration file.
    private static (string? Name, string Source, string ConfigDirectory) CurrentContext(LocatorEnvironment env)
    {
        string directory = DockerConfiguration.DirectoryOf(env);
        if (env.Variable("DOCKER_CONTEXT") is { Length: > 0 } fromVariable) return (fromVariable, "the DOCKER_CONTEXT environment variable", directory);

        var config = DockerConfiguration.Read(env);
        return config.CurrentContext is { } name ? (name, $"currentContext in {config.FilePath}", config.Directory) : (null, "", config.Directory);
    }

    // The context store keeps each context under meta/<sha256 of its name>/meta.json, as the docker CLI does.
    private static EngineEndpoint ContextEndpoint(LocatorEnvironment env, string configDirectory, string context, string source)
    {
        string hash = ContentDigest.HashOfText(context);
        string metaFile = Path.Combine(configDirectory, "contexts", "meta", hash, "meta.json");
        string? meta = env.ReadFile(metaFile);
        string? host = null;
        bool skipVerify = false;
        if (meta is not null)
        {
            try
            {
                using var document = JsonDocument.Parse(meta);
                var docker = document.RootElement.GetProperty("Endpoints").GetProperty("docker");
                host = docker.GetProperty("Host").GetString();
                skipVerify = docker.TryGetProperty("SkipTLSVerify", out var skip) && skip.ValueKind == JsonValueKind.True;
            }
            catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                host = null;
            }
        }

        if (string.IsNullOrEmpty(host))
        {
            throw new DiamolException(DiagnosticCode.DIAM3001,
                $"The docker context '{context}' (from {source}) has no engine address in {metaFile}. " +
                "Check `docker context ls`, switch with `docker context use default`, or set DOCKER_HOST.");
        }

        var endpoint = Endpoint(host, $"the docker context '{context}' (from {source})", env);
        // `docker context create --docker "host=...,ca=...,cert=...,key=..."` keeps the certificates in the store.
        string tlsFolder = Path.Combine(configDirectory, "contexts", "tls", hash, "docker");
        if (endpoint.Tls is null && endpoint.Uri.Scheme is "tcp" or "https" && env.FileExists(Path.Combine(tlsFolder, "cert.pem")))
        {
            endpoint = endpoint with
            {
                Tls = new EngineTls(Path.Combine(tlsFolder, "ca.pem"), Path.Combine(tlsFolder, "cert.pem"), Path.Combine(tlsFolder, "key.pem"),
                    Verify: !skipVerify && env.FileExists(Path.Combine(tlsFolder, "ca.pem"))),
            };
        }

        return endpoint;
    }

    private static void AddIfPresent(List<EngineEndpoint> found, LocatorEnvironment env, string socket, string source)
    {
        if (env.FileExists(socket)) found.Add(new EngineEndpoint(new Uri("unix://" + socket), source));
    }

    // As the docker CLI: DOCKER_TLS_VERIFY (any value but empty or 0) or DOCKER_TLS turn TLS on; the certificates are
    // ca.pem, cert.pem and key.pem in DOCKER_CERT_PATH, by default docker's configuration folder (DOCKER_CONFIG, else
    // ~/.docker), as the CLI's flags default it.
    private static EngineTls? TlsFor(LocatorEnvironment env)
    {
        bool verify = env.Variable("DOCKER_TLS_VERIFY") is { Length: > 0 } v && v != "0";
        bool tls = verify || env.Variable("DOCKER_TLS") is { Length: > 0 } t && t != "0";
        if (!tls) return null;

        string folder = env.Variable("DOCKER_CERT_PATH") is { Length: > 0 } path ? path : DockerConfiguration.DirectoryOf(env);
        var tlsFiles = new EngineTls(Path.Combine(folder, "ca.pem"), Path.Combine(folder, "cert.pem"), Path.Combine(folder, "key.pem"), verify);
        foreach (string file in new[] { tlsFiles.CertFile, tlsFiles.KeyFile }.Concat(verify ? [tlsFiles.CaFile] : []))
        {
            if (!env.FileExists(file))
            {
                throw new DiamolException(DiagnosticCode.DIAM3001,
                    $"TLS to the engine is asked for (DOCKER_TLS_VERIFY/DOCKER_TLS) but {file} is missing. " +
                    "Point DOCKER_CERT_PATH at the folder holding ca.pem, cert.pem and key.pem.");
            }
        }

        return tlsFiles;
    }

    private static EngineEndpoint Endpoint(string value, string source, LocatorEnvironment env)
    {
        if (Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "unix" or "tcp" or "npipe" or "http" or "https")
        {
            return new EngineEndpoint(uri, source, uri.Scheme is "tcp" or "https" ? TlsFor(env) : null);
        }

        throw new DiamolException(DiagnosticCode.DIAM3001,
            $"{source} has the value '{value}', which is not an engine address. " +
            "Use unix:///path/to/docker.sock, tcp://host:2375 or npipe://./pipe/docker_engine.");
    }
}
