using System.Buffers;
using System.Security.Cryptography;

namespace OpenHubee.Storage;

/// <summary>
/// Bytes received into the store's staging area, not yet visible under <see cref="Key"/>. The store chooses the
/// key when staging starts, so that object storage can build the object at its final key (a multipart upload is
/// tied to its key) and still show nothing there until commit. A store may derive from this record to carry
/// what it needs to commit or discard.
/// </summary>
public record StagedBlob(string Key, long Size, string Sha256Base64, bool ExceededLimit);

/// <summary>
/// Where attachment bytes live. Writes are two-phase: the body is streamed into staging while its
/// SHA-256 is computed, and only a staged blob whose size and digest were accepted is committed
/// under its key (atomic rename, or multipart completion for object storage). Keys are generated ids
/// (lower-case hex), never user file names.
/// </summary>
public interface IBlobStore
{
    /// <summary>Streams <paramref name="content"/> into staging; stops reading after <paramref name="limit"/> + 1 bytes.</summary>
    Task<StagedBlob> StageAsync(Stream content, long limit, CancellationToken ct);

    /// <summary>Makes an accepted staged blob visible under <see cref="StagedBlob.Key"/>, whole or not at all.</summary>
    Task CommitAsync(StagedBlob staged, CancellationToken ct);

    /// <summary>Drops a staged blob that was refused; nothing of it stays.</summary>
    Task DiscardAsync(StagedBlob staged);

    /// <summary>A seekable stream over the blob (ranges are served from it), or null when absent.</summary>
    Task<Stream?> OpenReadAsync(string key, CancellationToken ct);

    Task DeleteAsync(string key, CancellationToken ct);

    Task<bool> IsReachableAsync(CancellationToken ct);

    /// <summary>Removes what interrupted uploads left in staging before <paramref name="olderThan"/>; returns how many.</summary>
    Task<int> CleanStagingAsync(DateTimeOffset olderThan, CancellationToken ct);

    /// <summary>The committed blobs (not staging), with when they were written: what the orphan sweep checks.</summary>
    IAsyncEnumerable<StoredBlob> ListAsync(CancellationToken ct);
}

/// <summary>A committed blob as the store lists it.</summary>
public sealed record StoredBlob(string Key, DateTimeOffset LastModified);

/// <summary>Blob keys, the same for every store.</summary>
public static class BlobKeys
{
    /// <summary>A fresh key: a generated id, never derived from what the client sent.</summary>
    public static string New() => Guid.NewGuid().ToString("N");

    /// <summary>Keys are generated ids (lower-case hex); anything else is refused so that no path or object name can be forged.</summary>
    public static string Check(string key) =>
        IsValid(key) ? key : throw new ArgumentException("Invalid blob key.", nameof(key));

    public static bool IsValid(string key) => key.Length >= 4 && key.All(char.IsAsciiHexDigitLower);
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

    public async Task<StagedBlob> StageAsync(Stream content, long limit, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        var key = BlobKeys.New();
        var path = StagingPath(key);
        using var body = new StagingReader(content, limit);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            await using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                int read;
                while ((read = await body.ReadAsync(buffer.AsMemory(0, BufferSize), ct)) > 0)
                {
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

        return new StagedBlob(key, body.Size, body.Sha256Base64(), body.Exceeded);
    }

    public Task CommitAsync(StagedBlob staged, CancellationToken ct)
    {
        if (staged.ExceededLimit)
        {
            throw new InvalidOperationException("A blob larger than its limit is never committed.");
        }

        var target = PathFor(staged.Key);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        File.Move(StagingPath(staged.Key), target, overwrite: true);
        return Task.CompletedTask;
    }

    public Task DiscardAsync(StagedBlob staged)
    {
        TryDelete(StagingPath(staged.Key));
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

    /// <summary>Staging files are leftovers of interrupted uploads once old enough (each node has its own folder).</summary>
    public Task<int> CleanStagingAsync(DateTimeOffset olderThan, CancellationToken ct)
    {
        if (!Directory.Exists(staging))
        {
            return Task.FromResult(0);
        }

        var count = 0;
        foreach (var file in Directory.EnumerateFiles(staging))
        {
            try
            {
                if (File.GetLastWriteTimeUtc(file) < olderThan.UtcDateTime)
                {
                    File.Delete(file);
                    count++;
                }
            }
            catch (IOException)
            {
                // In use or gone: next run.
            }
        }

        return Task.FromResult(count);
    }

    public async IAsyncEnumerable<StoredBlob> ListAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var files = new DirectoryInfo(root).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true });
        foreach (var file in files)
        {
            ct.ThrowIfCancellationRequested();
            // Committed blobs are <root>/ab/cd/<key>; staging files (.tmp, under .staging) are the staging cleanup's.
            if (BlobKeys.IsValid(file.Name) && file.Directory?.Parent?.Parent?.FullName == root)
            {
                yield return new StoredBlob(file.Name, new DateTimeOffset(file.LastWriteTimeUtc, TimeSpan.Zero));
            }
        }

        await Task.CompletedTask;
    }

    private string StagingPath(string key) => Path.Combine(staging, BlobKeys.Check(key) + ".tmp");

    /// <summary>Two levels of folders keep directories small; the key check means no path can escape the root.</summary>
    private string PathFor(string key)
    {
        BlobKeys.Check(key);
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

/// <summary>
/// Reads an upload body for staging, the same way in every store: never more than limit + 1 bytes in all (one
/// byte too many is enough to refuse, and a larger body is not stored only to be refused), SHA-256 on the fly.
/// </summary>
public sealed class StagingReader(Stream content, long limit) : IDisposable
{
    private readonly IncrementalHash hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public long Size { get; private set; }

    /// <summary>The body was longer than the limit; reading stopped at the first byte too many.</summary>
    public bool Exceeded { get; private set; }

    /// <summary>Reads into <paramref name="buffer"/>; 0 at the end of the body, or once the limit is exceeded.</summary>
    public async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken ct)
    {
        if (Exceeded)
        {
            return 0;
        }

        var remaining = limit - Size;
        var read = await content.ReadAsync(remaining < buffer.Length ? buffer[..(int)(remaining + 1)] : buffer, ct);
        Size += read;
        if (Size > limit)
        {
            Exceeded = true;
            return 0;
        }

        hash.AppendData(buffer.Span[..read]);
        return read;
    }

    public string Sha256Base64() => Convert.ToBase64String(hash.GetHashAndReset());

    public void Dispose() => hash.Dispose();
}
