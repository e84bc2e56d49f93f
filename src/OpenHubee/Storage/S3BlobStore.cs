using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace OpenHubee.Storage;

/// <summary>
/// The scale-out store: an S3-compatible bucket (AWS, MinIO, Garage, Ceph…), shared by every node.
/// <para>
/// Staging reads the request body into one part buffer (rented, at most <c>PartSizeMiB</c>, and never more than
/// the limit + 1 bytes), hashing on the fly; each full buffer is sent as one part of a multipart upload. Memory is
/// therefore one buffer per upload in progress, whatever the file size.
/// </para>
/// <para>
/// Commit strategy: the key is chosen when staging starts and the multipart upload is created at that final key,
/// left open, and completed by <see cref="CommitAsync"/>. An open multipart upload is not an object: nothing is
/// visible under the key until CompleteMultipartUpload, which S3 performs atomically (the whole object or none).
/// The alternative, completing at a staging key and then copying to the final key, would make the server read and
/// write every byte a second time (up to 1 GiB per attachment, and a multipart copy above 5 GiB) for no gain in
/// safety. A blob smaller than one part is kept in its buffer and written by a single PutObject at commit, which
/// is atomic too. Discard aborts the upload; any failure or cancellation while staging or committing aborts it as
/// well, and uploads that could not even be aborted (node killed, bucket unreachable) are aborted by the staging
/// cleanup (<see cref="CleanStagingAsync"/>) once older than a day.
/// </para>
/// </summary>
public sealed class S3BlobStore : IBlobStore, IDisposable
{
    private readonly AmazonS3Client s3;
    private readonly string bucket;
    private readonly string prefix;
    private readonly int partSize;
    private readonly ILogger<S3BlobStore> logger;

    public S3BlobStore(StorageOptions options, ILogger<S3BlobStore> logger)
    {
        options.Validate();
        s3 = CreateClient(options);
        bucket = options.Bucket!;
        prefix = options.Prefix;
        partSize = options.PartSizeMiB * 1024 * 1024;
        this.logger = logger;
    }

    /// <summary>
    /// A client set for S3-compatible servers: no aws-chunked bodies and checksums only where the operation
    /// requires them (the SDK's defaults since 2025 add CRC trailers that several of those servers refuse).
    /// </summary>
    public static AmazonS3Client CreateClient(StorageOptions options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.ServiceUrl is not null)
        {
            config.ServiceURL = options.ServiceUrl;
            config.AuthenticationRegion = options.Region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(options.Region);
        }

