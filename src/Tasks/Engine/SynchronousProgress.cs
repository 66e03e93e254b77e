namespace Diamol.Build.Engine;

/// <summary>Reports on the calling thread, in order: Progress&lt;T&gt; would post to the thread pool and could reorder lines.</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
