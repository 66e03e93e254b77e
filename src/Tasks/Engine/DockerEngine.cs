using System.Net;
using Diamol.Build.Credentials;
using Diamol.Build.Diagnostics;
using Docker.DotNet.Models;
using Docker.DotNet;
using Version = System.Version;

namespace Diamol.Build.Engine;

/// <summary>
/// What the engine asked to build needs: the context folder, the references to tag ("repository:tag") and build
/// arguments; with <paramref name="Part"/>, only that part of the folder is sent (a delta build).
/// </summary>
public sealed record BuildRequest(
    string ContextDirectory,
    IReadOnlyList<string> References,
    IReadOnlyDictionary<string, string> BuildArguments,
    IReadOnlyList<string> CacheFrom,
    bool PullBase,
    RegistryLogin? BaseImageLogin = null,
    Context.ContextSelection? Part = null);

/// <summary>
/// Our view of a Docker engine, over Docker.DotNet: connect, build, inspect, history. Failures become
/// <see cref="DiamolException"/>s that say what happened and what to do.
/// </summary>
public sealed class DockerEngine : IContainerEngine, IDisposable
{
    private readonly DockerClient _client;

    /// <summary>The newest Engine API version this client's models follow (Docker.DotNet.Enhanced 4.3 tracks Engine 29).</summary>
    public static readonly Version ClientApiVersion = new(1, 51);

    /// <summary>
    /// The oldest Engine API version we support (Docker 20.10, Podman 4): the generated Dockerfile declares its build
    /// arguments in one ARG, which Docker 19.03's builder refuses.
    /// </summary>
    public static readonly Version MinimumApiVersion = new(1, 41);

    private DockerEngine(DockerClient client, EngineEndpoint endpoint, VersionResponse version, Version apiVersion)
    {
        _client = client;
        Endpoint = endpoint;
        _version = version;
        ApiVersion = apiVersion;
    }

    public EngineEndpoint Endpoint { get; }

    /// <summary>
    /// How long a build may go without a byte from the engine: a RUN step that prints nothing (a long compile, a
    /// download) is silent for its whole length, so the limit is generous; a stalled engine still fails in bounded time.
    /// </summary>
    public static readonly TimeSpan DefaultBuildIdleLimit = TimeSpan.FromMinutes(10);

    /// <summary>How long any other exchange may go without a byte: pulls, pushes and loads report progress every second, inspections answer at once.</summary>
    public static readonly TimeSpan DefaultIdleLimit = TimeSpan.FromMinutes(2);

    /// <summary>DiamolIdleTimeout: replaces both defaults when set.</summary>
    public TimeSpan? IdleLimit { get; set; }

    private readonly VersionResponse _version;

    public string Version => _version.Version ?? "unknown";

    // Distribution builds (Debian's docker.io) leave the platform's name empty.
    public string Description => $"{(_version.Platform?.Name is { Length: > 0 } name ? name : "Docker Engine")} {Version}, API {ApiVersion}";

    /// <summary>
    /// Podman names itself in its components ("Podman Engine"); its platform name is the host's ("linux/amd64/debian-12"
    /// for Podman 4.3), so the description alone does not tell.
    /// </summary>
    public bool IsPodman =>
        _version.Components?.Any(c => c.Name?.Contains("Podman", StringComparison.OrdinalIgnoreCase) == true) == true
        || Description.Contains("Podman", StringComparison.OrdinalIgnoreCase);

    /// <summary>The API version requests use: the lower of the engine's and ours, as the docker CLI negotiates.</summary>
    public Version ApiVersion { get; }

    /// <summary>The version both sides speak; null when the engine is older than we support.</summary>
    public static Version? Negotiate(string? engineApiVersion) =>
        System.Version.TryParse(engineApiVersion, out var engine) && engine >= MinimumApiVersion
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

    public Task<BuildResult> BuildAsync(BuildRequest request, IBuildLog log, CancellationToken cancellationToken) =>
        ExchangeAsync("building the image", build: true, idle => BuildAsync(request, log, idle, cancellationToken), cancellationToken);

