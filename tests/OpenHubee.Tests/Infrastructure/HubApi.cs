using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;

namespace OpenHubee.Tests.Infrastructure;

/// <summary>Small helpers that speak the Folder API as the official clients do.</summary>
public static class HubApi
{
    public const string Limoges = """{"type":"SI","companyRegister":"21870850100018","branchCode":"87085"}""";
    public const string Bordeaux = """{"type":"SI","companyRegister":"21330063500017","branchCode":"33063"}""";
    public const string Root = "/teledossiers/v1";

    /// <summary>A fresh 13-digit folder number, for the free part of an external id (api.md §2.10).</summary>
    public static string NewNumber() => Random.Shared.NextInt64(1_000_000_000_000, 10_000_000_000_000).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The demo PDF used as attachment content.</summary>
    public static byte[] SamplePdf() => File.ReadAllBytes(FixturePath("DEPOTDOSSIERPACS/recapPDF.pdf"));

    public static string FixturePath(string relative)
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !Directory.Exists(Path.Combine(dir, "..", "shared", "fixtures")) && !Directory.Exists(Path.Combine(dir, "shared", "fixtures")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        if (dir is null)
        {
            throw new DirectoryNotFoundException("shared/fixtures not found above " + AppContext.BaseDirectory);
        }

        var root = Directory.Exists(Path.Combine(dir, "shared", "fixtures")) ? Path.Combine(dir, "shared") : Path.Combine(dir, "..", "shared");
        return Path.Combine(root, "fixtures", "jdd", relative);
    }

    public static string Digest(byte[] content) => Convert.ToBase64String(SHA256.HashData(content));

