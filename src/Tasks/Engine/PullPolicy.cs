namespace Diamol.Build.Engine;

/// <summary>When the base image (and cache-from images) are pulled: DiamolPullPolicy.</summary>
internal enum PullPolicy
{
    /// <summary>Only when the engine does not have the image (the default, as `docker build`).</summary>
    Missing,
    /// <summary>Every publish, so a moved tag (a patched base image) is picked up.</summary>
    Always,
    /// <summary>Never: a missing image is an error (offline or air-gapped builds).</summary>
    Never,
}
