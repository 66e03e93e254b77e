using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Diamol.Build.Tests.History;

/// <summary>
/// The pixels of an 8-bit RGB or RGBA PNG (what Chromium's --screenshot writes), decoded with the framework's zlib:
/// enough for a test to say a screenshot is not blank, without an imaging package.
/// </summary>
internal sealed class PngPixels
{
    private readonly byte[] rows;
    private readonly int channels;

    public int Width { get; }
    public int Height { get; }

    private PngPixels(int width, int height, int channels, byte[] rows)
    {
        Width = width;
        Height = height;
        this.channels = channels;
        this.rows = rows;
    }

    public static PngPixels Read(string path)
    {
        byte[] png = File.ReadAllBytes(path);
        CollectionAssert.AreEqual(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G', 13, 10, 26, 10 }, png[..8], "not a PNG: " + path);
        int width = 0, height = 0, channels = 0;
        using var idat = new MemoryStream();
        for (int at = 8; at + 8 <= png.Length;)
        {
            int length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(at));
            string type = Encoding.ASCII.GetString(png, at + 4, 4);
            var data = png.AsSpan(at + 8, length);
            if (type == "IHDR")
            {
                width = BinaryPrimitives.ReadInt32BigEndian(data);
                height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                Assert.AreEqual(8, data[8], "bit depth");
                Assert.AreEqual(0, data[12], "interlaced PNGs are not read here");
                channels = data[9] switch { 2 => 3, 6 => 4, var other => throw new AssertFailedException("colour type " + other) };
            }
            else if (type == "IDAT")
            {
                idat.Write(data);
            }

            at += 12 + length;
        }

        idat.Position = 0;
        using var inflated = new MemoryStream();
        using (var zlib = new ZLibStream(idat, CompressionMode.Decompress)) zlib.CopyTo(inflated);
        return new PngPixels(width, height, channels, Unfilter(inflated.ToArray(), width, height, channels));
    }

    /// <summary>How many pixels are not (nearly) white.</summary>
    public int CountNonWhite()
    {
        int count = 0;
        for (int i = 0; i < rows.Length; i += channels)
        {
            if (rows[i] < 240 || rows[i + 1] < 240 || rows[i + 2] < 240) count++;
        }

        return count;
    }

    /// <summary>How many pixels are within a few steps of the colour (colour management may shift it slightly).</summary>
    public int Count(byte red, byte green, byte blue)
    {
        int count = 0;
        for (int i = 0; i < rows.Length; i += channels)
        {
            if (Math.Abs(rows[i] - red) <= 4 && Math.Abs(rows[i + 1] - green) <= 4 && Math.Abs(rows[i + 2] - blue) <= 4) count++;
        }

        return count;
    }

    // Each scanline starts with a filter byte; undoing it (PNG spec, section 9) gives the raw pixels.
    private static byte[] Unfilter(byte[] data, int width, int height, int channels)
    {
        int stride = width * channels;
        var pixels = new byte[stride * height];
        for (int y = 0; y < height; y++)
        {
            int filter = data[y * (stride + 1)];
            var line = data.AsSpan(y * (stride + 1) + 1, stride);
            var current = pixels.AsSpan(y * stride, stride);
            ReadOnlySpan<byte> previous = y == 0 ? new byte[stride] : pixels.AsSpan((y - 1) * stride, stride);
            for (int x = 0; x < stride; x++)
            {
                int left = x >= channels ? current[x - channels] : 0;
                int up = previous[x];
                int upLeft = x >= channels ? previous[x - channels] : 0;
                int predicted = filter switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    4 => Paeth(left, up, upLeft),
                    _ => throw new AssertFailedException("PNG filter " + filter),
                };
                current[x] = (byte)(line[x] + predicted);
            }
        }

        return pixels;
    }

    private static int Paeth(int a, int b, int c)
    {
        int p = a + b - c, pa = Math.Abs(p - a), pb = Math.Abs(p - b), pc = Math.Abs(p - c);
        return pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
    }
}
