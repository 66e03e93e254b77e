namespace Diamol.Build.Common;

/// <summary>
/// A forward-only, write-only stream that counts what is written (<see cref="Written"/>, also its position): the
/// shape of the streams a blob is written through (hashing, compressing). Subclasses write and add to the count.
/// </summary>
internal abstract class WriteOnlyStream : Stream
{
    /// <summary>The bytes written so far.</summary>
    public long Written { get; protected set; }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public abstract override void Write(ReadOnlySpan<byte> buffer);

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Position { get => Written; set => throw new NotSupportedException(); }
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
