using System.Buffers;
using System.Security.Cryptography;

namespace OpenHubee.Storage;

/// <summary>Bytes received into the store's staging area, not yet visible under a key.</summary>
public sealed record StagedBlob(string StagingId, long Size, string Sha256Base64, bool ExceededLimit);

/// <summary>
/// Where attachment bytes live. Writes are two-phase: the body is streamed into staging while its
/// SHA-256 is computed, and only a staged blob whose size and digest were accepted is committed
/// under its key (atomic rename, or multipart completion for object storage).
/// </summary>
public interface IBlobStore
{
    /// <summary>Streams <paramref name="content"/> into staging; stops reading after <paramref name="limit"/> + 1 bytes.</summary>
    Task<StagedBlob> StageAsync(Stream content, long limit, CancellationToken ct);

    Task CommitAsync(StagedBlob staged, string key, CancellationToken ct);

    Task DiscardAsync(StagedBlob staged);

    /// <summary>A seekable stream over the blob (ranges are served from it), or null when absent.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken ct);

    Task DeleteAsync(string key, CancellationToken ct);

    Task<bool> IsReachableAsync(CancellationToken ct);
}

/// <summary>The embedded store: a folder under the data directory.</summary>
public sealed class LocalBlobStore : IBlobStore
{
    private const int BufferSize = 128 * 1024;
    private readonly string root;
    private readonly string staging;

    public LocalBlobStore(string root)
    {
        this.root = Path.GetFullPath(root);
        staging = Path.Combine(this.root, ".staging");
        Directory.CreateDirectory(staging);
    }

    public string StagingDirectory => staging;

    public async Task<StagedBlob> StageAsync(Stream content, long limit, CancellationToken ct)
    {
        var id = Guid.NewGuid().ToString("N");
        var path = Path.Combine(staging, id + ".tmp");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        long size = 0;
        var exceeded = false;
        try
        {
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                int read;
                while ((read = await content.ReadAsync(buffer.AsMemory(0, BufferSize), ct)) > 0)
                {
                    size += read;
                    if (size > limit)
                    {
                        // Larger than declared: stop here rather than store what will be refused.
                        exceeded = true;
                        break;
                    }

                    hash.AppendData(buffer, 0, read);
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }

                await file.FlushAsync(ct);
            }
        }
        catch
        {
            TryDelete(path);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        return new StagedBlob(id, size, Convert.ToBase64String(hash.GetHashAndReset()), exceeded);
    }

    public Task CommitAsync(StagedBlob staged, string key, CancellationToken ct)
    {
        var target = PathFor(key);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(Path.Combine(staging, staged.StagingId + ".tmp"), target, overwrite: true);
        return Task.CompletedTask;
    }

    public Task DiscardAsync(StagedBlob staged)
    {
        TryDelete(Path.Combine(staging, staged.StagingId + ".tmp"));
        return Task.CompletedTask;
    }

    public Task<Stream?> OpenReadAsync(string key, CancellationToken ct)
    {
        var path = PathFor(key);
        if (!File.Exists(path))
        {
            return Task.FromResult<Stream?>(null);
        }

        return Task.FromResult<Stream?>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, BufferSize,
            FileOptions.Asynchronous | FileOptions.SequentialScan));
    }

    public Task DeleteAsync(string key, CancellationToken ct)
    {
        TryDelete(PathFor(key));
        return Task.CompletedTask;
    }

    public Task<bool> IsReachableAsync(CancellationToken ct) => Task.FromResult(Directory.Exists(root));

    /// <summary>Keys are generated ids (hex); anything else is refused so that no path can escape the root.</summary>
    private string PathFor(string key)
    {
        if (key.Length < 4 || !key.All(char.IsAsciiHexDigitLower))
        {
            throw new ArgumentException("Invalid blob key.", nameof(key));
        }

        return Path.Combine(root, key[..2], key[2..4], key);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Left for the orphan cleanup.
        }
    }
}
