using Diamol.Build.Common;

namespace Diamol.Build.Tests.Common;

[TestClass]
public sealed class StreamShapesTests
{
    private sealed class Recording(Stream inner) : ReadThroughStream(inner)
    {
        public List<int> Reads { get; } = [];
        public override long Length => 0;
        protected override void Observe(ReadOnlySpan<byte> bytes) => Reads.Add(bytes.Length);
    }

    private sealed class Counting : WriteOnlyStream
    {
        public override long Length => Written;
        public override void Write(ReadOnlySpan<byte> buffer) => Written += buffer.Length;
        public override void Flush()
        {
        }
    }

    private sealed class DisposalWitness(byte[] bytes) : MemoryStream(bytes)
    {
        public bool Disposed { get; private set; }

        protected override void Dispose(bool disposing)
        {
            Disposed = true;
            base.Dispose(disposing);
        }
    }

    [TestMethod]
    public async Task A_read_through_stream_shows_every_read_and_the_end_and_passes_the_bytes_on()
    {
        var inner = new DisposalWitness([1, 2, 3, 4, 5]);
        var stream = new Recording(inner);
        byte[] buffer = new byte[3];

        Assert.AreEqual(3, stream.Read(buffer, 0, 3));
        CollectionAssert.AreEqual(new byte[] { 1, 2, 3 }, buffer);
        Assert.AreEqual(2, await stream.ReadAsync(buffer.AsMemory()));
#pragma warning disable CA1835 // the array overload is one of those under test
        Assert.AreEqual(0, await stream.ReadAsync(buffer, 0, 3));
#pragma warning restore CA1835
        CollectionAssert.AreEqual(new[] { 3, 2, 0 }, stream.Reads);
        Assert.IsTrue(stream.CanRead);
        Assert.IsFalse(stream.CanSeek || stream.CanWrite);
        Assert.ThrowsExactly<NotSupportedException>(() => stream.Write([1], 0, 1));
        Assert.ThrowsExactly<NotSupportedException>(() => _ = stream.Position);

        stream.Dispose();
        Assert.IsTrue(inner.Disposed);
    }

    [TestMethod]
    public void A_write_only_stream_counts_what_is_written_as_its_position_and_refuses_reads_and_seeks()
    {
        using var stream = new Counting();
        stream.Write(new byte[10], 2, 5);
        stream.Write([1, 2]);
        stream.WriteByte(3);

        Assert.AreEqual(8, stream.Written);
        Assert.AreEqual(8, stream.Position);
        Assert.IsTrue(stream.CanWrite);
        Assert.IsFalse(stream.CanRead || stream.CanSeek);
        Assert.ThrowsExactly<NotSupportedException>(() => stream.Read(new byte[1], 0, 1));
        Assert.ThrowsExactly<NotSupportedException>(() => stream.Seek(0, SeekOrigin.Begin));
        Assert.ThrowsExactly<NotSupportedException>(() => stream.Position = 0);
        Assert.ThrowsExactly<NotSupportedException>(() => stream.SetLength(1));
    }
}
