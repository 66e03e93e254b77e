using Diamol.Build.Common;
using Diamol.Build.Context;
using Diamol.Build.Engine;
using Diamol.Build.Oci;
using Diamol.Build.Registry;

namespace Diamol.Build.Pipeline;

/// <summary>
/// The OCI writer's settings as the SDK's properties give them (DiamolWriteImage's parameters), read once into its
/// options: where the image goes follows from ContainerRegistry (push), ContainerArchiveOutputPath (a tarball), else
/// the local engine that LocalRegistry names (load).
/// </summary>
/// <param name="ProjectDirectory">The project folder, so a relative archive path means the same as for the SDK.</param>
/// <param name="IndexPart">One platform of a multi-platform image: pushed by digest only, the index gets the tags.</param>
/// <param name="IdleTimeout">DiamolIdleTimeout: seconds a registry or engine exchange may go without any data.</param>
/// <param name="RegistryRetries">DiamolRegistryRetries: how many times a failing registry exchange is tried in all.</param>
internal sealed record OciWriteRequest(
    string? RuntimeIdentifier = null,
    string? ImageFormat = null,
    string? ArchiveOutputPath = null,
    string? LocalRegistry = null,
    string? ContainerRegistry = null,
    string? CacheDirectory = null,
    string? DockerHost = null,
    string? ProjectDirectory = null,
    bool IndexPart = false,
    string? IdleTimeout = null,
    string? RegistryRetries = null)
{
    /// <summary>The image's platform: the RID's, linux-x64 when none is given.</summary>
    public ImagePlatform Platform => ImagePlatform.FromRuntimeIdentifier(string.IsNullOrWhiteSpace(RuntimeIdentifier) ? "linux-x64" : RuntimeIdentifier);

    /// <param name="state">The staged context: its manifest names the archive, its folder holds the layout.</param>
    /// <param name="engineFor">The build's shared connection to the first engine of the candidates that answers.</param>
    /// <param name="environment">The process's environment (SOURCE_DATE_EPOCH, CONTAINER_HOST, DOCKER_HOST ...).</param>
    public OciOptions Options(OutputFolderState state, Func<IReadOnlyList<EngineEndpoint>, IEngineSource> engineFor, Func<string, string?> environment)
    {
        var platform = Platform;
        string? archive = string.IsNullOrWhiteSpace(ArchiveOutputPath) ? null
            : ImageArchiveWriter.ResolvePath(ArchiveOutputPath, ProjectDirectory ?? Environment.CurrentDirectory, RepositoryWithoutRegistry(state.Manifest));
        bool toEngine = string.IsNullOrWhiteSpace(ContainerRegistry) && archive is null;
        // One platform of a multi-platform archive: its blobs go to a layout folder, the index's archive gathers them.
        string? layout = IndexPart && archive is not null ? state.Folder.Layout : null;
        if (layout is not null) archive = null;
        return new OciOptions(
            platform,
            MediaTypes.ParseFormat(ImageFormat),
            ReproducibleTime.From(environment(ReproducibleTime.Variable)),
            new BlobCache(string.IsNullOrWhiteSpace(CacheDirectory) ? BlobCache.DefaultDirectory() : Path.GetFullPath(CacheDirectory)),
            archive,
            toEngine && !IndexPart ? engineFor(LocalEngineChoice.Endpoints(LocalRegistry, DockerHost, environment)) : null,
            TagInRegistry: !IndexPart,
            LayoutDirectory: layout,
            IdleLimit: BuildOptions.ParseIdleTimeout(IdleTimeout));
    }

    // The SDK names an archive in a folder after ContainerRepository, which holds no registry.
    private static string RepositoryWithoutRegistry(ContextManifest manifest) =>
        manifest.Registry is { Length: > 0 } registry && manifest.Repository.StartsWith(registry + "/", StringComparison.Ordinal)
            ? manifest.Repository[(registry.Length + 1)..]
            : manifest.Repository;
}
