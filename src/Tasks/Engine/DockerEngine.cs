using System.Net;
using Diamol.Build.Common;
using Diamol.Build.Credentials;
using Diamol.Build.Diagnostics;
using Docker.DotNet.Models;
using Docker.DotNet;
using Version = System.Version;

namespace Diamol.Build.Engine;

/// <summary>
/// Our view of a connected Docker engine, over Docker.DotNet: build, inspect, history, pull, push, load. Every
/// exchange runs under an idle time-out; failures become <see cref="DiamolException"/>s that say what happened and what
/// to do (<see cref="EngineFailures"/>). <see cref="EngineConnection"/> opens one; a build is an <see cref="EngineBuildSession"/>.
/// </summary>
internal sealed class DockerEngine : IContainerEngine, IDisposable
{
    private readonly DockerClient _client;
    private readonly VersionResponse _version;

    internal DockerEngine(DockerClient client, EngineEndpoint endpoint, VersionResponse version, Version apiVersion)
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

    /// <summary>
    /// How long any other exchange may go without a byte: pulls, pushes and loads report progress every second, inspections answer at once.
    /// </summary>
    public static readonly TimeSpan DefaultIdleLimit = TimeSpan.FromMinutes(2);

    /// <summary>DiamolIdleTimeout: replaces both defaults when set.</summary>
    public TimeSpan? IdleLimit { get; set; }

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

    /// <summary>
    /// The API version requests use: the lower of the engine's and ours, as the docker CLI negotiates (see <see cref="EngineConnection.Negotiate"/>).
    /// </summary>
    public Version ApiVersion { get; }

    /// <summary>The platform the engine runs images of (its OS and architecture, as OCI names them).</summary>
    public Common.ImagePlatform Platform => new(_version.Os ?? "linux", _version.Arch switch
    {
        null or "" => "amd64",
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        var arch => arch,
    });

    public Task<BuildResult> BuildAsync(BuildRequest request, IBuildLog log, CancellationToken cancellationToken)
    {
        // The engine pulls the base image itself when asked to (DiamolPullPolicy=Always): give it the login.
        var logins = request.BaseImageLogin is { } login ? new[] { ToAuthConfig(login)! } : null;
        return ExchangeAsync("building the image", build: true, idle => EngineBuildSession.RunAsync(_client, Endpoint, request, logins, log, idle),
            cancellationToken);
    }

    /// <summary>Pulls an image; returns null on success, else the registry's or engine's reason.</summary>
    public Task<string?> PullAsync(Spec.ImageReference reference, RegistryLogin? login, IBuildLog log, CancellationToken cancellationToken) =>
        ExchangeAsync($"pulling {reference}", build: false, idle => PullAsync(reference, login, log, idle), cancellationToken);

    private async Task<string?> PullAsync(Spec.ImageReference reference, RegistryLogin? login, IBuildLog log, IdleTimeout idle)
    {
        log.Step($"Pulling {reference}");
        var pull = new PullProgress(reference.ToString(), log);
        var messages = new EngineMessages(idle, log, also: m => pull.Report(m.ID, m.Status, m.Progress?.Current ?? 0, m.Progress?.Total ?? 0));
        string? failure = await messages.RunAsync(progress => _client.Images.CreateImageAsync(
            new ImagesCreateParameters { FromImage = reference.Name, Tag = reference.Digest ?? reference.Tag ?? "latest" },
            ToAuthConfig(login), progress, idle.Token)).ConfigureAwait(false);
        if (failure is null) pull.Finish();
        return failure;
    }

    /// <summary>
    /// Pushes one tag of an image and returns the manifest digest the registry stored. A refusal (wrong
    /// credentials, no permission, registry down) fails with DIAM3005, naming the registry but never the secret.
    /// </summary>
    public Task<string> PushAsync(string repository, string tag, RegistryLogin? login, IBuildLog log, CancellationToken cancellationToken) =>
        ExchangeAsync($"pushing {repository}:{tag}", build: false, idle => PushAsync(repository, tag, login, log, idle), cancellationToken);