        return options.AccessKey is null
            ? new AmazonS3Client(config)
            : new AmazonS3Client(new BasicAWSCredentials(options.AccessKey, options.SecretKey), config);
    }

    public async Task<StagedBlob> StageAsync(Stream content, long limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var key = BlobKeys.New();
        var objectKey = ObjectKey(key);
        // One buffer, never larger than what the limit lets through: a 100 KB attachment rents ~100 KB, not a part.
        var bufferLength = limit < partSize ? (int)limit + 1 : partSize;
        var buffer = ArrayPool<byte>.Shared.Rent(bufferLength);
        using var body = new StagingReader(content, limit);
        string? uploadId = null;
        var parts = new List<PartETag>();
        var filled = 0;
        try
        {
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(filled, bufferLength - filled), ct)) > 0)
            {
                filled += read;
                if (filled == partSize)
                {
                    uploadId ??= await StartUploadAsync(objectKey, ct);
                    parts.Add(await UploadPartAsync(objectKey, uploadId, parts.Count + 1, buffer, filled, ct));
                    filled = 0;
                }
            }

            if (uploadId is not null && filled > 0 && !body.Exceeded)
            {
                parts.Add(await UploadPartAsync(objectKey, uploadId, parts.Count + 1, buffer, filled, ct));
                filled = 0;
            }
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (uploadId is not null)
            {
                await AbortQuietlyAsync(objectKey, uploadId);
            }

            throw;
        }

        var size = body.Size;
        var digest = body.Sha256Base64();
        if (body.Exceeded)
        {
            // Refused whatever happens next: free the buffer and the parts now rather than at discard.
            ArrayPool<byte>.Shared.Return(buffer);
            if (uploadId is not null)
            {
                await AbortQuietlyAsync(objectKey, uploadId);
            }

            return new S3StagedBlob(key, size, digest, true);
        }

        if (uploadId is null)
        {
            // Smaller than one part: the bytes stay in the buffer until commit or discard.
            return new S3StagedBlob(key, size, digest, false) { SmallContent = buffer };
        }

        ArrayPool<byte>.Shared.Return(buffer);
        return new S3StagedBlob(key, size, digest, false) { UploadId = uploadId, Parts = parts };
    }

    public async Task CommitAsync(StagedBlob staged, CancellationToken ct)
    {
        var s = staged as S3StagedBlob ?? throw new ArgumentException("Not staged by this store.", nameof(staged));
        if (s.ExceededLimit)
        {
            throw new InvalidOperationException("A blob larger than its limit is never committed.");
        }

        var objectKey = ObjectKey(s.Key);
        if (s.UploadId is null)
        {
            var buffer = s.TakeSmallContent() ?? throw new InvalidOperationException("Already committed or discarded.");
            try
            {
                await s3.PutObjectAsync(new PutObjectRequest
                {
                    BucketName = bucket,
                    Key = objectKey,
                    InputStream = new MemoryStream(buffer, 0, (int)s.Size, writable: false),
                    ContentType = "application/octet-stream",
                    UseChunkEncoding = false,
                }, ct);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            return;
        }

        try
        {
            await s3.CompleteMultipartUploadAsync(new CompleteMultipartUploadRequest
            {
                BucketName = bucket,
                Key = objectKey,
                UploadId = s.UploadId,
                PartETags = s.Parts,
            }, ct);
        }
        catch
        {
            // Not committed (or, if the server finished after all, an object that no row points to): abort so that
            // no open upload is left behind; a completed one answers NoSuchUpload, which is ignored.
            await AbortQuietlyAsync(objectKey, s.UploadId);
            throw;
        }
    }

    public async Task DiscardAsync(StagedBlob staged)
    {
        if (staged is not S3StagedBlob s)
        {
            return;
        }

        if (s.TakeSmallContent() is { } buffer)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (s.UploadId is not null)
        {
            await AbortQuietlyAsync(ObjectKey(s.Key), s.UploadId);
        }
    }

    public async Task<Stream?> OpenReadAsync(string key, CancellationToken ct)
    {
        var objectKey = ObjectKey(key);
        try
        {
            var head = await s3.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = bucket, Key = objectKey }, ct);
            return new S3ObjectStream(s3, bucket, objectKey, head.ContentLength);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode is not "NoSuchBucket")
        {
            return null;
        }
    }

    public async Task DeleteAsync(string key, CancellationToken ct)
    {
        // DeleteObject already answers 204 for a missing key; the catch covers servers that answer 404.
        try
        {
            await s3.DeleteObjectAsync(new DeleteObjectRequest { BucketName = bucket, Key = ObjectKey(key) }, ct);
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode is not "NoSuchBucket")
        {
        }
    }

    /// <summary>HeadBucket: the endpoint answers, the credentials are accepted and the bucket exists.</summary>
    public async Task<bool> IsReachableAsync(CancellationToken ct)
    {
        // A readiness probe must answer quickly even when the endpoint hangs or the SDK keeps retrying.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(5));
        try
        {
            await s3.HeadBucketAsync(new HeadBucketRequest { BucketName = bucket }, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            logger.LogWarning("S3 bucket {Bucket} unreachable: {Error}", bucket, e.Message);
            return false;
        }
    }

    /// <summary>
    /// Aborts the multipart uploads under the prefix started before <paramref name="olderThan"/>: an upload still
    /// open after a day belongs to a node that died or lost the bucket mid-upload. Several nodes may run this
    /// together; an upload aborted twice answers NoSuchUpload, which is ignored.
    /// </summary>
    public async Task<int> CleanStagingAsync(DateTimeOffset olderThan, CancellationToken ct)
    {
        var count = 0;
        string? keyMarker = null;
        string? uploadIdMarker = null;
        while (true)
        {
            var page = await s3.ListMultipartUploadsAsync(new ListMultipartUploadsRequest
            {
                BucketName = bucket,
                Prefix = prefix.Length > 0 ? prefix : null,
                KeyMarker = keyMarker,
                UploadIdMarker = uploadIdMarker,
            }, ct);
            foreach (var upload in page.MultipartUploads ?? [])
            {
                if (upload.Initiated is { } initiated && AsUtc(initiated) < olderThan
                    && await AbortQuietlyAsync(upload.Key, upload.UploadId))
                {
                    count++;
                }
            }

            if (page.IsTruncated != true || page.NextKeyMarker is null)
            {
                break;
            }

            (keyMarker, uploadIdMarker) = (page.NextKeyMarker, page.NextUploadIdMarker);
        }

        if (count > 0)
        {
            logger.LogInformation("Aborted {Count} abandoned multipart uploads in bucket {Bucket}", count, bucket);
        }

        return count;
    }

    public async IAsyncEnumerable<StoredBlob> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        string? token = null;
        do
        {
            var page = await s3.ListObjectsV2Async(new ListObjectsV2Request
            {
                BucketName = bucket,
                Prefix = prefix.Length > 0 ? prefix : null,
                ContinuationToken = token,
            }, ct);
            foreach (var item in page.S3Objects ?? [])
            {
                // Only this store's keys: other objects sharing the bucket or prefix are never touched.
                var key = item.Key[prefix.Length..];
                if (BlobKeys.IsValid(key) && item.LastModified is { } modified)
                {
                    yield return new StoredBlob(key, AsUtc(modified));
                }
            }

            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);
    }

    public void Dispose() => s3.Dispose();

    private string ObjectKey(string key) => prefix + BlobKeys.Check(key);

    /// <summary>S3 timestamps are UTC; an unspecified kind must not be read as local time.</summary>
    private static DateTimeOffset AsUtc(DateTime time) =>
        new(time.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(time, DateTimeKind.Utc) : time.ToUniversalTime());

    private async Task<string> StartUploadAsync(string objectKey, CancellationToken ct)
    {
        var started = await s3.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest
        {
            BucketName = bucket,
            Key = objectKey,
            ContentType = "application/octet-stream",
        }, ct);
        return started.UploadId;
    }

    private async Task<PartETag> UploadPartAsync(string objectKey, string uploadId, int number, byte[] buffer, int count, CancellationToken ct)
    {
        // A stream over the buffer, not a copy; seekable, so the SDK can sign it and rewind it for a retry.
        var uploaded = await s3.UploadPartAsync(new UploadPartRequest
        {
            BucketName = bucket,
            Key = objectKey,
            UploadId = uploadId,
            PartNumber = number,
            PartSize = count,
            InputStream = new MemoryStream(buffer, 0, count, writable: false),
            UseChunkEncoding = false,
        }, ct);
        return new PartETag(number, uploaded.ETag);
    }

    /// <summary>Never throws: the caller is already failing or refusing, and a leftover upload is the cleanup's job.</summary>
    private async Task<bool> AbortQuietlyAsync(string objectKey, string uploadId)
    {
        try
        {
            await s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = objectKey, UploadId = uploadId }, CancellationToken.None);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
        catch (Exception e)
        {
            logger.LogWarning("Could not abort multipart upload of {Key}; the staging cleanup will: {Error}", objectKey, e.Message);
            return false;
        }
    }

    /// <summary>What commit or discard needs: the open multipart upload, or the bytes of a blob smaller than a part.</summary>
    private sealed record S3StagedBlob(string Key, long Size, string Sha256Base64, bool ExceededLimit)
        : StagedBlob(Key, Size, Sha256Base64, ExceededLimit)
    {
        private byte[]? smallContent;

        public string? UploadId { get; init; }

        public List<PartETag> Parts { get; init; } = [];

        public byte[]? SmallContent { init => smallContent = value; }

        /// <summary>Hands the rented buffer over once, so that it goes back to the pool exactly once.</summary>
        public byte[]? TakeSmallContent() => Interlocked.Exchange(ref smallContent, null);
    }
}
