using Diamol.Build.Common;
using Diamol.Build.Context;
using Diamol.Build.Diagnostics;
using Diamol.Build.Engine;
using Diamol.Build.Oci;

namespace Diamol.Build.Pipeline;

/// <summary>
/// One platform of a multi-platform archive: the image's blobs in a layout folder (linked where the file system
/// allows), which the index's archive gathers (<see cref="ImageIndexStage.WriteArchive"/>).
/// </summary>
internal sealed class LayoutDestination(string layout) : IImageDestination
{
    public async Task SendAsync(WrittenImage image, IBuildLog log, CancellationToken cancellationToken)
    {
        var layers = await image.LocalLayersAsync(log, cancellationToken).ConfigureAwait(false);
        try
        {
            string blobs = OciLayoutWriter.BlobFolderIn(layout);
            if (Directory.Exists(layout)) Directory.Delete(layout, recursive: true);
            Directory.CreateDirectory(blobs);
            File.WriteAllBytes(Path.Combine(blobs, ContentDigest.HexOf(image.Config.Digest)), image.Config.Bytes);
            File.WriteAllBytes(Path.Combine(blobs, ContentDigest.HexOf(image.ImageManifest.Digest)), image.ImageManifest.Bytes);
            foreach (var layer in layers)
            {
                string target = Path.Combine(blobs, ContentDigest.HexOf(layer.Descriptor.Digest));
                if (!File.Exists(target)) FileLinker.LinkOrCopy(layer.Path, target);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new DiamolException(DiagnosticCode.DIAM2006, $"The image's blobs could not be written to '{layout}': {e.Message} Check that the folder is writable and the disk has room.", e);
        }
    }
}
