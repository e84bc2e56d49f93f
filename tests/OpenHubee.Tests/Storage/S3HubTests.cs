using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using OpenHubee.Tests.Infrastructure;
using static OpenHubee.Tests.Infrastructure.HubApi;

namespace OpenHubee.Tests.Storage;

/// <summary>The whole hub with <c>OpenHubee:Storage:Provider=S3</c>, against moto (an S3 emulator, not AWS).</summary>
public sealed class S3HubTests(MotoServer moto) : IClassFixture<MotoServer>
{
    private sealed class S3HubFactory(IDictionary<string, string?> storage) : HubFactory
    {
        protected override IDictionary<string, string?> Settings => storage;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Dictionary<string, string?> Storage(string prefix, string? serviceUrl = null) => new()
    {
        ["OpenHubee:Storage:Provider"] = "S3",
        ["OpenHubee:Storage:ServiceUrl"] = serviceUrl ?? moto.Url,
        ["OpenHubee:Storage:Bucket"] = MotoServer.Bucket,
        ["OpenHubee:Storage:AccessKey"] = MotoServer.AccessKey,
        ["OpenHubee:Storage:SecretKey"] = MotoServer.SecretKey,
        ["OpenHubee:Storage:Prefix"] = prefix,
        ["OpenHubee:Storage:PartSizeMiB"] = "5",
    };

    [Fact]
    public async Task An_attachment_of_several_parts_goes_through_the_bucket_and_comes_back_byte_exact()
    {
        moto.EnsureAvailable();
        var prefix = "hub-" + Guid.NewGuid().ToString("N")[..8] + "/";
        await using var hub = new S3HubFactory(Storage(prefix));
        var osl = await hub.DilaAsync();
        var content = new byte[12 * 1024 * 1024 + 12_345];
        new Random(7).NextBytes(content);

        var folder = await CreateFolderAsync(osl, FolderJson("DILA-AEC-" + NewNumber(), content.Length));
        var attachmentId = folder.GetProperty("attachments")[0].Id();
        await UploadFolderAttachmentAsync(osl, folder.Id(), attachmentId, content);
        await CompleteAsync(osl, folder.Id());

        // The bytes are in the bucket, under the prefix, and nowhere in the data folder.
        (await moto.ObjectCountAsync(prefix)).ShouldBe(1);
        (await moto.OpenUploadCountAsync(prefix)).ShouldBe(0);
        hub.StoredBlobs().ShouldBeEmpty();

        var si = await hub.LimogesEtatCivilAsync();
        var url = $"{Root}/cases/{folder.GetProperty("cases")[0].Id()}/attachments/{attachmentId}";
        using (var download = await si.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, Ct))
        {
            download.StatusCode.ShouldBe(HttpStatusCode.OK);
            download.Content.Headers.ContentLength.ShouldBe(content.Length);
            download.Headers.GetValues("digest").Single().ShouldBe(Convert.ToBase64String(SHA256.HashData(content)));
            (await download.Content.ReadAsByteArrayAsync(Ct)).SequenceEqual(content).ShouldBeTrue();
        }

        // A range across the first part boundary, then the last bytes.
        const int from = 5 * 1024 * 1024 - 100;
        foreach (var (range, expected) in new[] { (new RangeHeaderValue(from, from + 299), content.AsSpan(from, 300).ToArray()), (new RangeHeaderValue(null, 1000), content[^1000..]) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.Range = range;
            using var partial = await si.SendAsync(request, Ct);
            partial.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
            (await partial.Content.ReadAsByteArrayAsync(Ct)).SequenceEqual(expected).ShouldBeTrue($"range {range}");
        }

        using var ready = await hub.CreateClient().GetAsync("/health/ready", Ct);
        ready.StatusCode.ShouldBe(HttpStatusCode.OK, await ready.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task An_upload_refused_for_its_digest_leaves_nothing_in_the_bucket()
    {
        moto.EnsureAvailable();
        var prefix = "hub-" + Guid.NewGuid().ToString("N")[..8] + "/";
        await using var hub = new S3HubFactory(Storage(prefix));
        var osl = await hub.DilaAsync();
        var content = new byte[6 * 1024 * 1024];
        new Random(8).NextBytes(content);
        var folder = await CreateFolderAsync(osl, FolderJson("DILA-AEC-" + NewNumber(), content.Length));

        using var put = await PutBinaryAsync(osl, $"{Root}/folders/{folder.Id()}/attachments/{folder.GetProperty("attachments")[0].Id()}", content, Digest([1, 2, 3]));

        put.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await moto.ObjectCountAsync(prefix)).ShouldBe(0);
        (await moto.OpenUploadCountAsync(prefix)).ShouldBe(0);
    }

    [Fact]
    public async Task Readiness_fails_while_the_bucket_is_unreachable()
    {
        // Nothing listens on this port: the endpoint is down (moto is not needed here).
        await using var hub = new S3HubFactory(Storage("down/", $"http://127.0.0.1:{MotoServer.FreePort()}"));

        using var ready = await hub.CreateClient().GetAsync("/health/ready", Ct);

        ready.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        using var live = await hub.CreateClient().GetAsync("/health/live", Ct);
        live.StatusCode.ShouldBe(HttpStatusCode.OK, "the process itself is fine");
    }
}
