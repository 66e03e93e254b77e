using System.Runtime.ExceptionServices;

namespace Diamol.Build.Common;

/// <summary>
/// Per-file work (a few stats, a link, a hash) over many files, in parallel: one file's wait on the disk does not
/// hold up the rest. Few files run in order, where threads would cost more than they save. A failure surfaces as the
/// exception itself (an IOException stays one, for the DIAM code its caller gives it), not as an AggregateException.
/// </summary>
internal static class ParallelFileWork
{
    public const int ParallelFrom = 256;

    public static void For(int count, Action<int> work)
    {
        if (count < ParallelFrom)
        {
            for (int i = 0; i < count; i++) work(i);
            return;
        }

        try
        {
            Parallel.For(0, count, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount) }, work);
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }
}
