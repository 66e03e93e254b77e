using Diamol.Build.Diagnostics;
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
    /// <summary>Where image.json goes.</summary>
    [Required] public string OutputDirectory { get; set; } = "";

    [Output] public string Digest { get; private set; } = "";

    public void Cancel() => Cancellation.Cancel();

    protected override void Run()
    {
        if (string.IsNullOrWhiteSpace(ContainerRegistry))
        {
            throw new DiamolException(DiagnosticCode.DIAM1016,
                $"ContainerRuntimeIdentifiers has the value '{ContainerRuntimeIdentifiers}', a multi-platform image: Diamol.Build pushes its index to a registry " +
                "and needs ContainerRegistry for it (an archive or the local engine holds one platform). Set ContainerRegistry, or publish once per RID.");
        }

        var images = Manifests.Select(m => new PlatformManifest(
            Platform(m.GetMetadata("Platform")), m.ItemSpec, m.GetMetadata("MediaType"), long.Parse(m.GetMetadata("Size"), System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        string[] tags = ContainerImageTags.Select(t => t.ItemSpec).ToArray();
        Digest = ImageIndexStage.PushAsync(ContainerRegistry, ContainerRepository, tags, MediaTypes.ParseFormat(ContainerImageFormat), images,
            new TaskBuildLog(Log), Cancellation.Token).GetAwaiter().GetResult();

        var summary = new ImageSummary(Digest, $"{ContainerRegistry}/{ContainerRepository}", tags.Select(t => $"{ContainerRegistry}/{ContainerRepository}:{t}").ToArray(), Digest, true);
        Directory.CreateDirectory(OutputDirectory);
        Context.ContextStager.WriteIfChanged(Path.Combine(OutputDirectory, HistoryStage.ImageFileName),
            System.Text.Json.JsonSerializer.Serialize(summary, History.HistoryJsonWriter.Options) + "\n");
        Log.LogMessage(MessageImportance.High, "Pushed the multi-platform image {0}/{1} ({2}): {3}", ContainerRegistry, ContainerRepository, Digest,
            string.Join(", ", images.Select(i => i.Platform)));
    }

    private static ImagePlatform Platform(string text)
    {
        string[] parts = text.Split('/');
        return new ImagePlatform(parts[0], parts[1], parts.Length > 2 ? parts[2] : null);
    }
}
