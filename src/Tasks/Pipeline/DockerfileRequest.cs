using Diamol.Build.Layers;
using Diamol.Build.Spec;

namespace Diamol.Build.Pipeline;

/// <summary>
/// What a publish asks of the Dockerfile stage: the project's properties and items as plain values, unvalidated (the
/// stage validates them, each in its turn, so an error names the first setting at fault as before).
/// </summary>
internal sealed record DockerfileRequest
{
    /// <summary>The container settings (ContainerBaseImage, ContainerRepository, ...).</summary>
    public required ContainerSpecInput Spec { get; init; }

    /// <summary>
    /// DiamolInspectBaseImage: ask the builder that will build on it about the base image (digest pin, APP_UID user,
    /// ports, entrypoint).
    /// </summary>
    public bool InspectBaseImage { get; init; }

    /// <summary>
    /// A Dockerfile-only publish with DiamolInspectBaseImage unset: read the base image from the engine or its registry
    /// when one answers, so the Dockerfile is the one a normal publish builds; warn (DIAM2011) when none does.
    /// </summary>
    public bool InspectBaseImageBestEffort { get; init; }

    /// <summary>DiamolBuildImage: whether an image is built at all (the builder is only chosen then).</summary>
    public bool BuildImage { get; init; } = true;

    /// <summary>DiamolBuilder: docker, oci, or empty for the automatic choice.</summary>
    public string? Builder { get; init; }

    /// <summary>ContainerRuntimeIdentifier; empty means linux-x64.</summary>
    public string? RuntimeIdentifier { get; init; }

    /// <summary>ContainerRuntimeIdentifiers: several RIDs (';'-separated) ask for a multi-platform image index.</summary>
    public string? RuntimeIdentifiers { get; init; }

    /// <summary>ContainerArchiveOutputPath, ContainerImageFormat and LocalRegistry: honoured by the OCI writer only.</summary>
    public string? ArchiveOutputPath { get; init; }
    public string? ImageFormat { get; init; }
    public string? LocalRegistry { get; init; }

    /// <summary>DiamolCacheFrom and DiamolBuildArg items (their Include): settings of the engine's build.</summary>
    public IReadOnlyList<string> CacheFrom { get; init; } = [];
    public IReadOnlyList<string> BuildArgs { get; init; } = [];

    /// <summary>DiamolPullPolicy: when the engine pulls the base image.</summary>
    public string? PullPolicy { get; init; }

    /// <summary>DiamolIdleTimeout: seconds an exchange about the base image may go without any data.</summary>
    public string? IdleTimeout { get; init; }

    /// <summary>DiamolRegistryRetries: how many times a failing read of the base image from its registry is tried in all.</summary>
    public string? RegistryRetries { get; init; }

    /// <summary>PublishDir.</summary>
    public required string PublishDirectory { get; init; }

    /// <summary>
    /// The publish's items, read when the stage comes to them: reading MSBuild items (their FullPath is computed on each
    /// read) is part of the stage's read-publish-items time, as the listing of the folder is.
    /// </summary>
    public required Func<PublishInputs> ReadPublishItems { get; init; }

    /// <summary>PublishSingleFile, SelfContained, PublishTrimmed, PublishAot.</summary>
    public PublishMode Mode { get; init; } = new();

    /// <summary>DiamolFileModes: Normalize (default) or Preserve.</summary>
    public string? FileModes { get; init; }

    /// <summary>The published executable's name (the single-file bundle or native AOT binary); the project's name when unset.</summary>
    public string? AppFileName { get; init; }

    /// <summary>DiamolWritableDirectory items.</summary>
    public IReadOnlyList<WritableDirectory> WritableDirectories { get; init; } = [];

    /// <summary>DiamolOutputPath: the build context folder.</summary>
    public required string ContextDirectory { get; init; }

    /// <summary>The folder <see cref="ContextDirectory"/> names, and every file of ours in it.</summary>
    public Context.OutputFolder Output => field ??= new Context.OutputFolder(ContextDirectory);

    public required string ProjectName { get; init; }

    /// <summary>Our own version, for the Dockerfile's header.</summary>
    public required string ToolVersion { get; init; }

    /// <summary>SOURCE_DATE_EPOCH as the environment gives it (validated when the stage comes to it).</summary>
    public string? SourceDateEpoch { get; init; }

    /// <summary>ContainerRegistry, trimmed; null when unset.</summary>
    public string? PushRegistry => string.IsNullOrWhiteSpace(Spec.Registry) ? null : Spec.Registry.Trim();
}

/// <summary>
/// What the Dockerfile stage may reach beyond its request, each only when a decision needs it: a Dockerfile-only or OCI
/// publish must not depend on an engine. The task gives the build's shared ones (one engine connection, one credential
/// lookup per build) and its log.
/// </summary>
/// <param name="Engines">The engine to ask (its platform, the base image), connected on first use.</param>
/// <param name="Registries">A run's registry clients with an idle limit and retries; the caller disposes them.</param>
/// <param name="Credentials">The build's credential lookup, for the engine's pull of the base image.</param>
/// <param name="Log">Messages at normal verbosity, pull progress, and coded warnings, as they happen.</param>
internal sealed record DockerfileServices(
    Func<Engine.IEngineSource> Engines,
    Func<TimeSpan?, Registry.RetryPolicy?, Registry.RegistrySession> Registries,
    Func<Credentials.CredentialLookup> Credentials,
    Engine.IBuildLog Log,
    CancellationToken Cancellation);
