using System.IO.Compression;
using Diamol.Build.Common;

namespace Diamol.Build.Oci;

/// <summary>
/// gzip with a fixed header (no name, no time, OS "unknown"), so compressed layers depend on their content alone,
/// whatever platform wrote them; the BCL's GZipStream takes the OS byte from the platform.
/// </summary>
internal sealed class DeterministicGzipStream : WriteOnlyStream
{
    private static readonly byte[] Header = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];
    private readonly Stream _output;
    private readonly DeflateStream _deflate;
    private uint _crc = 0xFFFFFFFF;
    private bool _finished;

    public DeterministicGzipStream(Stream output, CompressionLevel level)
    {
        _output = output;
        _output.Write(Header);
        _deflate = new DeflateStream(output, level, leaveOpen: true);
    }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        _crc = Crc32.Update(_crc, buffer);
        Written += buffer.Length;
        _deflate.Write(buffer);
    }

    /// <summary>Ends the deflate stream and writes the CRC-32 and length trailer.</summary>
    public void Finish()
    {
        if (_finished) return;
        _finished = true;
        _deflate.Dispose();
        Span<byte> trailer = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(trailer, _crc ^ 0xFFFFFFFF);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(trailer[4..], (uint)(Written & 0xFFFFFFFF));
        _output.Write(trailer);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing) Finish();
        base.Dispose(disposing);
    }

    public override long Length => throw new NotSupportedException();
    public override void Flush() => _deflate.Flush();

    private static class Crc32
    {
        private static readonly uint[] Table = Enumerable.Range(0, 256).Select(n =>
        {
            uint c = (uint)n;
            for (int k = 0; k < 8; k++) c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
            return c;
        }).ToArray();

        public static uint Update(uint crc, ReadOnlySpan<byte> data)
        {
            foreach (byte b in data) crc = Table[(crc ^ b) & 0xFF] ^ (crc >> 8);
            return crc;
        }
    }
}
