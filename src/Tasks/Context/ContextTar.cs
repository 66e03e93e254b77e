using System.Formats.Tar;
using System.IO.Pipelines;

namespace Diamol.Build.Context;

/// <summary>
/// Streams a staged context folder as a tar archive, file by file from disk, so a large publish output is
/// never held in memory. Entries are written in ordinal order for a repeatable archive.
/// </summary>
internal static partial class ContextTar
{
    /// <summary>
    /// Starts writing the archive into a pipe and returns the pipe's reading end; the writer runs until the
    /// reader has taken everything or the token is cancelled. Awaiting <paramref name="completion"/> surfaces write errors.
    /// With a <paramref name="selection"/>, only its folders are sent, with its Dockerfile.
    /// </summary>
    public static Stream Open(string contextDirectory, CancellationToken cancellationToken, out Task completion, ContextSelection? selection = null)
    {
        var pipe = new Pipe(new PipeOptions(pauseWriterThreshold: 4 * 1024 * 1024, resumeWriterThreshold: 2 * 1024 * 1024));
        completion = Task.Run(async () =>
        {
            // The pipe is completed by hand, never by disposing the stream: disposing would end the archive
            // normally, and the engine would build (and tag) a half-sent context. Completing with the exception
            // makes the reading side fail, so the request fails with it.
            var output = pipe.Writer.AsStream(leaveOpen: true);
            try
            {
                await WriteAsync(contextDirectory, output, cancellationToken, selection).ConfigureAwait(false);
                await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                await pipe.Writer.CompleteAsync(e).ConfigureAwait(false);
                throw;
            }

            await pipe.Writer.CompleteAsync().ConfigureAwait(false);
        }, CancellationToken.None);
        return pipe.Reader.AsStream();
    }

    public static async Task WriteAsync(string contextDirectory, Stream output, CancellationToken cancellationToken, ContextSelection? selection = null)
    {
        string root = Path.GetFullPath(contextDirectory);
        await using var writer = new TarWriter(output, TarEntryFormat.Pax, leaveOpen: true);
        foreach (string path in Entries(new OutputFolder(root), selection))
        {
            cancellationToken.ThrowIfCancellationRequested();
            string name = Layers.ImagePath.FromFileSystem(Path.GetRelativePath(root, path));
            if (selection is not null && name == OutputFolder.DockerfileName)
            {
                var dockerfile = new PaxTarEntry(TarEntryType.RegularFile, name)
                {
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(selection.Dockerfile)),
                };
                await writer.WriteEntryAsync(dockerfile, cancellationToken).ConfigureAwait(false);
                continue;
            }

            bool directory = Directory.Exists(path);
            FileSystemInfo info = directory ? new DirectoryInfo(path) : new FileInfo(path);
            // The header fields the docker CLI writes (permissions without file-type bits, owner ids without
            // names): the legacy builder's COPY cache key is a checksum of them, so this context and the same
            // folder sent by `docker build` share cache entries and produce the same layers.
            var entry = new PaxTarEntry(directory ? TarEntryType.Directory : TarEntryType.RegularFile, directory ? name + "/" : name)
            {
                Mode = OperatingSystem.IsWindows() ? (directory ? DefaultDirectoryMode : DefaultFileMode) : info.UnixFileMode,
                Uid = CurrentUser.Uid,
                Gid = CurrentUser.Gid,
                ModificationTime = new DateTimeOffset(info.LastWriteTimeUtc.AddTicks(-(info.LastWriteTimeUtc.Ticks % TimeSpan.TicksPerSecond))),
            };
            if (directory)
            {
                await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
                continue;
            }

            await using var content = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 81920, useAsync: true);
            entry.DataStream = content;
            await writer.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
        }
    }

    // Windows has no execute bit to read; the docker CLI sends 0755 there, so an apphost stays runnable.
    private const UnixFileMode DefaultDirectoryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;
    private const UnixFileMode DefaultFileMode = DefaultDirectoryMode;

    // The Dockerfile and the layer folders (or the selected ones); the artifacts written beside them stay out.
    private static IEnumerable<string> Entries(OutputFolder folder, ContextSelection? selection)
    {
        string root = folder.Root;
        yield return folder.Dockerfile;
        string layers = folder.Layers;
        if (!Directory.Exists(layers)) yield break;
        yield return layers;
        var folders = selection?.Folders.Select(f => Path.Combine(root, f)).Where(Directory.Exists).ToArray() ?? [layers];
        var entries = folders.SelectMany(folder => Directory.EnumerateFileSystemEntries(folder, "*", SearchOption.AllDirectories));
        if (selection is not null) entries = entries.Concat(folders);
        foreach (string entry in entries.Order(StringComparer.Ordinal))
        {
            yield return entry;
        }
    }

    // The staged files were published or linked by this process's user, so they are owned by it. COPY gives every
    // file to root anyway; the ids only need to match what `docker build` would send, for the cache.
    private static partial class CurrentUser
    {
        public static readonly int Uid = OperatingSystem.IsWindows() ? 0 : (int)geteuid();
        public static readonly int Gid = OperatingSystem.IsWindows() ? 0 : (int)getegid();

        [System.Runtime.InteropServices.LibraryImport("libc")]
        private static partial uint geteuid();

        [System.Runtime.InteropServices.LibraryImport("libc")]
        private static partial uint getegid();
    }
}