    public static StringContent Json(string json) => new(json, System.Text.Encoding.UTF8, "application/json");

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response) => await response.Content.ReadFromJsonAsync<JsonElement>();

    /// <summary>Asserts the contract's error body: {"errors":[{"code":n,"message":"…"}]}.</summary>
    public static async Task ShouldBeErrorAsync(this HttpResponseMessage response, HttpStatusCode status, string message, int? code = null)
    {
        var body = await response.Content.ReadAsStringAsync();
        response.StatusCode.ShouldBe(status, $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {body}");
        var json = JsonDocument.Parse(body).RootElement;
        var error = json.GetProperty("errors")[0];
        error.GetProperty("code").GetInt32().ShouldBe(code ?? (int)status);
        error.GetProperty("message").GetString().ShouldBe(message);
    }

    public static string FolderJson(string externalId, long size, string recipient = Limoges, string processCode = "EtatCivil", string mimeType = "application/pdf", int attachments = 1) =>
        $$"""
        {"processCode":"{{processCode}}","externalId":"{{externalId}}",
         "applicant":{"firstName":"George","lastName":"DUBOIS","email":"george.dubois@example.org"},
         "cases":[{"recipient":{{recipient}},"externalId":"{{externalId}}-01"}],
         "attachments":[{{string.Join(",", Enumerable.Range(0, attachments).Select(i => $$"""{"fileName":"file{{i}}.pdf","type":"recapPDF","size":{{size}},"mimeType":"{{mimeType}}","recipients":["{{externalId}}-01"]}"""))}}]}
        """;

    /// <summary>Creates a folder with one case (for Limoges by default), uploads its attachments and completes it.</summary>
    public static async Task<(Guid FolderId, Guid CaseId, Guid[] AttachmentIds, byte[] Content)> SendFolderAsync(HttpClient osl, string externalId, string recipient = Limoges, string processCode = "EtatCivil", int attachments = 1)
    {
        var content = SamplePdf();
        var folder = await CreateFolderAsync(osl, FolderJson(externalId, content.Length, recipient, processCode, attachments: attachments));
        var folderId = folder.Id();
        var ids = folder.GetProperty("attachments").EnumerateArray().Select(a => a.Id()).ToArray();
        foreach (var id in ids)
        {
            await UploadFolderAttachmentAsync(osl, folderId, id, content);
        }

        await CompleteAsync(osl, folderId);
        return (folderId, folder.GetProperty("cases")[0].Id(), ids, content);
    }

    /// <summary>POST /folders with a raw body; asserts 201 and returns the created folder.</summary>
    public static async Task<JsonElement> CreateFolderAsync(HttpClient osl, string json)
    {
        using var created = await osl.PostAsync(Root + "/folders", Json(json));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return await created.JsonAsync();
    }

    /// <summary>PUT of a binary; <paramref name="digestHeader"/> is sent as is under <paramref name="digestName"/> when given.</summary>
    public static async Task<HttpResponseMessage> PutBinaryAsync(HttpClient client, string url, byte[] content, string? digestHeader = null, string digestName = "digest")
    {
        using var put = new HttpRequestMessage(HttpMethod.Put, url) { Content = new ByteArrayContent(content) };
        put.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
        if (digestHeader is not null)
        {
            put.Headers.TryAddWithoutValidation(digestName, digestHeader);
        }

        return await client.SendAsync(put);
    }

    public static async Task UploadFolderAttachmentAsync(HttpClient osl, Guid folderId, Guid attachmentId, byte[] content)
    {
        using var put = await PutBinaryAsync(osl, $"{Root}/folders/{folderId}/attachments/{attachmentId}", content, Digest(content));
        put.StatusCode.ShouldBe(HttpStatusCode.NoContent, await put.Content.ReadAsStringAsync());
    }

    public static async Task CompleteAsync(HttpClient osl, Guid folderId)
    {
        using var completed = await osl.PatchAsync($"{Root}/folders/{folderId}", Json("""{"globalStatus":"HUBEE_COMPLETED"}"""));
        completed.StatusCode.ShouldBe(HttpStatusCode.NoContent, await completed.Content.ReadAsStringAsync());
    }

    /// <summary>POST /cases/{id}/events; asserts 201 and returns the event.</summary>
    public static async Task<JsonElement> PostEventAsync(HttpClient client, Guid caseId, string json)
    {
        using var created = await client.PostAsync($"{Root}/cases/{caseId}/events", Json(json));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return await created.JsonAsync();
    }

    public static string StatusEvent(string newStatus, bool notification = true) =>
        $$"""{"actionType":"STATUS_UPDATE","caseNewStatus":"{{newStatus}}","notification":{{(notification ? "true" : "false")}},"author":"Service état civil"}""";

    /// <summary>An ATTACH_DEPOSIT event declaring one PDF of <paramref name="size"/> bytes.</summary>
    public static string DepositEvent(long size, string? caseNewStatus = null, bool notification = true)
    {
        var newStatus = caseNewStatus is null ? "null" : '"' + caseNewStatus + '"';
        return $$"""
        {"actionType":"ATTACH_DEPOSIT","notification":{{(notification ? "true" : "false")}},"author":"Agent",
         "caseNewStatus":{{newStatus}},
         "attachments":[{"fileName":"piece.pdf","type":"recapPDF","size":{{size}},"mimeType":"application/pdf"}]}
        """;
    }

    public static async Task<JsonElement> GetJsonAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.JsonAsync();
    }

    public static Task<JsonElement> GetCaseAsync(HttpClient client, Guid caseId) => GetJsonAsync(client, $"{Root}/cases/{caseId}");

    public static async Task<string> CaseStatusAsync(HttpClient client, Guid caseId) =>
        (await GetJsonAsync(client, $"{Root}/cases/{caseId}?lite=true")).GetProperty("status").GetString()!;

    public static async Task<List<JsonElement>> NotificationsAsync(HttpClient client, string query = "maxResult=100000&eventDetails=true") =>
        (await GetJsonAsync(client, $"{Root}/notifications?{query}")).EnumerateArray().ToList();

    /// <summary>The caller's pending notifications about one case.</summary>
    public static async Task<List<JsonElement>> NotificationsForCaseAsync(HttpClient client, Guid caseId) =>
        (await NotificationsAsync(client)).Where(n => n.GetProperty("caseId").GetGuid() == caseId).ToList();

    public static async Task<HttpResponseMessage> PatchStatusAsync(HttpClient client, string url, string field, string status) =>
        await client.PatchAsync(url, Json($$"""{"{{field}}":"{{status}}"}"""));

    public static async Task ShouldBeStatusAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        using (response)
        {
            response.StatusCode.ShouldBe(status, await response.Content.ReadAsStringAsync());
        }
    }

    public static Guid Id(this JsonElement e) => e.GetProperty("id").GetGuid();

    public static string? Str(this JsonElement e, string property) => e.GetProperty(property).GetString();
}
