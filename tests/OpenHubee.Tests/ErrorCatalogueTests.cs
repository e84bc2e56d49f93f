using System.Net;
using System.Text.Json;
using OpenHubee.Tests.Infrastructure;
using static OpenHubee.Tests.Infrastructure.HubApi;

namespace OpenHubee.Tests;

/// <summary>The exact error strings of api.md §5.2, in the contract's body, endpoint by endpoint.</summary>
public sealed class ErrorCatalogueTests : IClassFixture<HubFactory>
{
    private readonly HubFactory hub;

    public ErrorCatalogueTests(HubFactory hub) => this.hub = hub;

    [Fact]
    public async Task Notification_errors_use_the_gateway_texts()
    {
        var si = await hub.LimogesEtatCivilAsync();
        await (await si.GetAsync($"{Root}/notifications?maxResult=abc")).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            "Bad Request : Validation failed.\n[ERROR][REQUEST][GET /teledossiers/v1/notifications @query.maxResult] Instance type (string) does not match any allowed primitive type (allowed: [\"integer\",\"number\"]");
        await (await si.DeleteAsync($"{Root}/notifications/dddddd")).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            "Bad Request : Validation failed.\n[ERROR][REQUEST][DELETE /teledossiers/v1/notifications/dddddd @path.notificationId] Input string \"dddddd\" is not a valid UUID");
        await (await si.DeleteAsync($"{Root}/notifications/{Guid.NewGuid()}")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "Notification is not found");
    }

    [Fact]
    public async Task Folder_creation_errors_name_what_is_wrong()
    {
        var osl = await hub.DilaAsync();
        var valid = JsonDocument.Parse(FolderJson("DILA-AEC-7000000000001", 10)).RootElement;
        var withoutApplicant = JsonSerializer.Serialize(valid.EnumerateObject().Where(p => p.Name != "applicant").ToDictionary(p => p.Name, p => p.Value));
        await (await osl.PostAsync($"{Root}/folders", Json(withoutApplicant))).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            "Bad Request : Validation failed.\n[ERROR][REQUEST][POST /teledossiers/v1/folders @body] Object has missing required properties ([\"applicant\"])");
        await (await osl.PostAsync($"{Root}/folders", Json("{}"))).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            "Bad Request : Validation failed.\n[ERROR][REQUEST][POST /teledossiers/v1/folders @body] Object has missing required properties ([\"applicant\",\"attachments\",\"cases\",\"externalId\",\"processCode\"])");

        const string unknown = """{"type":"SI","companyRegister":"11001401600011","branchCode":"75108"}""";
        await (await osl.PostAsync($"{Root}/folders", Json(FolderJson("DILA-AEC-7000000000002", 10, unknown)))).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            "Case recipient SI-11001401600011-75108 does not exist");
        await (await osl.PostAsync($"{Root}/folders", Json(FolderJson("DILA-DDPACS-7000000000003", 10, Bordeaux, "depotDossierPACS")))).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            "Case recipient SI-21330063500017-33063 does not suscribed to depotDossierPACS");
        (await osl.PostAsync($"{Root}/folders", Json("{\"processCode\":"))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Unknown_ids_give_each_endpoint_its_own_not_found_text()
    {
        var osl = await hub.DilaAsync();
        var si = await hub.LimogesEtatCivilAsync();
        var (folderId, caseId, ids, content) = await SendFolderAsync(osl, "DILA-AEC-7000000000004");
        var ev = await PostEventAsync(si, caseId, DepositEvent(content.Length));
        var nobody = Guid.NewGuid();
        var folder = $"{Root}/folders/{nobody}";

        await (await osl.GetAsync(folder)).ShouldBeErrorAsync(HttpStatusCode.NotFound, "Folder is not found");
        await (await osl.PatchAsync(folder, Json("""{"globalStatus":"CLOSED"}"""))).ShouldBeErrorAsync(HttpStatusCode.NotFound, "Folder is not found");
        await (await osl.DeleteAsync(folder)).ShouldBeErrorAsync(HttpStatusCode.NotFound, "Folder is not found");
        await (await PutBinaryAsync(osl, $"{folder}/attachments/{ids[0]}", content)).ShouldBeErrorAsync(HttpStatusCode.NotFound, "Folder is not found");
        var received = await CreateFolderAsync(osl, FolderJson("DILA-AEC-7000000000005", 10));
        await (await PutBinaryAsync(osl, $"{Root}/folders/{received.Id()}/attachments/{nobody}", new byte[10])).ShouldBeErrorAsync(HttpStatusCode.NotFound, "Binary meta-data is not found");

        await (await si.GetAsync($"{Root}/cases/{nobody}")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "Case is not found");
        await (await si.PatchAsync($"{Root}/cases/{nobody}", Json("""{"status":"SI_RECEIVED"}"""))).ShouldBeErrorAsync(HttpStatusCode.NotFound, "Case is not found");
        await (await si.PostAsync($"{Root}/cases/{nobody}/events", Json(StatusEvent("SI_RECEIVED")))).ShouldBeErrorAsync(HttpStatusCode.NotFound, "Case is not found");
        await (await si.GetAsync($"{Root}/cases/{caseId}/attachments/{nobody}")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "File is not found");

        var eventUrl = $"{Root}/cases/{caseId}/events/{nobody}";
        await (await si.GetAsync(eventUrl)).ShouldBeErrorAsync(HttpStatusCode.NotFound, "event is not found");
        await (await si.PatchAsync(eventUrl, Json("""{"status":"SENT"}"""))).ShouldBeErrorAsync(HttpStatusCode.NotFound, "event is not found");
        await (await si.DeleteAsync(eventUrl)).ShouldBeErrorAsync(HttpStatusCode.NotFound, "Event is not found");
        await (await PutBinaryAsync(si, $"{Root}/cases/{caseId}/events/{ev.Id()}/attachments/{nobody}", content)).ShouldBeErrorAsync(HttpStatusCode.NotFound, "Binary meta-data is not found");
        await (await si.GetAsync($"{Root}/cases/{caseId}/events/{ev.Id()}/attachments/{nobody}")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "file is not found");
        // A case attachment is not an event attachment, and the other way round.
        await (await si.GetAsync($"{Root}/cases/{caseId}/events/{ev.Id()}/attachments/{ids[0]}")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "file is not found");
        await (await si.GetAsync($"{Root}/cases/{caseId}/attachments/{ev.GetProperty("attachments")[0].Id()}")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "File is not found");

        // Ids that are not UUIDs.
        await (await osl.GetAsync($"{Root}/folders/123")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        await (await si.GetAsync($"{Root}/cases/abc")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        await (await si.GetAsync($"{Root}/cases/{caseId}/events/xyz")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        folderId.ShouldNotBe(Guid.Empty);
    }

    [Fact]
    public async Task A_binary_of_the_wrong_size_is_rejected_stored_nowhere_and_can_be_sent_again()
    {
        var osl = await hub.DilaAsync();
        var pdf = SamplePdf();
        var folder = await CreateFolderAsync(osl, FolderJson("DILA-AEC-7000000000006", pdf.Length, attachments: 2));
        var (a0, a1) = (folder.GetProperty("attachments")[0].Id(), folder.GetProperty("attachments")[1].Id());
        var url = $"{Root}/folders/{folder.Id()}/attachments/{a0}";
        var blobs = hub.StoredBlobs().Count;

        await (await PutBinaryAsync(osl, url, pdf[..^1])).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Size does not match with attachment meta-data");
        (await AttachmentStatusAsync(osl, folder.Id(), a0)).ShouldBe("REJECTED");
        // Without Content-Length (chunked) the stream is measured while it is stored.
        using (var chunked = new HttpRequestMessage(HttpMethod.Put, url) { Content = new StreamContent(new UnknownLengthStream([.. pdf, 1, 2, 3])) })
        {
            await (await osl.SendAsync(chunked)).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Size does not match with attachment meta-data");
        }

        // A wrong digest is refused too.
        (await PutBinaryAsync(osl, url, pdf, Digest([1, 2, 3]))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await AttachmentStatusAsync(osl, folder.Id(), a0)).ShouldBe("REJECTED");
        (await PutBinaryAsync(osl, url, pdf, "sha-256=" + Digest([1, 2, 3]), "Digest")).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        hub.StoredBlobs().Count.ShouldBe(blobs, "nothing is kept of a rejected upload");

        // The right bytes are accepted while the folder is still HUBEE_RECEIVED.
        await (await PutBinaryAsync(osl, url, pdf, Digest(pdf))).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        (await AttachmentStatusAsync(osl, folder.Id(), a0)).ShouldBe("RECEIVED");
        using (var chunked = new HttpRequestMessage(HttpMethod.Put, $"{Root}/folders/{folder.Id()}/attachments/{a1}") { Content = new StreamContent(new UnknownLengthStream(pdf)) })
        {
            await (await osl.SendAsync(chunked)).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        }

        hub.StoredBlobs().Count.ShouldBe(blobs + 2);
        await CompleteAsync(osl, folder.Id());
        // Once completed, the folder's binaries are frozen.
        await (await PutBinaryAsync(osl, url, pdf)).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
    }

    [Fact]
    public async Task An_event_binary_of_the_wrong_size_or_digest_is_rejected()
    {
        var osl = await hub.DilaAsync();
        var si = await hub.LimogesEtatCivilAsync();
        var (_, caseId, _, content) = await SendFolderAsync(osl, "DILA-AEC-7000000000007");
        var ev = await PostEventAsync(si, caseId, DepositEvent(content.Length));
        var eventUrl = $"{Root}/cases/{caseId}/events/{ev.Id()}";
        var url = $"{eventUrl}/attachments/{ev.GetProperty("attachments")[0].Id()}";

        await (await PutBinaryAsync(si, url, [.. content, 0])).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Size does not match with attachment meta-data");
        (await GetJsonAsync(si, eventUrl)).GetProperty("attachments")[0].Str("status").ShouldBe("REJECTED");
        (await PutBinaryAsync(si, url, content, Digest([9]))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        await (await PatchStatusAsync(si, eventUrl, "status", "SENT")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        await (await PutBinaryAsync(si, url, content, Digest(content))).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        await (await PatchStatusAsync(si, eventUrl, "status", "SENT")).ShouldBeStatusAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task Framework_errors_carry_the_contract_body_too()
    {
        var osl = await hub.DilaAsync();
        var (folderId, _, _, _) = await SendFolderAsync(osl, "DILA-AEC-7000000000008");
        // A method the route does not have.
        await (await osl.PutAsync($"{Root}/folders/{folderId}", Json("{}"))).ShouldBeErrorAsync(HttpStatusCode.MethodNotAllowed, "Method not allowed");
        using var unknown = await osl.GetAsync($"{Root}/nothing-here");
        unknown.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        var error = (await unknown.JsonAsync()).GetProperty("errors")[0];
        error.GetProperty("code").GetInt32().ShouldBe(404);
        error.Str("message").ShouldNotBeNullOrEmpty();
    }

    private static async Task<string?> AttachmentStatusAsync(HttpClient osl, Guid folderId, Guid attachmentId) =>
        (await GetJsonAsync(osl, $"{Root}/folders/{folderId}")).GetProperty("attachments").EnumerateArray().Single(a => a.Id() == attachmentId).Str("status");

    /// <summary>A stream that hides its length, so that HttpClient sends it chunked.</summary>
    private sealed class UnknownLengthStream(byte[] content) : MemoryStream(content)
    {
        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();
    }
}
