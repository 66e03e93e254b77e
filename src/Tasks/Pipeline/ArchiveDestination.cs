using Diamol.Build.Engine;
using Diamol.Build.Oci;

namespace Diamol.Build.Pipeline;

/// <summary>ContainerArchiveOutputPath: the image as one tarball that both `docker load` and `podman load` accept.</summary>
internal sealed class ArchiveDestination(string path) : IImageDestination
{
    public async Task SendAsync(WrittenImage image, IBuildLog log, CancellationToken cancellationToken)
    {
        var layers = await image.LocalLayersAsync(log, cancellationToken).ConfigureAwait(false);
        await image.Repair.RunAsync($"writing {path}", () =>
        {
            ImageArchiveFile.Write(path, output =>
                ImageArchiveWriter.Write(output, image.Config.Bytes, image.Config.Digest, image.ImageManifest, layers, image.FullTags));
            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        log.Step($"Wrote {path}");
    }
}
