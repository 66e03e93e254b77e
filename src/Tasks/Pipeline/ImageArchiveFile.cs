using Diamol.Build.Diagnostics;

namespace Diamol.Build.Pipeline;

/// <summary>
/// ContainerArchiveOutputPath's file, written whole or not at all: into a temporary file beside it (which a stopped
/// publish leaves for <see cref="PublishLeftovers"/>), renamed over the path when complete.
/// </summary>
internal static class ImageArchiveFile
{
    /// <exception cref="Registry.BlobMismatchException">A blob was not its digest: nothing was written, the caller repairs or reports it.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        // A damaged blob (BlobMismatchException, an IOException) passes on as it is: the caller repairs or reports it.
        Common.AtomicFile.Write(full, PublishLeftovers.TemporaryOf(full), write, e => e is Registry.BlobMismatchException ? null : new DiamolException(DiagnosticCode.DIAM2006,
            $"ContainerArchiveOutputPath has the value '{path}', where the image archive could not be written: {e.Message} Make the folder writable or choose another path.", e));
    }
}
