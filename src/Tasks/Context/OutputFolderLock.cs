using System.Security.Cryptography;
using System.Text;
using Diamol.Build.Diagnostics;

namespace Diamol.Build.Context;

/// <summary>
/// One publish at a time per output folder: two publishes of one project (two terminals, an IDE and a CLI, a CI
/// matrix on one agent) would otherwise stage, build and record into the same folder at once and leave records
/// that describe neither image. The lock is an OS file lock (released when the process ends, however it ends) on a
/// file in the temp folder named after the output folder, so nothing is written into the project.
/// </summary>
public sealed class OutputFolderLock : IDisposable
{
    private readonly FileStream _stream;

    private OutputFolderLock(FileStream stream) => _stream = stream;

    /// <summary>Waits for the folder's lock, reporting once who holds it; gives up after <paramref name="wait"/> with DIAM2009.</summary>
    public static OutputFolderLock Acquire(string outputDirectory, TimeSpan wait, Action<string> waiting, CancellationToken cancellationToken)
    {
        string folder = Path.GetFullPath(outputDirectory);
        string name = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(folder)))[..24].ToLowerInvariant();
        string directory = Path.Combine(Path.GetTempPath(), "diamol-locks");
        Directory.CreateDirectory(directory);
        string path = Path.Combine(directory, name + ".lock");
        var deadline = DateTime.UtcNow + wait;
        bool told = false;
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive OS lock (flock on Linux and macOS): a second opener fails at once.
                var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
                // The holder's id goes beside the lock: on Linux even a reader of the locked file would need the lock.
                File.WriteAllText(path + ".owner", $"{Environment.ProcessId} {folder}\n");
                return new OutputFolderLock(stream);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                if (!told)
                {
                    waiting($"Another publish is using {folder} (process {Holder(path)}): waiting for it to finish");
                    told = true;
                }

                cancellationToken.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(250));
                cancellationToken.ThrowIfCancellationRequested();
            }
            catch (IOException)
            {
                throw new DiamolException(DiagnosticCode.DIAM2009,
                    $"Another publish (process {Holder(path)}) has been using the output folder {folder} for more than " +
                    (wait >= TimeSpan.FromMinutes(1) ? $"{wait.TotalMinutes:0} minutes. " : $"{wait.TotalSeconds:0.#} seconds. ") +
                    "Wait for it to finish or stop it, then publish again; or give this publish its own DiamolOutputPath.");
            }
        }
    }

    // The holder wrote its process id beside the lock; a holder that has only just taken it may not have yet.
    private static string Holder(string path)
    {
        try
        {
            return File.ReadAllText(path + ".owner").Split(' ')[0];
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    public void Dispose() => _stream.Dispose();
}
