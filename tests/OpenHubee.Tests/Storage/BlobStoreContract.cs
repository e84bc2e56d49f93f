using System.Security.Cryptography;
using OpenHubee.Storage;

namespace OpenHubee.Tests.Storage;

/// <summary>
/// What every <see cref="IBlobStore"/> must do, run against each store by a derived class. Sizes are chosen around
/// the S3 store's part size (5 MiB in these tests), where a multipart upload changes shape.
/// </summary>
public abstract class BlobStoreContract
{
    protected const int Part = StorageOptions.MinPartSizeMiB * 1024 * 1024;

    public static TheoryData<int> Sizes => [0, 1, Part - 1, Part, Part + 1, 3 * Part + 17];

    protected abstract IBlobStore Store { get; }

    /// <summary>Blobs committed (visible under a key).</summary>
    protected abstract Task<int> StoredCountAsync();

    /// <summary>What staging holds: files of the local store, open multipart uploads of S3.</summary>
    protected abstract Task<int> StagingCountAsync();

    /// <summary>False where the server does not report when staging started (moto's uploads all date from 2010).</summary>
    protected virtual bool KnowsStagingAge => true;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(Sizes))]
    public async Task A_committed_blob_reads_back_byte_exact_with_its_SHA_256(int size)
    {
        var data = Bytes(size);
        // Uneven reads, as from a network: the store must fill its parts across them.
        var staged = await Store.StageAsync(new TestSource(data, maxRead: 100_003), size, Ct);

        staged.ExceededLimit.ShouldBeFalse();
        staged.Size.ShouldBe(size);
        staged.Sha256Base64.ShouldBe(Convert.ToBase64String(SHA256.HashData(data)));
        (await Store.OpenReadAsync(staged.Key, Ct)).ShouldBeNull("nothing is visible before commit");

        await Store.CommitAsync(staged, Ct);

        (await StoredCountAsync()).ShouldBe(1);
        (await StagingCountAsync()).ShouldBe(0);
        await using var read = (await Store.OpenReadAsync(staged.Key, Ct)).ShouldNotBeNull();
        read.CanSeek.ShouldBeTrue();
        read.Length.ShouldBe(size);
        var copy = new MemoryStream();
        await read.CopyToAsync(copy, Ct);
        copy.ToArray().SequenceEqual(data).ShouldBeTrue();
    }

    [Theory]
    [InlineData(100, 1000)]
    [InlineData(Part + 10, 3 * Part)]
    public async Task A_body_over_the_limit_is_detected_without_reading_more_than_one_byte_too_many(int limit, int actual)
    {
        var source = new TestSource(Bytes(actual));

        var staged = await Store.StageAsync(source, limit, Ct);

        staged.ExceededLimit.ShouldBeTrue();
        staged.Size.ShouldBeGreaterThan(limit);
        source.Position.ShouldBe(limit + 1L);
        await Store.DiscardAsync(staged);
        (await StoredCountAsync()).ShouldBe(0);
        (await StagingCountAsync()).ShouldBe(0);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(2 * Part + 5)]
    public async Task A_discarded_blob_leaves_nothing(int size)
    {
        var staged = await Store.StageAsync(new TestSource(Bytes(size)), size, Ct);

        await Store.DiscardAsync(staged);

        (await StoredCountAsync()).ShouldBe(0);
        (await StagingCountAsync()).ShouldBe(0);
        (await Store.OpenReadAsync(staged.Key, Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task Seeks_and_ranges_return_the_exact_bytes()
    {
        var data = Bytes(3 * Part + 17);
        var staged = await Store.StageAsync(new TestSource(data), data.Length, Ct);
        await Store.CommitAsync(staged, Ct);
        await using var read = (await Store.OpenReadAsync(staged.Key, Ct)).ShouldNotBeNull();

        // Across a part boundary, backwards, from the end, and reading on after a seek.
        foreach (var (from, count) in new[] { (Part - 7, 20), (10, 5000), (2 * Part, Part), (data.Length - 17, 17), (0, 1) })
        {
            read.Position = from;
            (await ReadExactlyAsync(read, count)).SequenceEqual(data.AsSpan(from, count).ToArray()).ShouldBeTrue($"range {from}+{count}");
            read.Position.ShouldBe(from + count);
        }

        read.Seek(-100, SeekOrigin.End).ShouldBe(data.Length - 100);
        (await ReadExactlyAsync(read, 50)).SequenceEqual(data.AsSpan(data.Length - 100, 50).ToArray()).ShouldBeTrue();
        read.Seek(10, SeekOrigin.Current).ShouldBe(data.Length - 40);
        (await ReadExactlyAsync(read, 40)).SequenceEqual(data.AsSpan(data.Length - 40).ToArray()).ShouldBeTrue();
        (await read.ReadAsync(new byte[10], Ct)).ShouldBe(0, "at the end");
    }

    [Fact]
    public async Task A_missing_key_opens_as_null()
    {
        (await Store.OpenReadAsync(BlobKeys.New(), Ct)).ShouldBeNull();
    }

    [Fact]
    public async Task The_listing_shows_committed_blobs_only()
    {
        var committed = await Store.StageAsync(new TestSource(Bytes(10)), 10, Ct);
        await Store.CommitAsync(committed, Ct);
        var staged = await Store.StageAsync(new TestSource(Bytes(Part + 1)), Part + 1, Ct);
        try
        {
            var listed = new List<StoredBlob>();
            await foreach (var blob in Store.ListAsync(Ct))
            {
                listed.Add(blob);
            }

            listed.Select(b => b.Key).ShouldBe([committed.Key]);
            listed[0].LastModified.ShouldBeInRange(DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddMinutes(1));
        }
        finally
        {
            await Store.DiscardAsync(staged);
        }
    }

    [Fact]
    public async Task Delete_is_idempotent()
    {
        var staged = await Store.StageAsync(new TestSource(Bytes(10)), 10, Ct);
        await Store.CommitAsync(staged, Ct);

        await Store.DeleteAsync(staged.Key, Ct);
        await Store.DeleteAsync(staged.Key, Ct);
        await Store.DeleteAsync(BlobKeys.New(), Ct);

        (await Store.OpenReadAsync(staged.Key, Ct)).ShouldBeNull();
        (await StoredCountAsync()).ShouldBe(0);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(Part + Part / 2)]
    public async Task A_source_that_fails_midway_leaves_no_object_and_no_open_upload(int failAt)
    {
        var source = new TestSource(Bytes(3 * Part), failAt: failAt);

        await Should.ThrowAsync<IOException>(() => Store.StageAsync(source, 3 * Part, Ct));

        (await StoredCountAsync()).ShouldBe(0);
        (await StagingCountAsync()).ShouldBe(0);
    }

    [Theory]
    [InlineData(1000)]
    [InlineData(Part + Part / 2)]
    public async Task A_cancelled_upload_leaves_no_object_and_no_open_upload(int cancelAt)
    {
        using var cancel = new CancellationTokenSource();
        var source = new TestSource(Bytes(3 * Part), cancelAt: cancelAt, cancel: cancel);

        var thrown = await Record.ExceptionAsync(() => Store.StageAsync(source, 3 * Part, cancel.Token));

        thrown.ShouldBeAssignableTo<OperationCanceledException>();
        (await StoredCountAsync()).ShouldBe(0);
        (await StagingCountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task The_staging_cleanup_removes_abandoned_uploads_and_keeps_committed_blobs()
    {
        var kept = await Store.StageAsync(new TestSource(Bytes(Part + 1)), Part + 1, Ct);
        await Store.CommitAsync(kept, Ct);
        // Staged and never committed nor discarded: what a node killed mid-request leaves.
        await Store.StageAsync(new TestSource(Bytes(2 * Part + 3)), 2 * Part + 3, Ct);
        (await StagingCountAsync()).ShouldBe(1);

        if (KnowsStagingAge)
        {
            (await Store.CleanStagingAsync(DateTimeOffset.UtcNow.AddHours(-1), Ct)).ShouldBe(0, "too recent: it may still be in progress");
            (await StagingCountAsync()).ShouldBe(1);
        }

        (await Store.CleanStagingAsync(DateTimeOffset.UtcNow.AddMinutes(1), Ct)).ShouldBe(1);
        (await StagingCountAsync()).ShouldBe(0);
        (await StoredCountAsync()).ShouldBe(1);
        await using var read = (await Store.OpenReadAsync(kept.Key, Ct)).ShouldNotBeNull();
        read.Length.ShouldBe(Part + 1);
    }

    [Fact]
    public async Task The_store_answers_that_it_is_reachable()
    {
        (await Store.IsReachableAsync(Ct)).ShouldBeTrue();
    }

    protected static byte[] Bytes(int size)
    {
        var data = new byte[size];
        new Random(size).NextBytes(data);
        return data;
    }

    private static async Task<byte[]> ReadExactlyAsync(Stream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer, Ct);
        return buffer;
    }

    /// <summary>
    /// A request body: forward-only, reads of at most <c>maxRead</c> bytes, and optionally an I/O error or a
    /// cancellation once <c>failAt</c> / <c>cancelAt</c> bytes have been delivered.
    /// </summary>
    private sealed class TestSource(byte[] data, int maxRead = 81_920, int failAt = -1, int cancelAt = -1, CancellationTokenSource? cancel = null) : Stream
    {
        private int position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (cancelAt >= 0 && position >= cancelAt)
            {
                cancel!.Cancel();
            }

            cancellationToken.ThrowIfCancellationRequested();
            if (failAt >= 0 && position >= failAt)
            {
                throw new IOException("The client went away.");
            }

            var n = Math.Min(Math.Min(buffer.Length, maxRead), data.Length - position);
            data.AsSpan(position, n).CopyTo(buffer.Span);
            position += n;
            return ValueTask.FromResult(n);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("Request bodies are read asynchronously.");

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
