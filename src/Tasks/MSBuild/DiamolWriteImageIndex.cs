using Diamol.Build.Common;
using Diamol.Build.Pipeline;
using Microsoft.Build.Framework;

namespace Diamol.Build.MSBuild;

/// <summary>
/// Pushes (or archives) the image index of a multi-platform publish over the per-platform images the inner publishes
/// made: the task maps its parameters to <see cref="ImageIndexStage.PublishAsync"/> and logs.
/// </summary>
public sealed class DiamolWriteImageIndex : DiamolTask, ICancelableTask
{
    /// <summary>The per-platform manifests: the digest, with MediaType, Size and Platform metadata.</summary>
    public ITaskItem[] Manifests { get; set; } = [];
    public string? ContainerRegistry { get; set; }
    [Required] public string ContainerRepository { get; set; } = "";
    public ITaskItem[] ContainerImageTags { get; set; } = [];
    public string? ContainerImageFormat { get; set; }
    public string? ContainerRuntimeIdentifiers { get; set; }
    /// <summary>ContainerArchiveOutputPath: the index and every platform's image go to this tarball.</summary>
    public string? ArchivePath { get; set; }
    public string? ProjectDirectory { get; set; }

    /// <summary>DiamolIdleTimeout: seconds the index's push may go without any data.</summary>
    public string? IdleTimeout { get; set; }

    /// <summary>DiamolRegistryRetries: how many times a failing registry exchange is tried in all.</summary>
    public string? RegistryRetries { get; set; }
    /// <summary>Where image.json goes.</summary>
    [Required] public string OutputDirectory { get; set; } = "";

    [Output] public string Digest { get; private set; } = "";
    [Output] public string PushedDigest { get; private set; } = "";

    public void Cancel() => Cancellation.Cancel();

    protected override void Run()
    {
        var images = Manifests.Select(m => new PlatformManifest(
            ImagePlatform.Parse(m.GetMetadata("Platform")), m.ItemSpec, m.GetMetadata("MediaType"), long.Parse(m.GetMetadata("Size"), System.Globalization.CultureInfo.InvariantCulture),
            m.GetMetadata("Layout") is { Length: > 0 } layout ? layout : null)).ToArray();
        var request = new ImageIndexRequest(images, ContainerRegistry, ContainerRepository, ContainerImageTags.Select(t => t.ItemSpec).ToArray(), OutputDirectory,
            ContainerImageFormat, ContainerRuntimeIdentifiers, ArchivePath, ProjectDirectory, IdleTimeout, RegistryRetries);
        var index = ImageIndexStage.PublishAsync(request, RegistriesFor, new TaskBuildLog(Log, ProjectFile), Cancellation.Token).GetAwaiter().GetResult();
        Digest = index.Digest;
        // The index is what the tags name: its output folder claims them (its platforms' folders claim none).
        ClaimTags(OutputDirectory, index.FullTags);
        // The publish's one line at minimal verbosity (each platform's inner publish printed its own before it).
        Log.LogMessage(MessageImportance.High, "{0} -> {1} ({2}): multi-platform image of {3}, {4}", ProjectFileName ?? request.FullRepository, string.Join(", ", index.FullTags),
            Digest, string.Join(", ", images.Select(i => i.Platform)), index.Pushed ? "pushed" : "archived to " + ArchivePath);
        if (index.Pushed) PushedDigest = Digest;
    }
}
