namespace Diamol.Build.Engine;

/// <summary>
/// Where a stage gets its engine. The tasks of one publish share one connection (see
/// <see cref="SharedEngineConnection"/>): the builder choice, the base image's inspection and the build ask the same
/// engine once, instead of each connecting and negotiating again. Tests give a fake.
/// </summary>
internal interface IEngineSource
{
    /// <summary>The connected engine; DIAM3001 when none answers (every later ask fails the same way, without waiting again).</summary>
    Task<IContainerEngine> ConnectAsync(CancellationToken cancellationToken);
}