    private async Task<BuildResult> BuildAsync(BuildRequest request, IBuildLog log, Registry.IdleTimeout idle, CancellationToken cancellationToken)
    {
        var parser = new BuildOutputParser(log);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        TimeSpan? contextSent = null;
        PullProgress? pulling = null;
        string? imageId = null;
        string? error = null;
        var progress = new SynchronousProgress<JSONMessage>(message =>
        {
            idle.Restart();
            if (message.Stream is { } text)
            {
                parser.Append(text);
                if (contextSent is null && parser.Steps.Count > 0) contextSent = clock.Elapsed;
            }

            if (!string.IsNullOrEmpty(message.Status))
            {
                log.Detail(message.Status);
                // The classic builder pulls a missing FROM image inside the build, with the pull endpoint's messages.
                pulling ??= new PullProgress(parser.Steps.LastOrDefault()?.Instruction.Replace("FROM ", "", StringComparison.OrdinalIgnoreCase) ?? "the base image", log);
                pulling.Report(message.ID, message.Status, message.Progress?.Current ?? 0, message.Progress?.Total ?? 0);
            }
            else if (pulling is not null)
            {
                pulling.Finish();
                pulling = null;
            }
            if (message.Error is { Message: { } failure }) error = failure;
            if (message.Aux is { } aux && aux.ExtensionData is { } data && data.TryGetValue("ID", out var id))
            {
                imageId = id.ToString();
            }
        });

        var parameters = new ImageBuildParameters
        {
            Tags = request.References.ToList(),
            BuildArgs = request.BuildArguments.ToDictionary(p => p.Key, p => p.Value),
            Dockerfile = Context.ContextStager.DockerfileName,
            // Intermediate containers of RUN steps are removed even when a step fails.
            Remove = true,
            ForceRemove = true,
            // The legacy builder: the one every engine's /build endpoint speaks.
            Version = "1",
            // The Engine API wants cachefrom as one JSON array; Docker.DotNet writes each list item as a value of
            // its own, so the whole array goes in as a single item.
            CacheFrom = request.CacheFrom.Count == 0 ? null : [System.Text.Json.JsonSerializer.Serialize(request.CacheFrom)],
            Pull = request.PullBase ? "1" : null,
        };

        // Stopping the request also stops the archive writer, whatever ended the request.
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(idle.Token);
        using var tar = new ActivityStream(Context.ContextTar.Open(request.ContextDirectory, stop.Token, out var tarWritten, request.Part), idle.Restart);
        // The engine pulls the base image itself when asked to (DiamolPullPolicy=Always): give it the login.
        var logins = request.BaseImageLogin is { } login ? new[] { ToAuthConfig(login)! } : null;
        try
        {
            await _client.Images.BuildImageFromDockerfileAsync(parameters, tar, logins, null, progress, stop.Token).ConfigureAwait(false);
            await tarWritten.ConfigureAwait(false);
        }
        catch (Exception e) when (e is not DiamolException)
        {
            // Whatever ended the request, stop the archive writer and find out whether it was the cause.
            await stop.CancelAsync().ConfigureAwait(false);
            var tarFailure = await FailureOf(tarWritten).ConfigureAwait(false);
            if (tarFailure is IOException or UnauthorizedAccessException or ArgumentException)
            {
                throw new DiamolException(DiagnosticCode.DIAM2013,
                    $"The build context in '{request.ContextDirectory}' could not be sent: {tarFailure.Message} " +
                    "A file changed or vanished while it was read; publish again. The build did not finish, so no tag was changed.", e);
            }

            if (e is DockerApiException api) throw ApiFailure("build the image", api);
            throw;
        }

        parser.Flush();
        if (error is not null)
        {
            var failed = parser.Steps.Count > 0 ? parser.Steps[^1] : null;
            string where = failed is null ? "before the first step" : $"at step {failed.Number} ({failed.Instruction})";
            string output = parser.LastStepOutput.Count == 0 ? "" : $" The step printed (last lines):\n  {string.Join("\n  ", parser.LastStepOutput)}\n";
            throw new DiamolException(DiagnosticCode.DIAM3002,
                $"The image build failed {where}: {error.Trim()}.{output} " +
                "Fix the instruction or the files it uses; the generated Dockerfile is in the build context folder. No tag was changed.");
        }

        // Older engines report the image only in the final "Successfully built" line.
        imageId ??= parser.Steps.LastOrDefault()?.ImageId;
        if (imageId is null)
        {
            throw new DiamolException(DiagnosticCode.DIAM3019,
                "The engine finished the build without naming the image it built. Run the publish again with -v:detailed to see the engine's output.");
        }

        return new BuildResult(imageId, request.References, parser.Steps, contextSent);
    }

