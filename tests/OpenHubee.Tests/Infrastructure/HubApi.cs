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
        response.StatusCode.ShouldBe(status, body);
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

    /// <summary>Creates a folder with one case for Limoges, uploads its attachments and completes it.</summary>
    public static async Task<(Guid FolderId, Guid CaseId, Guid[] AttachmentIds, byte[] Content)> SendFolderAsync(HttpClient osl, string externalId, string recipient = Limoges, string processCode = "EtatCivil", int attachments = 1)
    {
        var content = await File.ReadAllBytesAsync(FixturePath("DEPOTDOSSIERPACS/recapPDF.pdf"));
        var created = await osl.PostAsync("/teledossiers/v1/folders", Json(FolderJson(externalId, content.Length, recipient, processCode, attachments: attachments)));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var folder = await created.JsonAsync();
        var folderId = folder.GetProperty("id").GetGuid();
        var ids = folder.GetProperty("attachments").EnumerateArray().Select(a => a.GetProperty("id").GetGuid()).ToArray();
        foreach (var id in ids)
        {
            using var put = new HttpRequestMessage(HttpMethod.Put, $"/teledossiers/v1/folders/{folderId}/attachments/{id}") { Content = new ByteArrayContent(content) };
            put.Headers.Add("digest", Digest(content));
            (await osl.SendAsync(put)).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        var completed = await osl.PatchAsync($"/teledossiers/v1/folders/{folderId}", Json("""{"globalStatus":"HUBEE_COMPLETED"}"""));
        completed.StatusCode.ShouldBe(HttpStatusCode.NoContent, await completed.Content.ReadAsStringAsync());
        return (folderId, folder.GetProperty("cases")[0].GetProperty("id").GetGuid(), ids, content);
    }
}
