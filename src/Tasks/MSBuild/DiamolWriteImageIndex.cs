using Diamol.Build.Oci;
using Diamol.Build.Pipeline;
using Microsoft.Build.Framework;

namespace Diamol.Build.MSBuild;

/// <summary>Pushes the image index of a multi-platform publish over the per-platform images the inner publishes pushed.</summary>
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
            Platform(m.GetMetadata("Platform")), m.ItemSpec, m.GetMetadata("MediaType"), long.Parse(m.GetMetadata("Size"), System.Globalization.CultureInfo.InvariantCulture),
            m.GetMetadata("Layout") is { Length: > 0 } layout ? layout : null)).ToArray();
        string[] tags = ContainerImageTags.Select(t => t.ItemSpec).ToArray();
        var format = MediaTypes.ParseFormat(ContainerImageFormat);
        string repository = string.IsNullOrWhiteSpace(ContainerRegistry) ? ContainerRepository : $"{ContainerRegistry}/{ContainerRepository}";
        string[] fullTags = tags.Select(t => $"{repository}:{t}").ToArray();
        bool pushed = !string.IsNullOrWhiteSpace(ContainerRegistry);
        if (pushed)
        {
            using var registries = RegistriesFor(BuildOptions.ParseIdleTimeout(IdleTimeout), Registry.RetryPolicy.Parse(RegistryRetries));
            Digest = ImageIndexStage.PushAsync(ContainerRegistry!, ContainerRepository, tags, format, images, registries, new TaskBuildLog(Log, ProjectFile), Cancellation.Token)
                .GetAwaiter().GetResult();
        }
        else if (ArchivePath is { Length: > 0 } archive && images.All(i => i.Layout is not null))
        {
            archive = ImageArchiveWriter.ResolvePath(archive, ProjectDirectory ?? Environment.CurrentDirectory, ContainerRepository);
            Digest = ImageIndexStage.WriteArchive(archive, fullTags, format, images);
            Log.LogMessage(MessageImportance.Normal, "Wrote the multi-platform image {0} to {1}", string.Join(", ", fullTags), archive);
        }
        else
        {
            // Neither a registry nor an archive is refused with DIAM1016 by _DiamolPublishIndex, before any platform
            // is published; an archive's platforms each write their layout.
            throw new InvalidOperationException("A multi-platform image without a registry, or with a platform that wrote no OCI layout, reached the index.");
        }

        var summary = new ImageSummary(Digest, repository, fullTags, pushed ? Digest : null, pushed);
        Directory.CreateDirectory(OutputDirectory);
        Context.ContextStager.WriteIfChanged(Path.Combine(OutputDirectory, HistoryStage.ImageFileName),
            System.Text.Json.JsonSerializer.Serialize(summary, History.HistoryJsonWriter.Options) + "\n");
        // The index is what the tags name: its output folder claims them (its platforms' folders claim none).
        ClaimTags(OutputDirectory, fullTags);
        // The publish's one line at minimal verbosity (each platform's inner publish printed its own before it).
        Log.LogMessage(MessageImportance.High, "{0} -> {1} ({2}): multi-platform image of {3}, {4}", ProjectFileName ?? repository, string.Join(", ", fullTags), Digest,
            string.Join(", ", images.Select(i => i.Platform)), pushed ? "pushed" : "archived to " + ArchivePath);
        if (pushed) PushedDigest = Digest;
    }

    private static ImagePlatform Platform(string text)
    {
        string[] parts = text.Split('/');
        return new ImagePlatform(parts[0], parts[1], parts.Length > 2 ? parts[2] : null);
    }
}