    private async Task<string> PushAsync(string repository, string tag, RegistryLogin? login, IBuildLog log, IdleTimeout idle)
    {
        string? digest = null;
        var messages = new EngineMessages(idle, log, also: m =>
        {
            if (m.Aux?.ExtensionData is { } aux && aux.TryGetValue("Digest", out var value)) digest = value.ToString();
        });
        string? failure = await messages.RunAsync(progress =>
            _client.Images.PushImageAsync(repository, new ImagePushParameters { Tag = tag }, ToAuthConfig(login) ?? new AuthConfig(), progress, idle.Token))
            .ConfigureAwait(false);
        if (failure is not null || digest is null)
        {
            throw EngineFailures.PushFailed(Endpoint, repository, tag, failure ?? "it reported no digest", hadLogin: login is not null);
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

    /// <summary>Loads an image archive (docker-archive) as `docker load` does; the engine's own message on failure.</summary>
    public Task LoadAsync(Stream archive, IBuildLog log, CancellationToken cancellationToken) =>
        ExchangeAsync("loading the image", build: false, async idle =>
        {
            await LoadAsync(new ActivityStream(archive, idle.Restart), log, idle).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private async Task LoadAsync(Stream archive, IBuildLog log, IdleTimeout idle)
    {
        string? failure = await new EngineMessages(idle, log, streamLines: true)
            .RunAsync(progress => _client.Images.LoadImageAsync(new ImageLoadParameters { Quiet = false }, archive, progress, idle.Token))
            .ConfigureAwait(false);
        if (failure is not null) throw EngineFailures.LoadRefused(Endpoint, failure);
    }

    /// <summary>Inspects an image; null when the engine does not have it.</summary>
    public Task<ImageFacts?> InspectImageAsync(string name, CancellationToken cancellationToken) =>
        ExchangeAsync($"inspecting {name}", build: false, idle => InspectOnceAsync(name, idle.Token), cancellationToken);

    private async Task<ImageFacts?> InspectOnceAsync(string name, CancellationToken token)
    {
        try
        {
            var image = await _client.Images.InspectImageAsync(name, token).ConfigureAwait(false);
            return new ImageFacts(
                image.ID,
                image.Created is { } created && created != default ? new DateTimeOffset(created.ToUniversalTime()) : null,
                image.Size,
                image.Os,
                image.Architecture,
                image.Config?.Env?.ToArray() ?? [],
                image.RootFS?.Layers?.ToArray() ?? [],
                image.Config?.Labels is { } labels ? new Dictionary<string, string>(labels) : null,
                image.Config?.Entrypoint?.ToArray(),
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
            throw EngineFailures.Refused(Endpoint, $"inspect the image '{name}'", e);
        }
    }

    /// <summary>The image's history, oldest entry first (the engine answers newest first).</summary>
    public Task<IReadOnlyList<ImageHistoryRow>> GetHistoryAsync(string name, CancellationToken cancellationToken) =>
        ExchangeAsync($"reading the history of {name}", build: false, idle => ReadHistoryOnceAsync(name, idle.Token), cancellationToken);

    private async Task<IReadOnlyList<ImageHistoryRow>> ReadHistoryOnceAsync(string name, CancellationToken token)
    {
        try
        {
            var history = await _client.Images.GetImageHistoryAsync(name, token).ConfigureAwait(false);
            return history.Reverse().Select(entry => new ImageHistoryRow(
                entry.ID ?? "",
                entry.CreatedBy ?? "",
                entry.Created is var created && created != default ? new DateTimeOffset(created.ToUniversalTime()) : null,
                entry.Size)).ToArray();
        }
        catch (DockerApiException e)
        {
            throw EngineFailures.Refused(Endpoint, $"read the history of '{name}'", e);
        }
    }

    public void Dispose() => _client.Dispose();

    /// <summary>
    /// Runs one exchange with the engine under an idle time-out that restarts with every byte, and tells the two
    /// faults a user must act on differently from the engine's own refusals: an engine that went silent (DIAM3014)
    /// and a connection that broke (DIAM3015). The caller's cancellation (Ctrl+C) passes through as it is.
    /// </summary>
    private async Task<T> ExchangeAsync<T>(string step, bool build, Func<IdleTimeout, Task<T>> exchange, CancellationToken cancellationToken)
    {
        var limit = IdleLimit ?? (build ? DefaultBuildIdleLimit : DefaultIdleLimit);
        using var idle = new IdleTimeout(limit, cancellationToken);
        try
        {
            return await exchange(idle).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not DiamolException && idle.Expired)
        {
            throw EngineFailures.Stalled(Endpoint, limit, step, build, e);
        }
        catch (Exception e) when (e is not DiamolException && !cancellationToken.IsCancellationRequested
            && EngineFailures.Broken(Endpoint, step, build, e) is { } broken)
        {
            throw broken;
        }
    }
}
