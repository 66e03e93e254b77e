namespace Diamol.Build.Layers;

/// <summary>How the modes of published files become the modes of files in the image (DiamolFileModes).</summary>
internal enum FileModePolicy
{
    /// <summary>
    /// The default: every file readable by every user (0644), files with any execute bit executable by every user
    /// (0755), nothing group- or world-writable; directories 0755. An image built under `umask 077` starts.
    /// </summary>
    Normalize,
    /// <summary>The published permission bits, as they are on disk (setuid, setgid and sticky bits dropped).</summary>
    Preserve,
}
