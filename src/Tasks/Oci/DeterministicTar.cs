using System.Globalization;
using System.Text;

namespace Diamol.Build.Oci;

/// <summary>
/// A tar writer with nothing left to chance: ustar headers (PAX records only for names or sizes ustar cannot hold),
/// uid/gid 0 (a writable folder's owner aside), no owner names, no access or change times. The BCL's TarWriter adds atime/ctime to PAX entries, which
/// would make every layer digest depend on the clock.
/// </summary>
internal sealed class DeterministicTar(Stream output)
{
    private const int Block = 512;
    private readonly byte[] _zeros = new byte[Block];

    /// <param name="uid">The owner: root, but for a folder the image's user may write (DiamolWritableDirectory).</param>
    public void AddDirectory(string name, UnixFileMode mode, DateTimeOffset mtime, int uid = 0, int gid = 0) =>
        WriteHeader(name.EndsWith('/') ? name : name + "/", mode, 0, mtime, (byte)'5', uid, gid);

    public void AddFile(string name, UnixFileMode mode, DateTimeOffset mtime, Stream content, long size)
    {
        WriteHeader(name, mode, size, mtime, (byte)'0');
        long copied = 0;
        byte[] buffer = new byte[81920];
        int read;
        while ((read = content.Read(buffer, 0, (int)Math.Min(buffer.Length, size - copied))) > 0)
        {
            output.Write(buffer, 0, read);
            copied += read;
            if (copied == size) break;
        }

        if (copied != size || content.ReadByte() != -1)
        {
            throw new IOException($"'{name}' changed size while it was written into a layer ({size} bytes expected). Publish again.");
        }

        Pad(size);
    }

    /// <summary>Two zero blocks end the archive.</summary>
    public void Finish()
    {
        output.Write(_zeros);
        output.Write(_zeros);
    }

    private void WriteHeader(string name, UnixFileMode mode, long size, DateTimeOffset mtime, byte type, int uid = 0, int gid = 0)
    {
        byte[] nameBytes = Encoding.UTF8.GetBytes(name);
        string ustarName = name, prefix = "";
        bool fits = nameBytes.Length <= 100 || TrySplit(name, out prefix, out ustarName);
        bool sizeFits = size < 8_589_934_592; // 11 octal digits
        if (!fits || !sizeFits)
        {
            var records = new StringBuilder();
            if (!fits) records.Append(PaxRecord("path", name));
            if (!sizeFits) records.Append(PaxRecord("size", size.ToString(CultureInfo.InvariantCulture)));
            byte[] pax = Encoding.UTF8.GetBytes(records.ToString());
            WriteRawHeader("PaxHeaders/" + Truncate(name, 80), "", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead, pax.Length, mtime, (byte)'x');
            output.Write(pax);
            Pad(pax.Length);
            if (!fits) (prefix, ustarName) = ("", Truncate(name, 100));
        }

        WriteRawHeader(ustarName, prefix, mode, sizeFits ? size : 0, mtime, type, uid, gid);
    }

    private void WriteRawHeader(string name, string prefix, UnixFileMode mode, long size, DateTimeOffset mtime, byte type, int uid = 0, int gid = 0)
    {
        byte[] header = new byte[Block];
        Put(header, 0, 100, Encoding.UTF8.GetBytes(name));
        Octal(header, 100, 8, (long)mode & 0xFFF);
        Octal(header, 108, 8, uid);
        Octal(header, 116, 8, gid);
        Octal(header, 124, 12, size);
        Octal(header, 136, 12, Math.Max(0, mtime.ToUnixTimeSeconds()));
        header[156] = type;
        Put(header, 257, 6, "ustar\0"u8.ToArray());
        Put(header, 263, 2, "00"u8.ToArray());
        Put(header, 345, 155, Encoding.UTF8.GetBytes(prefix));
        // The checksum is computed with its own field as spaces.
        for (int i = 148; i < 156; i++) header[i] = (byte)' ';
        long sum = 0;
        foreach (byte b in header) sum += b;
        Octal(header, 148, 7, sum);
        header[155] = (byte)' ';
        output.Write(header);
    }

    private static bool TrySplit(string name, out string prefix, out string rest)
    {
        prefix = rest = name;
        for (int i = name.Length - 1; i > 0; i--)
        {
            if (name[i] != '/') continue;
            string p = name[..i], r = name[(i + 1)..];
            if (Encoding.UTF8.GetByteCount(p) <= 155 && Encoding.UTF8.GetByteCount(r) <= 100 && r.Length > 0)
            {
                (prefix, rest) = (p, r);
                return true;
            }
        }

        return false;
    }

    private static string PaxRecord(string key, string value)
    {
        // "<length> <key>=<value>\n", where the length counts itself.
        int body = Encoding.UTF8.GetByteCount($" {key}={value}\n");
        int length = body + body.ToString(CultureInfo.InvariantCulture).Length;
        if (length.ToString(CultureInfo.InvariantCulture).Length != (length - body)) length++;
        return $"{length} {key}={value}\n";
    }

    private static string Truncate(string value, int bytes)
    {
        while (Encoding.UTF8.GetByteCount(value) > bytes) value = value[..^1];
        return value;
    }

    private static void Put(byte[] header, int offset, int length, byte[] value) =>
        Array.Copy(value, 0, header, offset, Math.Min(length, value.Length));

    private static void Octal(byte[] header, int offset, int length, long value)
    {
        string text = Convert.ToString(value, 8).PadLeft(length - 1, '0');
        Put(header, offset, length - 1, Encoding.ASCII.GetBytes(text));
        header[offset + length - 1] = 0;
    }

    private void Pad(long size)
    {
        int rest = (int)(size % Block);
        if (rest != 0) output.Write(_zeros, 0, Block - rest);
    }
}
