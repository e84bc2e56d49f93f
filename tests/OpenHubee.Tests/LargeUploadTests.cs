using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;
using OpenHubee.Tests.Infrastructure;
using static OpenHubee.Tests.Infrastructure.HubApi;

namespace OpenHubee.Tests;

/// <summary>The hub on a real Kestrel socket, where request-body limits apply (the in-memory TestServer has none).</summary>
public sealed class KestrelHubFactory : HubFactory
{
    public KestrelHubFactory() => UseKestrel(0);
}

public sealed class LargeUploadTests : IClassFixture<KestrelHubFactory>
{
    // Above Kestrel's default 30,000,000-byte request limit, and the hub's own 10 MiB default.
    private const long Size = 40_000_000;
    private readonly KestrelHubFactory hub;

    public LargeUploadTests(KestrelHubFactory hub) => this.hub = hub;

    [Fact]
    public async Task A_40_MB_attachment_goes_up_and_comes_back_intact_over_a_real_socket()
    {
        hub.StartServer();
        var osl = await hub.DilaAsync();
        // A real socket: Kestrel behind an ephemeral loopback port, not the in-memory TestServer.
        hub.Services.GetRequiredService<IServer>().GetType().Name.ShouldStartWith("KestrelServer");
        osl.BaseAddress!.IsLoopback.ShouldBeTrue();
        osl.BaseAddress.Port.ShouldNotBe(80);
        var digest = Convert.ToBase64String(GeneratedStream.Sha256(Size));

        var folder = await CreateFolderAsync(osl, FolderJson("DILA-AEC-9000000000001", Size));
        var attachmentId = folder.GetProperty("attachments")[0].Id();
        using (var put = new HttpRequestMessage(HttpMethod.Put, $"{Root}/folders/{folder.Id()}/attachments/{attachmentId}"))
        {
            put.Content = new StreamContent(new GeneratedStream(Size), 81920);
            put.Content.Headers.ContentLength = Size;
            put.Headers.Add("digest", digest);
            await (await osl.SendAsync(put)).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        }

        await CompleteAsync(osl, folder.Id());
        var si = await hub.LimogesEtatCivilAsync();
        var caseId = folder.GetProperty("cases")[0].Id();
        using var download = await si.GetAsync($"{Root}/cases/{caseId}/attachments/{attachmentId}", HttpCompletionOption.ResponseHeadersRead);
        download.StatusCode.ShouldBe(HttpStatusCode.OK);
        download.Content.Headers.ContentLength.ShouldBe(Size);
        download.Headers.GetValues("digest").Single().ShouldBe(digest);
        await using var body = await download.Content.ReadAsStreamAsync();
        Convert.ToBase64String(await SHA256.HashDataAsync(body)).ShouldBe(digest);
    }

    [Fact]
    public async Task A_chunked_upload_longer_than_declared_is_rejected_as_a_size_mismatch()
    {
        hub.StartServer();
        var osl = await hub.DilaAsync();
        var folder = await CreateFolderAsync(osl, FolderJson("DILA-AEC-9000000000002", 1000));
        var attachmentId = folder.GetProperty("attachments")[0].Id();
        using (var put = new HttpRequestMessage(HttpMethod.Put, $"{Root}/folders/{folder.Id()}/attachments/{attachmentId}"))
        {
            // No Content-Length: the hub only finds out while reading.
            put.Content = new StreamContent(new GeneratedStream(2_000_000, knownLength: false));
            using var response = await osl.SendAsync(put);
            await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Size does not match with attachment meta-data");
        }

        (await GetJsonAsync(osl, $"{Root}/folders/{folder.Id()}")).GetProperty("attachments")[0].Str("status").ShouldBe("REJECTED");
    }

    /// <summary>Deterministic bytes produced on the fly, so that 40 MB never sit in memory.</summary>
    private sealed class GeneratedStream(long length, bool knownLength = true) : Stream
    {
        private long position;

        public static byte[] Sha256(long length)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            using var stream = new GeneratedStream(length);
            var buffer = new byte[81920];
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }

            return hash.GetHashAndReset();
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => knownLength ? length : throw new NotSupportedException();

        public override long Position { get => position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var n = (int)Math.Min(count, length - position);
            for (var i = 0; i < n; i++)
            {
                var p = position + i;
                buffer[offset + i] = (byte)((p * 2654435761L) >> 13);
            }

            position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
