using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Diamol.Build.Common;

namespace Diamol.Build.Context;

/// <summary>
/// The staged files that are copies (not hard links) of their published file, with the published file's stamp at
/// the copy and the copy's own stamp, in <c>.diamol/staged-copies.txt</c>. A copy shares neither inode nor ctime with
/// its source, so equal size and mtime cannot tell that the source was replaced since (<c>touch -r</c>,
/// <c>cp -p</c>): a copy is current only when both stamps are what this record says. Hard links need no record (the
/// staged entry is the published file itself). Empty, as it is when every file could be linked, it is not written.
/// </summary>
internal sealed class StagedCopies
{
    private const string Header = "# Diamol.Build staged copies 1: source-stamp copy-stamp layer/path";

    private readonly string _path;
    private readonly Dictionary<string, (FileStamp Source, FileStamp Copy)> _previous;
    private readonly ConcurrentDictionary<string, (FileStamp Source, FileStamp Copy)> _current = new(StringComparer.Ordinal);

    private StagedCopies(string path, Dictionary<string, (FileStamp Source, FileStamp Copy)> previous)
    {
        _path = path;
        _previous = previous;
    }

    public static StagedCopies Load(OutputFolder folder)
    {
        string path = folder.StagedCopies;
        var previous = new Dictionary<string, (FileStamp, FileStamp)>(StringComparer.Ordinal);
        try
        {
            if (File.Exists(path))
            {
                string[] lines = File.ReadAllLines(path);
                if (lines.Length > 0 && lines[0] == Header)
                {
                    foreach (string line in lines.Skip(1))
                    {
                        string[] parts = line.Split(' ', 11);
                        if (parts.Length == 11 && Parse(parts, 0) is { } source && Parse(parts, 5) is { } copy) previous[FileDigests.Unescape(parts[10])] = (source, copy);
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable: every copy is made again, which is only slower.
        }

        return new StagedCopies(path, previous);
    }

    /// <summary>Whether the staged copy is the one made from the source as it is now.</summary>
    public bool IsCurrent(string key, FileStamp source, FileStamp copy) =>
        _previous.TryGetValue(key, out var known) && Same(known.Source, source) && Same(known.Copy, copy);

    /// <summary>Keeps (or records) the copy for the next staging.</summary>
    public void Keep(string key, FileStamp source, FileStamp copy) => _current[key] = (source, copy);

    /// <summary>Writes the record when it changed; removes it when no file is a copy.</summary>
    public void Save()
    {
        bool unchanged = _current.Count == _previous.Count && _current.All(c => _previous.TryGetValue(c.Key, out var p) && p == c.Value);
        if (unchanged) return;
        if (_current.IsEmpty)
        {
            File.Delete(_path);
            return;
        }

        var text = new StringBuilder(Header).Append('\n');
        foreach (var (key, (source, copy)) in _current.OrderBy(c => c.Key, StringComparer.Ordinal))
        {
            Append(text, source).Append(' ');
            Append(text, copy).Append(' ').Append(FileDigests.Escape(key)).Append('\n');
        }

        AtomicFile.WriteIfChanged(_path, text.ToString());
    }

    // The mode is not compared: the copy's is set by us, and a chmod of the source changes its ctime anyway.
    private static bool Same(FileStamp a, FileStamp b) => a with { Mode = 0 } == b with { Mode = 0 };

    private static StringBuilder Append(StringBuilder text, FileStamp s) =>
        text.Append(string.Join(' ', new[] { s.Size, s.Ticks, s.ChangeTicks }.Select(v => v.ToString(CultureInfo.InvariantCulture))))
            .Append(' ').Append(s.Inode.ToString(CultureInfo.InvariantCulture)).Append(' ').Append(s.Device.ToString(CultureInfo.InvariantCulture));

    private static FileStamp? Parse(string[] parts, int at) =>
        long.TryParse(parts[at], NumberStyles.None, CultureInfo.InvariantCulture, out long size)
        && long.TryParse(parts[at + 1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long ticks)
        && long.TryParse(parts[at + 2], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long changed)
        && ulong.TryParse(parts[at + 3], NumberStyles.None, CultureInfo.InvariantCulture, out ulong inode)
        && ulong.TryParse(parts[at + 4], NumberStyles.None, CultureInfo.InvariantCulture, out ulong device)
            ? new FileStamp(size, ticks, changed, inode, device)
            : null;
}
