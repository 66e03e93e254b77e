namespace Diamol.Build.Layers;

/// <summary>
/// The one rule for file modes in the image, shared by every builder: the staged context carries these modes, so
/// the engine's COPY (and `docker build` of the folder) gives the same files as a daemonless writer would.
/// The image runs as a non-root user (APP_UID) while COPY gives every file to root, so a file the publish left
/// readable only by its owner (a restrictive umask, a `chmod 600`) would make the app fail at start.
/// </summary>
internal static class ImageFileModes
{
    private const UnixFileMode ReadAll = UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
    private const UnixFileMode ExecuteAll = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
    private const UnixFileMode Permissions = ReadAll | ExecuteAll
        | UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>0644: readable by all, writable by the owner (root).</summary>
    public const UnixFileMode RegularFile = ReadAll | UnixFileMode.UserWrite;

    /// <summary>0755: executables, and every directory of a layer.</summary>
    public const UnixFileMode Executable = RegularFile | ExecuteAll;

    /// <summary>Directories are always 0755: a directory the image's user cannot enter is never intended.</summary>
    public const UnixFileMode Directory = Executable;

    /// <summary>The mode a published file has in the image.</summary>
    /// <param name="published">Its mode on disk; null where the file system has none (Windows).</param>
    public static UnixFileMode ForFile(UnixFileMode? published, FileModePolicy policy)
    {
        // Windows keeps no execute bit: the docker CLI sends 0755 there, so an apphost stays runnable.
        if (published is null) return Executable;
        return policy == FileModePolicy.Preserve
            ? published.Value & Permissions
            : (published.Value & ExecuteAll) != 0 ? Executable : RegularFile;
    }

    /// <summary>Reads DiamolFileModes: empty is Normalize.</summary>
    public static FileModePolicy ParsePolicy(string? value) =>
        string.IsNullOrWhiteSpace(value) ? FileModePolicy.Normalize
        : Enum.TryParse(value.Trim(), ignoreCase: true, out FileModePolicy policy) && Enum.IsDefined(policy) && !int.TryParse(value, out _) ? policy
        : throw new Diagnostics.DiamolException(Diagnostics.DiagnosticCode.DIAM1014,
            $"DiamolFileModes has the value '{value}', which is not valid: use Normalize (the default: files 0644, executables and directories 0755) " +
            "or Preserve (the published modes).");

    /// <summary>The mode of a file on disk, or null where the platform has none.</summary>
    public static UnixFileMode? OnDisk(string path) => OperatingSystem.IsWindows() ? null : File.GetUnixFileMode(path);
}
