using Diamol.Build.Common;
using Diamol.Build.Credentials;

namespace Diamol.Build.Engine;

/// <summary>
/// What the pipeline asks of a container engine: build, inspect, history, pull, push, load. <see cref="DockerEngine"/>
/// is the implementation over Docker.DotNet; tests give the pipeline a fake to decide skip, push, cache-from and
/// every failure path without a real engine. Failures are <see cref="Diagnostics.DiamolException"/>s with the
/// engine's DIAM codes (DIAM3002 a failed step, DIAM3003 a refused request, DIAM3014 a stall, DIAM3015 a cut
/// connection, DIAM3005/3010/3011 a refused, unreachable or failing registry, DIAM3007 a refused load).
/// </summary>
internal interface IContainerEngine
{
    EngineEndpoint Endpoint { get; }

    /// <summary>The product and its version, for the log and the record ("Docker Engine - Community 29.1.3, API 1.51").</summary>
    string Description { get; }

    /// <summary>Podman's Docker-compatible API: it refuses archives without every layer and is not shown to build from step images.</summary>
    bool IsPodman => Description.Contains("Podman", StringComparison.OrdinalIgnoreCase);

    /// <summary>The engine's own version ("29.1.3").</summary>
    string Version { get; }

    /// <summary>The platform the engine runs images of.</summary>
    Common.ImagePlatform Platform { get; }

    /// <summary>DiamolIdleTimeout: how long an exchange may go without data; null for the defaults.</summary>
    TimeSpan? IdleLimit { get; set; }

    Task<BuildResult> BuildAsync(BuildRequest request, IBuildLog log, CancellationToken cancellationToken);

    /// <summary>Inspects an image by name or id; null when the engine does not have it.</summary>
    Task<ImageFacts?> InspectImageAsync(string name, CancellationToken cancellationToken);

    /// <summary>The image's history, oldest entry first.</summary>
    Task<IReadOnlyList<ImageHistoryRow>> GetHistoryAsync(string name, CancellationToken cancellationToken);

    /// <summary>Pulls an image; null on success, else the registry's or engine's reason (a pull that fails is often not fatal).</summary>
    Task<string?> PullAsync(Spec.ImageReference reference, RegistryLogin? login, IBuildLog log, CancellationToken cancellationToken);

    /// <summary>Pushes one tag; returns the manifest digest the registry stored.</summary>
    Task<string> PushAsync(string repository, string tag, RegistryLogin? login, IBuildLog log, CancellationToken cancellationToken);

    /// <summary>Loads an image archive, as `docker load` does.</summary>
    Task LoadAsync(Stream archive, IBuildLog log, CancellationToken cancellationToken);
}
