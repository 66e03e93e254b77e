using Diamol.Build.Diagnostics;
using Diamol.Build.Registry;

namespace Diamol.Build.Pipeline;

/// <summary>
/// ContainerArchiveOutputPath's file, written whole or not at all: into a temporary file beside it (which a stopped
/// publish leaves for <see cref="PublishLeftovers"/>), renamed over the path when complete.
/// </summary>
public static class ImageArchiveFile
{
    /// <exception cref="BlobMismatchException">A blob was not its digest: nothing was written, the caller repairs or reports it.</exception>
    public static void Write(string path, Action<Stream> write)
    {
        string full = Path.GetFullPath(path);
        string temporary = PublishLeftovers.TemporaryOf(full);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(full)!);
            using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(output);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch (BlobMismatchException)
        {
            File.Delete(temporary);
            throw;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporary);
            throw new DiamolException(DiagnosticCode.DIAM2006,
                $"ContainerArchiveOutputPath has the value '{path}', where the image archive could not be written: {e.Message} Make the folder writable or choose another path.", e);
        }
    }
}
