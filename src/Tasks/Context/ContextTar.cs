using System.Formats.Tar;
using System.IO.Pipelines;

namespace Diamol.Build.Context;

/// <summary>
/// Streams a staged context folder as a tar archive, file by file from disk, so a large publish output is
/// never held in memory. Entries are written in ordinal order for a repeatable archive.
/// </summary>
public static class ContextTar
{
    /// <summary>
    /// Starts writing the archive into a pipe and returns the pipe's reading end; the writer runs until the
    /// reader has taken everything or the token is cancelled. Awaiting <paramref name="completion"/> surfaces write errors.
    /// </summary>
    public static Stream Open(string contextDirectory, CancellationToken cancellationToken, out Task completion)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 * 1024 * 1024, resumeWriterThreshold: 2 * 1024 * 1024));
        completion = Task.Run(async () =>
        {
            Exception? failure = null;
            try
            {
                await using var output = pipe.Writer.AsStream();
                await WriteAsync(contextDirectory, output, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                failure = e;
                throw;
            }
            finally
            {
                await pipe.Writer.CompleteAsync(failure).ConfigureAwait(false);
            }
        }, cancellationToken);
        return pipe.Reader.AsStream();
    }

    public static async Task WriteAsync(string contextDirectory, Stream output, CancellationToken cancellationToken)
    {
        string root = Path.GetFullPath(contextDirectory);
        await using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        foreach (string path in Entries(root))
        {
            cancellationToken.ThrowIfCancellationRequested();
            string name = Path.GetRelativePath(root, path).Replace('\\', '/');
            await writer.WriteEntryAsync(path, name, cancellationToken).ConfigureAwait(false);
        }
    }

    // The Dockerfile and the layer folders; the artifacts written beside them stay out.
    private static IEnumerable<string> Entries(string root)
    {
        yield return Path.Combine(root, ContextStager.DockerfileName);
        string layers = Path.Combine(root, ContextStager.LayersFolder);
        if (!Directory.Exists(layers)) yield break;
        foreach (string entry in Directory.EnumerateFileSystemEntries(layers, "*", SearchOption.AllDirectories)
                     .Order(StringComparer.Ordinal))
        {
            yield return entry;
        }
    }
}
