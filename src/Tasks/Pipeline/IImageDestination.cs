using Diamol.Build.Engine;

namespace Diamol.Build.Pipeline;

/// <summary>
/// Where the OCI writer sends the image it made: the registry (ContainerRegistry), an archive
/// (ContainerArchiveOutputPath), one platform's layout folder, or the local engine (Docker or Podman).
/// </summary>
internal interface IImageDestination
{
    /// <summary>Sends the image, adding to <see cref="WrittenImage.Present"/> the blobs the destination had already.</summary>
    Task SendAsync(WrittenImage image, IBuildLog log, CancellationToken cancellationToken);
}
