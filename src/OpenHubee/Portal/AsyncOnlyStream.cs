namespace OpenHubee.Portal;

/// <summary>
/// Lets <see cref="System.IO.Compression.ZipArchive"/> write to a response body that refuses synchronous I/O:
/// the archive writes file data asynchronously, but a few small records (entry headers, data descriptors,
/// the central directory) synchronously. Those are kept aside and sent asynchronously before the next write or
/// on <see cref="FlushAsync(CancellationToken)"/>; file contents are never held here.
/// </summary>
public sealed class AsyncOnlyStream(Stream inner) : Stream
{
    private readonly MemoryStream pending = new();
    private long position;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => position; set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        pending.Write(buffer);
        position += buffer.Length;
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await SendPendingAsync(cancellationToken);
        await inner.WriteAsync(buffer, cancellationToken);
        position += buffer.Length;
    }

    public override async Task FlushAsync(CancellationToken cancellationToken)
    {
        await SendPendingAsync(cancellationToken);
        await inner.FlushAsync(cancellationToken);
    }

    /// <summary>Synchronous flushes are deferred to the next asynchronous write or flush.</summary>
    public override void Flush()
    {
    }

    private async Task SendPendingAsync(CancellationToken ct)
    {
        if (pending.Length > 0)
        {
            await inner.WriteAsync(pending.GetBuffer().AsMemory(0, (int)pending.Length), ct);
            pending.SetLength(0);
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            pending.Dispose();
        }

        base.Dispose(disposing);
    }
}
