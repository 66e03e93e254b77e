using Diamol.Build.Diagnostics;
using Diamol.Build.Engine;
using Diamol.Build.Registry;

namespace Diamol.Build.Pipeline;

/// <summary>
/// What happens when a blob read for an archive, a load or a push turns out not to be its digest
/// (<see cref="BlobMismatchException"/>, found while the bytes were copied): the file is removed, fetched again (a
/// cached base layer) or written again (one of our layer blobs), and the whole step is tried once more. A blob that is
/// still wrong, or that cannot be restored, is DIAM3013 naming it: a damaged blob never goes out with exit 0.
/// </summary>
internal sealed class BlobRepair(Func<string, CancellationToken, Task<string?>> restore, IBuildLog log)
{
    private readonly HashSet<string> _restored = new(StringComparer.Ordinal);

    /// <param name="restore">
    /// Removes and restores the blob of a digest; says how ("fetched again from ..."), or null when it is none of this image's.
    /// </param>
    public async Task RunAsync(string what, Func<Task> step, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await step().ConfigureAwait(false);
                return;
            }
            catch (Exception e) when (Mismatch(e) is { } mismatch)
            {
                if (!_restored.Add(mismatch.Digest)) throw Failure(mismatch, what, "after it was removed and restored once");
                string how = await restore(mismatch.Digest, cancellationToken).ConfigureAwait(false)
                    ?? throw Failure(mismatch, what, "and it is not one this publish can restore");
                log.Step($"The blob {mismatch.Digest} at '{mismatch.Path}' did not match its digest (it held {mismatch.Actual}): " +
                    $"removed, {how}; {what} again");
            }
        }
    }

    /// <summary>The mismatch behind an exception, however it was wrapped on the way (an HTTP request, an engine load).</summary>
    public static BlobMismatchException? Mismatch(Exception? e)
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is BlobMismatchException mismatch) return mismatch;
            if (e is AggregateException { InnerExceptions.Count: > 0 } all
                && all.InnerExceptions.Select(Mismatch).FirstOrDefault(m => m is not null) is { } inner) return inner;
        }

        return null;
    }

    public static DiamolException Failure(BlobMismatchException mismatch, string what, string when) =>
        new(DiagnosticCode.DIAM3013,
            $"The blob {mismatch.Digest} at '{mismatch.Path}' does not match its digest (its bytes are {mismatch.Actual}) {when}, " +
            $"so {what} was stopped: " +
            "nothing was written, loaded or pushed with it. " +
            "Remove the file (or the whole DiamolCacheDirectory, or the output folder's .diamol/blobs/) and publish again; " +
            "if it happens again, the disk or the registry it came from is corrupting data.", mismatch);
}
