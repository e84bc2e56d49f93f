using Amazon.S3;
using Amazon.S3.Model;

namespace OpenHubee.Storage;

/// <summary>
/// A seekable, read-only view of an S3 object, so that the code written for files (HTTP ranges served by seeking,
/// ZIP archives built by copying) works unchanged on object storage. Nothing is buffered here: a read issues a
/// ranged GetObject from the current position to the end and streams its body; a seek elsewhere drops that body,
/// and the next read opens a new range there.
/// </summary>
internal sealed class S3ObjectStream(IAmazonS3 s3, string bucket, string objectKey, long length) : Stream
{
    private GetObjectResponse? response;
    private Stream? body;
    private long position;
    private bool disposed;

    public override bool CanRead => !disposed;

    public override bool CanSeek => !disposed;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override long Seek(long offset, SeekOrigin origin)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => position + offset,
            SeekOrigin.End => length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        if (target < 0)
        {
            throw new IOException("Cannot seek before the beginning of the object.");
        }

        if (target != position)
        {
            CloseBody();
            position = target;
        }

        return position;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(disposed, this);
        if (buffer.Length == 0 || position >= length)
        {
            return 0;
        }

        if (body is null)
        {
            response = await s3.GetObjectAsync(new GetObjectRequest
            {
                BucketName = bucket,
                Key = objectKey,
                ByteRange = new ByteRange(position, length - 1),
            }, cancellationToken);
            body = response.ResponseStream;
        }

        var read = await body.ReadAsync(buffer, cancellationToken);
        if (read == 0)
        {
            // The length came from HeadObject: a body that ends before it was cut off (or the object changed).
            CloseBody();
            throw new IOException($"The object ended at byte {position} of {length}.");
        }

        position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Readers here are asynchronous; a synchronous caller (a library's fallback) still gets correct bytes.</summary>
    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            CloseBody();
            disposed = true;
        }

        base.Dispose(disposing);
    }

    private void CloseBody()
    {
        // Disposing the response gives its connection back (HttpClient closes it rather than drain a long remainder).
        body = null;
        response?.Dispose();
        response = null;
    }
}
