using System.IO.Compression;
using System.Text;
using Diamol.Build.Common;
using Diamol.Build.Context;
using Diamol.Build.Layers;

namespace Diamol.Build.Oci;

/// <summary>
/// Writes one layer of the plan as a reproducible gzipped tar: entries sorted, the working directory and every parent
/// folder present (0755), files with the plan's modes, uid/gid 0, every time the one reproducible time. Each layer
/// depends on its own files only, so a change in one layer changes that layer's blob and no other.
/// </summary>
internal static class LayerBlobWriter
{
    /// <summary>
    /// What decides a layer's bytes, from file metadata alone (path, size, mtime, and as git's index has them ctime,
    /// inode and device; mode, and the time stamp used), so an unchanged layer is recognised without reading its
    /// files, and a file replaced by one of the same size and mtime is not taken for the old one.
    /// </summary>
    public static string KeyOf(Layer layer, string workingDirectory, DateTimeOffset time)
    {
        var text = new StringBuilder().Append(workingDirectory).Append('\n').Append(time.ToUnixTimeSeconds()).Append('\n');
        foreach (var file in layer.Files)
        {
            var stamp = FileStamp.Of(file.SourcePath) ?? default;
            text.Append(file.RelativePath).Append('\0').Append(stamp.Size).Append('\0').Append(stamp.Ticks).Append('\0').Append(stamp.ChangeTicks)
                .Append('\0').Append(stamp.Inode).Append('\0').Append(stamp.Device).Append('\0').Append((int)file.Mode).Append('\n');
        }

        foreach (var directory in layer.Directories)
        {
            text.Append("dir\0").Append(directory.RelativePath).Append('\0').Append((int)directory.Mode).Append('\0').Append(directory.Uid).Append(':').Append(directory.Gid).Append('\n');
        }

        return ContentDigest.HashOfText(text.ToString());
    }

    /// <summary>Writes the blob into <paramref name="blobDirectory"/> (named by its digest) and returns it.</summary>
    public static LayerBlob Write(Layer layer, string workingDirectory, DateTimeOffset time, string blobDirectory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(blobDirectory);
        string key = KeyOf(layer, workingDirectory, time);
        string temporary = Path.Combine(blobDirectory, $".{layer.Name}.{Guid.NewGuid():N}.tmp");
        try
        {
            string digest, diffId;
            long size, uncompressed;
            using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                var compressed = new HashingStream(file);
                var gzip = new DeterministicGzipStream(compressed, CompressionLevel.Optimal);
                var tarBytes = new HashingStream(gzip);
                WriteTar(new DeterministicTar(tarBytes), layer, workingDirectory, time, cancellationToken);
                gzip.Finish();
                (diffId, uncompressed) = (tarBytes.Digest(), tarBytes.Written);
                (digest, size) = (compressed.Digest(), compressed.Written);
            }

            string path = Path.Combine(blobDirectory, ContentDigest.HexOf(digest));
            File.Move(temporary, path, overwrite: true);
            return new LayerBlob(layer.Name, digest, size, diffId, uncompressed, path, key);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static void WriteTar(DeterministicTar tar, Layer layer, string workingDirectory, DateTimeOffset time, CancellationToken cancellationToken)
    {
        string root = workingDirectory.Trim('/');
        var directories = new SortedSet<string>(StringComparer.Ordinal);
        // The working directory and its parents, so the layer stands alone on any base image.
        string[] rootParts = root.Length == 0 ? [] : root.Split('/');
        for (int i = 1; i <= rootParts.Length; i++) directories.Add(string.Join('/', rootParts.Take(i)));
        foreach (var file in layer.Files)
        {
            string[] parts = file.RelativePath.Split('/');
            for (int i = 1; i < parts.Length; i++) directories.Add(Join(root, string.Join('/', parts.Take(i))));
        }

        // A writable layer's own folders, with the owner and mode the engine's COPY --chown gives them.
        var owned = layer.Directories.ToDictionary(d => Join(root, d.RelativePath), StringComparer.Ordinal);
        foreach (string folder in owned.Keys) directories.Add(folder);

        // One sorted sequence of names: a folder's entry precedes its contents because "a/" sorts before "a/x".
        var entries = directories.Select(d => (Name: d + "/", File: (LayerFile?)null))
            .Concat(layer.Files.Select(f => (Name: Join(root, f.RelativePath), File: (LayerFile?)f)))
            .OrderBy(e => e.Name, StringComparer.Ordinal);
        foreach (var (name, file) in entries)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (file is null)
            {
                if (owned.TryGetValue(name.TrimEnd('/'), out var writable)) tar.AddDirectory(name, writable.Mode, time, writable.Uid, writable.Gid);
                else tar.AddDirectory(name, ImageFileModes.Directory, time);
                continue;
            }

            using var content = new FileStream(file.SourcePath, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            tar.AddFile(name, file.Mode, time, content, content.Length);
        }

        tar.Finish();
    }

    private static string Join(string root, string relative) => root.Length == 0 ? relative : root + "/" + relative;
}