    private static async Task<Exception?> FailureOf(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    /// <summary>Pulls an image; returns null on success, else the registry's or engine's reason.</summary>
    public Task<string?> PullAsync(Spec.ImageReference reference, RegistryLogin? login, IBuildLog log, CancellationToken cancellationToken) =>
        ExchangeAsync($"pulling {reference}", build: false, idle => PullAsync(reference, login, log, idle), cancellationToken);

    private async Task<string?> PullAsync(Spec.ImageReference reference, RegistryLogin? login, IBuildLog log, Registry.IdleTimeout idle)
    {
        log.Step($"Pulling {reference}");
        string? failure = null;
        var pull = new PullProgress(reference.ToString(), log);
        try
        {
            await _client.Images.CreateImageAsync(
                new ImagesCreateParameters { FromImage = reference.Name, Tag = reference.Digest ?? reference.Tag ?? "latest" },
                ToAuthConfig(login),
                new SynchronousProgress<JSONMessage>(m =>
                {
                    idle.Restart();
                    if (m.Error is { Message: { } error }) failure = error;
                    else if (!string.IsNullOrEmpty(m.Status) && m.Progress is null) log.Detail($"{m.ID} {m.Status}".Trim());
                    pull.Report(m.ID, m.Status, m.Progress?.Current ?? 0, m.Progress?.Total ?? 0);
                }),
                idle.Token).ConfigureAwait(false);
        }
        catch (DockerApiException e)
        {
            failure = $"{(int)e.StatusCode} {e.ResponseBody?.Trim()}";
        }

        if (failure is null) pull.Finish();
        return failure;
    }

    /// <summary>
    /// Pushes one tag of an image and returns the manifest digest the registry stored. A refusal (wrong
    /// credentials, no permission, registry down) fails with DIAM3005, naming the registry but never the secret.
    /// </summary>
    public Task<string> PushAsync(string repository, string tag, RegistryLogin? login, IBuildLog log, CancellationToken cancellationToken) =>
        ExchangeAsync($"pushing {repository}:{tag}", build: false, idle => PushAsync(repository, tag, login, log, idle), cancellationToken);

    private async Task<string> PushAsync(string repository, string tag, RegistryLogin? login, IBuildLog log, Registry.IdleTimeout idle)
    {
        string? failure = null;
        string? digest = null;
        var progress = new SynchronousProgress<JSONMessage>(m =>
        {
            idle.Restart();
            if (m.Error is { Message: { } error }) failure = error;
            else if (!string.IsNullOrEmpty(m.Status) && m.Progress is null) log.Detail($"{m.ID} {m.Status}".Trim());
            if (m.Aux?.ExtensionData is { } aux && aux.TryGetValue("Digest", out var value)) digest = value.ToString();
        });

        try
        {
            await _client.Images.PushImageAsync(repository, new ImagePushParameters { Tag = tag }, ToAuthConfig(login) ?? new AuthConfig(), progress, idle.Token)
                .ConfigureAwait(false);
        }
        catch (DockerApiException e)
        {
            failure = $"{(int)e.StatusCode} {e.ResponseBody?.Trim()}";
        }

        if (failure is not null || digest is null)
        {
            string registry = repository.Split('/')[0];
            string reason = failure ?? "it reported no digest";
            // The engine passes the registry's answer on as text; what the user must do depends on which kind it is.
            throw EnginePushFailure.Classify(reason) switch
            {
                EnginePushFailureKind.Authentication => new DiamolException(DiagnosticCode.DIAM3005,
                    $"The registry {registry} refused the push of {repository}:{tag}: {reason}. " +
                    (login is null
                        ? $"No credentials for {registry} were found in the docker configuration: run `docker login {registry}` (or set DOCKER_CONFIG)."
                        : $"Check the credentials stored for {registry} (`docker login {registry}`) and your permission to push to {repository}.")),
                EnginePushFailureKind.Network => new DiamolException(DiagnosticCode.DIAM3010,
                    $"The engine at {Endpoint.Uri} could not reach the registry {registry} to push {repository}:{tag}: {reason}. " +
                    "Check that the registry is running and reachable from the engine's machine (address, network, proxy, TLS certificate), then retry."),
                _ => new DiamolException(DiagnosticCode.DIAM3011,
                    $"The registry {registry} failed the push of {repository}:{tag}: {reason}. " +
                    "That is a fault on the registry's side (or a proxy before it): retry later, and check the registry's status or logs if it persists."),
            };
        }

        return digest;
    }

    private static AuthConfig? ToAuthConfig(RegistryLogin? login) => login is null ? null : new AuthConfig
    {
        ServerAddress = login.ServerAddress,
        Username = login.Username,
        Password = login.Password,
        IdentityToken = login.IdentityToken,
    };

    /// <summary>The platform the engine runs images of (its OS and architecture, as OCI names them).</summary>
    public Common.ImagePlatform Platform => new(_version.Os ?? "linux", _version.Arch switch
    {
        null or "" => "amd64",
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        var arch => arch,
    });

    /// <summary>Loads an image archive (docker-archive) as `docker load` does; the engine's own message on failure.</summary>
    public Task LoadAsync(Stream archive, IBuildLog log, CancellationToken cancellationToken) =>
        ExchangeAsync("loading the image", build: false, async idle =>
        {
            await LoadAsync(new ActivityStream(archive, idle.Restart), log, idle).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private async Task LoadAsync(Stream archive, IBuildLog log, Registry.IdleTimeout idle)
    {
        string? failure = null;
        var progress = new SynchronousProgress<JSONMessage>(m =>
        {
            idle.Restart();
            if (m.Error is { Message: { } error }) failure = error;
            else if (!string.IsNullOrEmpty(m.Stream)) log.Detail(m.Stream.Trim());
            else if (!string.IsNullOrEmpty(m.Status) && m.Progress is null) log.Detail($"{m.ID} {m.Status}".Trim());
        });
        try
        {
            await _client.Images.LoadImageAsync(new ImageLoadParameters { Quiet = false }, archive, progress, idle.Token).ConfigureAwait(false);
        }
        catch (DockerApiException e)
        {
            failure = $"{(int)e.StatusCode} {e.ResponseBody?.Trim()}";
        }

        if (failure is not null)
        {
            throw new DiamolException(DiagnosticCode.DIAM3007,
                $"The engine at {Endpoint.Uri} refused to load the image: {failure}. Check the engine's log and its free disk space, " +
                "or publish to a registry (ContainerRegistry) or an archive (ContainerArchiveOutputPath) instead.");
        }
    }

    /// <summary>Inspects an image; null when the engine does not have it.</summary>
    public Task<EngineImageDetails?> InspectImageAsync(string name, CancellationToken cancellationToken) =>
        ExchangeAsync($"inspecting {name}", build: false, idle => InspectOnceAsync(name, idle.Token), cancellationToken);

    private async Task<EngineImageDetails?> InspectOnceAsync(string name, CancellationToken token)
    {
        try
        {
            var image = await _client.Images.InspectImageAsync(name, token).ConfigureAwait(false);
            return new EngineImageDetails(
                image.ID,
                image.Created is { } created && created != default ? new DateTimeOffset(created.ToUniversalTime()) : null,
                image.Size,
                image.Os,
                image.Architecture,
                image.Config?.Env?.ToArray() ?? [],
                image.Config?.Labels is { } labels ? new Dictionary<string, string>(labels) : null,
                image.Config?.Entrypoint?.ToArray(),
                image.RootFS?.Layers?.ToArray() ?? [],
                image.RepoDigests?.ToArray() ?? [],
                image.Variant);
        }
        catch (DockerImageNotFoundException)
        {
            return null;
        }
        catch (DockerApiException e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
        catch (DockerApiException e)
        {
            throw ApiFailure($"inspect the image '{name}'", e);
        }
    }

    /// <summary>The image's history, oldest entry first (the engine answers newest first).</summary>
    public Task<IReadOnlyList<EngineHistoryRow>> GetHistoryAsync(string name, CancellationToken cancellationToken) =>
        ExchangeAsync($"reading the history of {name}", build: false, idle => ReadHistoryOnceAsync(name, idle.Token), cancellationToken);

    private async Task<IReadOnlyList<EngineHistoryRow>> ReadHistoryOnceAsync(string name, CancellationToken token)
    {
        try
        {
            var history = await _client.Images.GetImageHistoryAsync(name, token).ConfigureAwait(false);
            return history.Reverse().Select(entry => new EngineHistoryRow(
                entry.ID ?? "",
                entry.CreatedBy ?? "",
                entry.Created is var created && created != default ? new DateTimeOffset(created.ToUniversalTime()) : null,
                entry.Size)).ToArray();
        }
        catch (DockerApiException e)
        {
            throw ApiFailure($"read the history of '{name}'", e);
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>
    /// Runs one exchange with the engine under an idle time-out that restarts with every byte, and tells the two
    /// faults a user must act on differently from the engine's own refusals: an engine that went silent (DIAM3014)
    /// and a connection that broke (DIAM3015). The caller's cancellation (Ctrl+C) passes through as it is.
    /// </summary>
    private async Task<T> ExchangeAsync<T>(string step, bool build, Func<Registry.IdleTimeout, Task<T>> exchange, CancellationToken cancellationToken)
    {
        var limit = IdleLimit ?? (build ? DefaultBuildIdleLimit : DefaultIdleLimit);
        using var idle = new Registry.IdleTimeout(limit, cancellationToken);
        try
        {
            return await exchange(idle).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not DiamolException && idle.Expired)
        {
            throw new DiamolException(DiagnosticCode.DIAM3014,
                $"The engine at {Endpoint.Uri} sent nothing for {limit.TotalSeconds:0.#} seconds while {step}, so Diamol.Build stopped waiting. " +
                (build
                    ? "A RUN step that prints nothing for longer than that needs a larger DiamolIdleTimeout (seconds); otherwise check the engine (`docker info`, its log). " +
                      "Diamol.Build did not see the build finish and recorded no image; the connection is closed, which makes the engine cancel the build, " +
                      "but one that was about to finish may still have tagged the image."
                    : "Check the engine (`docker info`, its log) and its free disk space, or set a larger DiamolIdleTimeout (seconds)."), e);
        }
        catch (Exception e) when (e is not DiamolException && !cancellationToken.IsCancellationRequested && BrokenConnection(e) is { } reason)
        {
            throw new DiamolException(DiagnosticCode.DIAM3015,
                $"The connection to the engine at {Endpoint.Uri} broke while {step}: {reason}. The engine stopped, restarted or was killed, " +
                "or something between cut the connection. Check that the engine runs (`docker info`) and publish again; " +
                (build
                    ? "Diamol.Build did not see the build finish and recorded no image; an engine that is still running cancels the build when its connection closes."
                    : "this step did not finish."), e);
        }
    }

    // A cut chunked stream surfaces as an IOException (HttpIOException) or an HttpRequestException wrapping one; the
    // innermost message says what the socket saw ("Connection reset by peer"), the wrappers only that something failed.
    private static string? BrokenConnection(Exception e) =>
        e is IOException or System.Net.Http.HttpRequestException ? e.GetBaseException().Message.TrimEnd('.') : null;

    private DiamolException ApiFailure(string action, DockerApiException e) =>
        new(DiagnosticCode.DIAM3003,
            $"The engine at {Endpoint.Uri} refused to {action}: {(int)e.StatusCode} {e.StatusCode}: {e.ResponseBody?.Trim()} " +
            "Check the engine's log; if the message names a missing image, check ContainerBaseImage.", e);

    /// <summary>
    /// Why an endpoint did not answer, in the words of what is wrong: a Unix socket that is not there fails with the
    /// socket error "Cannot assign requested address", which says nothing to a user whose engine is simply not running.
    /// </summary>
    public static string DescribeConnectFailure(EngineEndpoint endpoint, Exception e, bool timedOut)
    {
        if (!timedOut && endpoint.Uri.Scheme == "unix" && !File.Exists(endpoint.Uri.LocalPath) && !Directory.Exists(endpoint.Uri.LocalPath))
        {
            return $"there is no socket at {endpoint.Uri.LocalPath} (no engine runs there, or it listens elsewhere)";
        }

        return Describe(e, timedOut);
    }

    private static string Describe(Exception e, bool timedOut) =>
        timedOut ? "no answer in time" : (e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message);

    /// <summary>Reports on the calling thread, in order: Progress&lt;T&gt; would post to the thread pool and could reorder lines.</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
