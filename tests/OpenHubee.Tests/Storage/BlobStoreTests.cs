using Microsoft.Extensions.Logging.Abstractions;
using OpenHubee.Storage;
using OpenHubee.Tests.Infrastructure;

namespace OpenHubee.Tests.Storage;

/// <summary>The embedded store, on a throw-away folder.</summary>
public sealed class LocalBlobStoreTests : BlobStoreContract, IDisposable
{
    private readonly string root = Path.Combine(Path.GetTempPath(), "openhubee-tests", "blobs-" + Guid.NewGuid().ToString("N"));
    private readonly LocalBlobStore store;

    public LocalBlobStoreTests() => store = new LocalBlobStore(root);

    protected override IBlobStore Store => store;

    protected override Task<int> StoredCountAsync() =>
        Task.FromResult(Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Count(f => !f.StartsWith(Path.Combine(root, ".staging"), StringComparison.Ordinal)));

    protected override Task<int> StagingCountAsync() => Task.FromResult(Directory.EnumerateFiles(Path.Combine(root, ".staging")).Count());

    public void Dispose() => Directory.Delete(root, recursive: true);
}

/// <summary>
/// The S3 store against moto, an S3 emulator (not AWS): 5 MiB parts, and a prefix per test so that what one test
/// leaves is never counted by another.
/// </summary>
public sealed class S3BlobStoreTests : BlobStoreContract, IClassFixture<MotoServer>, IDisposable
{
    private readonly MotoServer moto;
    private readonly string prefix = "contract-" + Guid.NewGuid().ToString("N")[..8] + "/";
    private readonly S3BlobStore? store;

    public S3BlobStoreTests(MotoServer moto)
    {
        this.moto = moto;
        moto.EnsureAvailable();
        store = new S3BlobStore(moto.Options(prefix), NullLogger<S3BlobStore>.Instance);
    }

    protected override IBlobStore Store => store!;

    /// <summary>moto answers ListMultipartUploads with a fixed Initiated date (2010-11-10), so age cannot be tested here.</summary>
    protected override bool KnowsStagingAge => false;

    protected override Task<int> StoredCountAsync() => moto.ObjectCountAsync(prefix);

    protected override Task<int> StagingCountAsync() => moto.OpenUploadCountAsync(prefix);

    [Fact]
    public async Task A_blob_of_several_parts_is_built_as_a_multipart_upload_that_only_commit_completes()
    {
        var ct = TestContext.Current.CancellationToken;
        var size = 2 * Part + 1;
        var staged = await store!.StageAsync(new MemoryStream(Bytes(size)), size, ct);

        (await moto.OpenUploadCountAsync(prefix)).ShouldBe(1, "the parts wait in an open upload");
        (await moto.ObjectCountAsync(prefix)).ShouldBe(0, "an open upload is not an object");

        await store.CommitAsync(staged, ct);

        (await moto.OpenUploadCountAsync(prefix)).ShouldBe(0);
        var listed = await moto.Client.ListObjectsV2Async(new() { BucketName = MotoServer.Bucket, Prefix = prefix }, ct);
        listed.S3Objects.ShouldHaveSingleItem().Key.ShouldBe(prefix + staged.Key);
        listed.S3Objects[0].Size.ShouldBe(size);
    }

    [Fact]
    public async Task A_bucket_that_does_not_exist_is_not_reachable()
    {
        using var missing = new S3BlobStore(new StorageOptions
        {
            Provider = "S3", ServiceUrl = moto.Url, Bucket = "no-such-bucket", AccessKey = MotoServer.AccessKey, SecretKey = MotoServer.SecretKey,
        }, NullLogger<S3BlobStore>.Instance);

        (await missing.IsReachableAsync(TestContext.Current.CancellationToken)).ShouldBeFalse();
    }

    public void Dispose() => store?.Dispose();
}
