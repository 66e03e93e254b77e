using Diamol.Build.Pipeline;
using Microsoft.Build.Framework;

namespace Diamol.Build.MSBuild;

/// <summary>
/// Writes the image without an engine (the OCI builder) from the staged plan, and sends it where the SDK's settings
/// say: ContainerRegistry (push), ContainerArchiveOutputPath (a tarball), else the local engine (load). The decisions
/// are the core's (<see cref="OciWriteRequest"/>, <see cref="OciBuildStage.WriteAsync"/>); the task maps and logs.
/// </summary>
public sealed class DiamolWriteImage : DiamolImageTask
{
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
    /// <summary>The project folder, so a relative archive path means the same as for the SDK.</summary>
    public string? ProjectDirectory { get; set; }

    /// <summary>True in the per-platform builds of a multi-platform image: push by digest only, the index gets the tags.</summary>
    public bool IndexPart { get; set; }

    /// <summary>DiamolRegistryRetries: how many times a failing registry exchange is tried in all.</summary>
    public string? RegistryRetries { get; set; }

    /// <summary>The image's manifest, for an index: digest, media type, size and platform as metadata.</summary>
    [Output] public ITaskItem? Manifest { get; private set; }
    [Output] public string ArchivePath { get; private set; } = "";

    private protected override BuildRecord MakeImage(Context.OutputFolderState state, StageTimings timings)
    {
        var request = new OciWriteRequest(ContainerRuntimeIdentifier, ContainerImageFormat, ContainerArchiveOutputPath, LocalRegistry, ContainerRegistry,
            CacheDirectory, DockerHost, ProjectDirectory, IndexPart, IdleTimeout, RegistryRetries);
        var written = OciBuildStage.WriteAsync(request, state, EngineFor, RegistriesFor, new TaskBuildLog(Log, ProjectFile), timings, Cancellation.Token)
            .GetAwaiter().GetResult();
        var record = written.Record;
        var item = new Microsoft.Build.Utilities.TaskItem(written.Manifest.Digest);
        item.SetMetadata("MediaType", written.Manifest.MediaType);
        item.SetMetadata("Size", written.Manifest.Bytes.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        item.SetMetadata("Platform", written.Platform.ToString());
        item.SetMetadata("Layout", written.LayoutDirectory ?? "");
        Manifest = item;

        int existing = record.Build.Steps.Count(s => s.Cached);
        Log.LogMessage(MessageImportance.Normal, "Wrote image {0} ({1}) with the OCI writer; {2} of {3} steps add nothing new",
            record.Build.ImageId, string.Join(", ", record.Build.References), existing, record.Build.Steps.Count);
        ArchivePath = written.ArchivePath ?? "";
        return record;
    }
}
