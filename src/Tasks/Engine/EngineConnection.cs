using Diamol.Build.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;
using Version = System.Version;

namespace Diamol.Build.Engine;

/// <summary>
/// Opens a <see cref="DockerEngine"/>: tries the candidate endpoints in order within one time-out, negotiates the
/// Engine API version as the docker CLI does, and says in a user's words why none answered (DIAM3001) or why the one
/// that did is too old (DIAM3017).
/// </summary>
internal static class EngineConnection
{
    /// <summary>The newest Engine API version this client's models follow (Docker.DotNet.Enhanced 4.3 tracks Engine 29).</summary>
    public static readonly Version ClientApiVersion = new(1, 51);

    /// <summary>
    /// The oldest Engine API version we support (Docker 20.10, Podman 4): the generated Dockerfile declares its build
    /// arguments in one ARG, which Docker 19.03's builder refuses.
    /// </summary>
    public static readonly Version MinimumApiVersion = new(1, 41);

    /// <summary>The version both sides speak; null when the engine is older than we support.</summary>
    public static Version? Negotiate(string? engineApiVersion) =>
        Version.TryParse(engineApiVersion, out var engine) && engine >= MinimumApiVersion
            ? (engine < ClientApiVersion ? engine : ClientApiVersion)
            : null;

    /// <summary>
    /// Tries each candidate in order and keeps the first that answers. All tries together stay within
    /// <paramref name="timeout"/>, so an engine that is down fails the build quickly instead of hanging it.
    /// </summary>
    public static async Task<DockerEngine> ConnectAsync(IReadOnlyList<EngineEndpoint> candidates, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        foreach (var endpoint in candidates)
        {
            DockerClient? client = null;
            try
            {
                // /version answers without a version prefix; every later request uses the negotiated version.
                VersionResponse version;
                using (var probe = CreateClient(endpoint, null))
                {
                    version = await probe.System.GetVersionAsync(deadline.Token).ConfigureAwait(false);
                }

                var apiVersion = Negotiate(version.APIVersion) ?? throw new DiamolException(DiagnosticCode.DIAM3017,
                    $"The engine at {endpoint.Uri} speaks Engine API {version.APIVersion}; Diamol.Build needs {MinimumApiVersion} or later " +
                    "(Docker 20.10, Podman 4). Update the engine.");
                client = CreateClient(endpoint, apiVersion);
                return new DockerEngine(client, endpoint, version, apiVersion);
            }
            catch (DiamolException)
            {
                throw;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                client?.Dispose();
                failures.Add($"{endpoint}: {DescribeConnectFailure(endpoint, e, deadline.IsCancellationRequested)}");
            }
        }

        throw new DiamolException(DiagnosticCode.DIAM3001,
            "No Docker engine answered. Tried: " + string.Join("; ", failures) + ". " +
            "Start Docker (or Podman's `podman system service`), point DOCKER_HOST or the DiamolDockerHost property at a " +
            "running engine, or publish without building an image: -p:DiamolBuildImage=false.");
    }

    private static DockerClient CreateClient(EngineEndpoint endpoint, Version? apiVersion)
    {
        var builder = new DockerClientBuilder().WithEndpoint(endpoint.Uri);
        if (apiVersion is not null) builder = builder.WithApiVersion(apiVersion);
        if (endpoint.Tls is null) return builder.Build();

        // TLS goes through the native transport (SocketsHttpHandler), whose SslOptions take our certificates.
        return builder.WithAuthProvider(new TlsAuthProvider(endpoint.Tls))
            .WithTransportOptions(new Docker.DotNet.NativeHttp.NativeHttpTransportOptions())
            .Build();
    }

    /// <summary>
    /// Why an endpoint did not answer, in the words of what is wrong: a Unix socket that is not there fails with the
    /// socket error "Cannot assign requested address", which says nothing to a user whose engine is simply not running.
    /// </summary>
    private static string DescribeConnectFailure(EngineEndpoint endpoint, Exception e, bool timedOut)
    {
        if (!timedOut && endpoint.Uri.Scheme == "unix" && !File.Exists(endpoint.Uri.LocalPath) && !Directory.Exists(endpoint.Uri.LocalPath))
        {
            return $"there is no socket at {endpoint.Uri.LocalPath} (no engine runs there, or it listens elsewhere)";
        }

        return Describe(e, timedOut);
    }

    private static string Describe(Exception e, bool timedOut) =>
        timedOut ? "no answer in time" : (e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message);
}
