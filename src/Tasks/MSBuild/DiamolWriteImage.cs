using Diamol.Build.Engine;
using Diamol.Build.Oci;
using Diamol.Build.Pipeline;
using Microsoft.Build.Framework;

namespace Diamol.Build.MSBuild;

/// <summary>
/// Writes the image without an engine (the OCI builder) from the staged plan, and sends it where the SDK's settings
/// say: ContainerRegistry (push), ContainerArchiveOutputPath (a tarball), else the local engine (load).
/// </summary>
public sealed class DiamolWriteImage : DiamolTask, ICancelableTask
{
    [Required] public string ContextDirectory { get; set; } = "";
    protected override string? HistoryFolder => ContextDirectory;
    public string? ContainerRuntimeIdentifier { get; set; }
    /// <summary>ContainerImageFormat: Docker (default) or OCI.</summary>
    public string? ContainerImageFormat { get; set; }
    public string? ContainerArchiveOutputPath { get; set; }
    /// <summary>LocalRegistry: Docker (default) or Podman, when the image goes to the local engine.</summary>
    public string? LocalRegistry { get; set; }
    /// <summary>ContainerRegistry: when set, the image is pushed there.</summary>
    public string? ContainerRegistry { get; set; }
    /// <summary>DiamolCacheDirectory: where base image layers are kept; empty for ~/.diamol/cache.</summary>
    public string? CacheDirectory { get; set; }
    public string? DockerHost { get; set; }
    /// <summary>The project folder, so a relative archive path means the same as for the SDK.</summary>
    public string? ProjectDirectory { get; set; }

    /// <summary>True in the per-platform builds of a multi-platform image: push by digest only, the index gets the tags.</summary>
    public bool IndexPart { get; set; }

    /// <summary>DiamolIdleTimeout: seconds a registry or engine exchange may go without any data.</summary>
    public string? IdleTimeout { get; set; }

    /// <summary>DiamolRegistryRetries: how many times a failing registry exchange is tried in all.</summary>
    public string? RegistryRetries { get; set; }

    [Output] public string ImageId { get; private set; } = "";
    /// <summary>The image's manifest, for an index: digest, media type, size and platform as metadata.</summary>
    [Output] public ITaskItem? Manifest { get; private set; }
    [Output] public string PushedDigest { get; private set; } = "";
    [Output] public string ArchivePath { get; private set; } = "";

    public void Cancel() => Cancellation.Cancel();

    protected override void Run()
    {
        var platform = ImagePlatform.FromRuntimeIdentifier(string.IsNullOrWhiteSpace(ContainerRuntimeIdentifier) ? "linux-x64" : ContainerRuntimeIdentifier);
        string? archive = string.IsNullOrWhiteSpace(ContainerArchiveOutputPath) ? null
            : ImageArchiveWriter.ResolvePath(ContainerArchiveOutputPath, ProjectDirectory ?? Environment.CurrentDirectory, RepositoryWithoutRegistry(Context.ContextManifest.Load(ContextDirectory)));
        bool toEngine = string.IsNullOrWhiteSpace(ContainerRegistry) && archive is null;
        // One platform of a multi-platform archive: its blobs go to a layout folder, the index's archive gathers them.
        string? layout = IndexPart && archive is not null ? Path.Combine(ContextDirectory, Context.ContextManifest.FolderName, "layout") : null;
        if (layout is not null) archive = null;
        var options = new OciOptions(
            platform,
            MediaTypes.ParseFormat(ContainerImageFormat),
            ReproducibleTime.From(Environment.GetEnvironmentVariable("SOURCE_DATE_EPOCH")),
            new BlobCache(string.IsNullOrWhiteSpace(CacheDirectory) ? BlobCache.DefaultDirectory() : Path.GetFullPath(CacheDirectory)),
            archive,
            toEngine && !IndexPart ? EngineFor(LocalEngine()) : null,
            TagInRegistry: !IndexPart,
            LayoutDirectory: layout,
            IdleLimit: BuildOptions.ParseIdleTimeout(IdleTimeout));
        using var registries = RegistriesFor(options.IdleLimit, Registry.RetryPolicy.Parse(RegistryRetries));
        var timings = new StageTimings(nameof(DiamolWriteImage));
        var (record, manifest) = timings.Measure("oci-write",
            () => OciBuildStage.RunAsync(ContextDirectory, options, registries, new TaskBuildLog(Log, ProjectFile), Cancellation.Token, StagingOf(ContextDirectory)).GetAwaiter().GetResult());
        timings.Save(ContextDirectory, startsPublish: false);
        var item = new Microsoft.Build.Utilities.TaskItem(manifest.Digest);
        item.SetMetadata("MediaType", manifest.MediaType);
        item.SetMetadata("Size", manifest.Bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        item.SetMetadata("Platform", platform.ToString());
        item.SetMetadata("Layout", layout ?? "");
        Manifest = item;

        int existing = record.Build.Steps.Count(s => s.Cached);
        Log.LogMessage(MessageImportance.Normal, "Wrote image {0} ({1}) with the OCI writer; {2} of {3} steps add nothing new",
            record.Build.ImageId, string.Join(", ", record.Build.References), existing, record.Build.Steps.Count);
        ImageId = record.Build.ImageId;
        PushedDigest = record.PushedDigest ?? "";
        ArchivePath = archive ?? "";
    }

    // LocalRegistry=Podman loads into Podman's service; Docker (the default) into the engine found as the docker CLI finds it.
    private IReadOnlyList<EngineEndpoint> LocalEngine()
    {
        var candidates = EngineLocator.Candidates(DockerHost, Environment.GetEnvironmentVariable);
        switch (LocalRegistry?.Trim().ToLowerInvariant())
        {
            case null or "" or "docker":
                return candidates;
            case "podman":
                var podman = candidates.Where(c => c.Source.Contains("Podman", StringComparison.Ordinal)).ToArray();
                string? containerHost = Environment.GetEnvironmentVariable("CONTAINER_HOST");
                return containerHost is { Length: > 0 } && Uri.TryCreate(containerHost, UriKind.Absolute, out var uri)
                    ? [new EngineEndpoint(uri, "CONTAINER_HOST"), .. podman]
                    : podman.Length > 0 ? podman : throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM3007,
                        "LocalRegistry is Podman, but no Podman service socket was found (CONTAINER_HOST, $XDG_RUNTIME_DIR/podman/podman.sock, /run/podman/podman.sock). " +
                        "Start it with `podman system service`, or set CONTAINER_HOST.");
            default:
                throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM1017,
                    $"LocalRegistry has the value '{LocalRegistry}', which is not valid: use Docker (the default) or Podman.");
        }
    }

    // The SDK names an archive in a folder after ContainerRepository, which holds no registry.
    private static string RepositoryWithoutRegistry(Context.ContextManifest manifest) =>
        manifest.Registry is { Length: > 0 } registry && manifest.Repository.StartsWith(registry + "/", StringComparison.Ordinal)
            ? manifest.Repository[(registry.Length + 1)..]
            : manifest.Repository;
}
