using Diamol.Build.Common;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Context;

/// <summary>
/// One publish at a time per output folder: two publishes of one project (two terminals, an IDE and a CLI, a CI
/// matrix on one agent) would otherwise stage, build and record into the same folder at once and leave records
/// that describe neither image. The lock is an OS file lock (released when the process ends, however it ends) on
/// <c>.diamol/lock</c> in the output folder itself: whoever may publish into the folder may take it, so users of one
/// machine never share a lock folder (a shared one in the temp folder, made by the first user with their umask, locked
/// every other user out), and two users publishing one folder still wait for each other.
/// </summary>
internal sealed class OutputFolderLock : IDisposable
{
    private readonly FileStream _stream;

    private OutputFolderLock(FileStream stream) => _stream = stream;

    /// <summary>
    /// Waits for the folder's lock, reporting once who holds it; gives up after <paramref name="wait"/> with DIAM2009.
    /// Creates the output folder and its <c>.diamol/</c>: callers refuse a folder that is not ours before this.
    /// </summary>
    public static OutputFolderLock Acquire(string outputDirectory, TimeSpan wait, Action<string> waiting, CancellationToken cancellationToken)
    {
        string folder = Path.GetFullPath(outputDirectory);
        var output = new OutputFolder(folder);
        string path = output.Lock;
        WritableFolder.Create(output.Records, "the output folder's records and lock",
            "make DiamolOutputPath writable by this user, or set DiamolOutputPath to a folder this user can write (the default is $(OutputPath)container/)");
        var deadline = DateTime.UtcNow + wait;
        bool told = false;
        while (true)
        {
            FileStream stream;
            try
            {
                // FileShare.None takes an exclusive OS lock (flock on Linux and macOS): a second opener fails at once.
                stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (UnauthorizedAccessException e)
            {
                throw WritableFolder.NotWritable(path, "the output folder's lock",
                    "make it and its folder writable by this user (another user published into this folder before), or set DiamolOutputPath to a folder of this user's", e);
            }
            catch (IOException e) when (FileErrors.IsDiskFull(e))
            {
                // Not another publish: waiting would end in a false DIAM2009 half an hour later.
                throw new DiamolException(DiagnosticCode.DIAM2008,
                    $"'{path}' could not be written: the disk is full. Nothing was written. Free some space (or set DiamolOutputPath to another folder), then publish again.", e);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                if (!told)
                {
                    waiting($"Another publish is using {folder} (process {Holder(output.LockOwner)}): waiting for it to finish");
                    told = true;
                }

                cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(250));
                cancellationToken.ThrowIfCancellationRequested();
                continue;
            }
            catch (IOException)
            {
                throw new DiamolException(DiagnosticCode.DIAM2009,
                    $"Another publish (process {Holder(output.LockOwner)}) has been using the output folder {folder} for more than " +
                    (wait >= TimeSpan.FromMinutes(1) ? $"{wait.TotalMinutes:0} minutes. " : $"{wait.TotalSeconds:0.#} seconds. ") +
                    "Wait for it to finish or stop it, then publish again; or give this publish its own DiamolOutputPath.");
            }

            try
            {
                // The holder's id goes beside the lock: on Linux even a reader of the locked file would need the lock.
                File.WriteAllText(output.LockOwner, $"{Environment.ProcessId} {folder}\n");
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Only the waiting message of a second publish reads it ("process unknown"): the lock is held all the same.
            }

            return new OutputFolderLock(stream);
        }
    }

    // The holder wrote its process id beside the lock; a holder that has only just taken it may not have yet.
    private static string Holder(string ownerPath)
    {
        try
        {
            return File.ReadAllText(ownerPath).Split(' ')[0];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "unknown";
        }
    }

    public void Dispose() => _stream.Dispose();
}
