using Diamol.Build.Common;

namespace Diamol.Build.Engine;

/// <summary>
/// A read-through stream that reports every read, so an idle time-out restarts while a request body (the build
/// context, an image archive) is still flowing to the engine.
/// </summary>
internal sealed class ActivityStream(Stream inner, Action activity) : ReadThroughStream(inner)
{
    public override long Length => throw new NotSupportedException();

    protected override void Observe(ReadOnlySpan<byte> bytes) => activity();
}
