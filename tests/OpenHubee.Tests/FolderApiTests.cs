using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using OpenHubee.Tests.Infrastructure;
using static OpenHubee.Tests.Infrastructure.HubApi;

namespace OpenHubee.Tests;

/// <summary>Folders from the operator's side: creation, upload, completion, closure, reopening, deletion (api.md §3.1, §3.2).</summary>
public sealed class FolderApiTests : IClassFixture<HubFactory>
{
    private readonly HubFactory hub;

    public FolderApiTests(HubFactory hub) => this.hub = hub;

    [Fact]
    public async Task A_folder_for_two_communes_is_created_uploaded_completed_and_notified_once_per_case()
    {
        var osl = await hub.DilaAsync();
        osl.DefaultRequestHeaders.Add("editorName", "DILA");
        osl.DefaultRequestHeaders.Add("applicationName", "service-public.fr");
        osl.DefaultRequestHeaders.Add("softwareVersion", "4.2.1");
        var pdf = SamplePdf();
        var xml = "<acte>naissance</acte>"u8.ToArray();
        var folder = await CreateFolderAsync(osl, $$"""
            {"processCode":"EtatCivil","externalId":"DILA-AEC-2000000000001",
             "applicant":{"firstName":"Jeanne","lastName":"MARTIN","email":null},
             "cases":[{"recipient":{{Limoges}},"externalId":"DILA-AEC-2000000000001-01","partnerAttributes":"statut=17"},
                      {"recipient":{{Bordeaux}},"externalId":"DILA-AEC-2000000000001-02"}],
             "attachments":[{"fileName":"recap.pdf","type":"recapPDF","size":{{pdf.Length}},"mimeType":"application/pdf","recipients":["DILA-AEC-2000000000001-01","DILA-AEC-2000000000001-02"]},
                            {"fileName":"acte.xml","type":"ActeEtatCivil-XML","size":{{xml.Length}},"mimeType":"application/xml","recipients":["DILA-AEC-2000000000001-02"]}]}
            """);

        folder.Str("globalStatus").ShouldBe("HUBEE_RECEIVED");
        var partnerInfo = folder.GetProperty("partnerInfo");
        (partnerInfo.Str("editorName"), partnerInfo.Str("applicationName"), partnerInfo.Str("softwareVersion")).ShouldBe(("DILA", "service-public.fr", "4.2.1"));
        var cases = folder.GetProperty("cases").EnumerateArray().ToList();
        cases.Select(c => c.Str("externalId")).ShouldBe(["DILA-AEC-2000000000001-01", "DILA-AEC-2000000000001-02"]);
        cases.Select(c => c.GetProperty("recipient").Str("branchCode")).ShouldBe(["87085", "33063"]);
        cases.ShouldAllBe(c => c.Str("status") == "HUBEE_RECEIVED");
        var attachments = folder.GetProperty("attachments").EnumerateArray().ToList();
        attachments.Select(a => a.Str("fileName")).ShouldBe(["recap.pdf", "acte.xml"]);
        attachments.ShouldAllBe(a => a.Str("status") == "PENDING");
        attachments[1].GetProperty("recipients").EnumerateArray().Select(r => r.GetString()).ShouldBe(["DILA-AEC-2000000000001-02"]);
        var (folderId, limogesCase, bordeauxCase) = (folder.Id(), cases[0].Id(), cases[1].Id());

        // Both digest header forms are accepted (decision 24).
        await (await PutBinaryAsync(osl, $"{Root}/folders/{folderId}/attachments/{attachments[0].Id()}", pdf, Digest(pdf))).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        await (await PutBinaryAsync(osl, $"{Root}/folders/{folderId}/attachments/{attachments[1].Id()}", xml, "sha-256=" + Digest(xml), "Digest")).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        var uploaded = await GetJsonAsync(osl, $"{Root}/folders/{folderId}");
        uploaded.GetProperty("attachments").EnumerateArray().ShouldAllBe(a => a.Str("status") == "RECEIVED");

        await CompleteAsync(osl, folderId);

        var completed = await GetJsonAsync(osl, $"{Root}/folders/{folderId}");
        completed.Str("globalStatus").ShouldBe("HUBEE_NOTIFIED");
        completed.GetProperty("cases").EnumerateArray().ShouldAllBe(c => c.Str("status") == "HUBEE_NOTIFIED");

        var limoges = await hub.LimogesEtatCivilAsync();
        var bordeaux = await hub.BordeauxEtatCivilAsync();
        var toLimoges = await NotificationsForCaseAsync(limoges, limogesCase);
        toLimoges.Count.ShouldBe(1);
        toLimoges[0].GetProperty("eventId").ValueKind.ShouldBe(JsonValueKind.Null);
        toLimoges[0].GetProperty("transmitter").Str("companyRegister").ShouldBe("13000918600011");
        toLimoges[0].GetProperty("recipient").Str("branchCode").ShouldBe("87085");
        var toBordeaux = await NotificationsForCaseAsync(bordeaux, bordeauxCase);
        toBordeaux.Count.ShouldBe(1);
        toBordeaux[0].GetProperty("eventId").ValueKind.ShouldBe(JsonValueKind.Null);
        (await NotificationsForCaseAsync(bordeaux, limogesCase)).ShouldBeEmpty();
        (await NotificationsForCaseAsync(limoges, bordeauxCase)).ShouldBeEmpty();

        // Each SI sees its case with the attachments addressed to it, inherited applicant included.
        var seenByLimoges = await GetCaseAsync(limoges, limogesCase);
        seenByLimoges.Str("status").ShouldBe("HUBEE_NOTIFIED");
        seenByLimoges.Str("partnerAttributes").ShouldBe("statut=17");
        seenByLimoges.GetProperty("applicant").Str("firstName").ShouldBe("Jeanne");
        seenByLimoges.GetProperty("attachments").EnumerateArray().Select(a => a.Id()).ShouldBe([attachments[0].Id()]);
        var seenByBordeaux = await GetCaseAsync(bordeaux, bordeauxCase);
        seenByBordeaux.GetProperty("attachments").EnumerateArray().Select(a => a.Id()).ShouldBe([attachments[0].Id(), attachments[1].Id()]);

        using var download = await bordeaux.GetAsync($"{Root}/cases/{bordeauxCase}/attachments/{attachments[1].Id()}");
        download.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await download.Content.ReadAsByteArrayAsync()).ShouldBe(xml);
        download.Headers.GetValues("digest").Single().ShouldBe(Digest(xml));
        // The XML is not addressed to Limoges.
        await (await limoges.GetAsync($"{Root}/cases/{limogesCase}/attachments/{attachments[1].Id()}")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "File is not found");
    }

    [Fact]
    public async Task Downloads_honour_http_ranges_and_carry_the_digest()
    {
        var osl = await hub.DilaAsync();
        var (_, caseId, ids, content) = await SendFolderAsync(osl, "DILA-AEC-2000000000002");
        var si = await hub.LimogesEtatCivilAsync();

        using var request = new HttpRequestMessage(HttpMethod.Get, $"{Root}/cases/{caseId}/attachments/{ids[0]}");
        request.Headers.Range = new RangeHeaderValue(100, 299);
        using var partial = await si.SendAsync(request);
        partial.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        (await partial.Content.ReadAsByteArrayAsync()).ShouldBe(content[100..300]);
        partial.Content.Headers.ContentRange!.Length.ShouldBe(content.Length);
        partial.Headers.GetValues("digest").Single().ShouldBe(Digest(content));

        // The event attachment endpoint too.
        var ev = await PostEventAsync(si, caseId, DepositEvent(content.Length));
        var aid = ev.GetProperty("attachments")[0].Id();
        await (await PutBinaryAsync(si, $"{Root}/cases/{caseId}/events/{ev.Id()}/attachments/{aid}", content, Digest(content))).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        await (await PatchStatusAsync(si, $"{Root}/cases/{caseId}/events/{ev.Id()}", "status", "SENT")).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        using var eventRequest = new HttpRequestMessage(HttpMethod.Get, $"{Root}/cases/{caseId}/events/{ev.Id()}/attachments/{aid}");
        eventRequest.Headers.Range = new RangeHeaderValue(null, 10);
        using var tail = await osl.SendAsync(eventRequest);
        tail.StatusCode.ShouldBe(HttpStatusCode.PartialContent);
        (await tail.Content.ReadAsByteArrayAsync()).ShouldBe(content[^10..]);
        tail.Headers.GetValues("digest").Single().ShouldBe(Digest(content));
    }

    [Fact]
    public async Task Post_with_the_patch_override_updates_folders_cases_and_events_and_without_it_is_405()
    {
        var osl = await hub.DilaAsync();
        var si = await hub.LimogesEtatCivilAsync();
        var (folderId, caseId, _, content) = await SendFolderAsync(osl, "DILA-AEC-2000000000003");

        await (await osl.PostAsync($"{Root}/folders/{folderId}", Json("""{"globalStatus":"CLOSED"}""")))
            .ShouldBeErrorAsync(HttpStatusCode.MethodNotAllowed, "Method not allowed");
        await (await si.PostAsync($"{Root}/cases/{caseId}", Json("""{"status":"SI_RECEIVED"}""")))
            .ShouldBeErrorAsync(HttpStatusCode.MethodNotAllowed, "Method not allowed");
        (await CaseStatusAsync(si, caseId)).ShouldBe("HUBEE_NOTIFIED");

        await (await PostOverrideAsync(si, $"{Root}/cases/{caseId}", """{"status":"SI_RECEIVED"}""")).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        (await CaseStatusAsync(si, caseId)).ShouldBe("SI_RECEIVED");

        var ev = await PostEventAsync(si, caseId, DepositEvent(content.Length));
        await (await PutBinaryAsync(si, $"{Root}/cases/{caseId}/events/{ev.Id()}/attachments/{ev.GetProperty("attachments")[0].Id()}", content)).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        await (await si.PostAsync($"{Root}/cases/{caseId}/events/{ev.Id()}", Json("""{"status":"SENT"}""")))
            .ShouldBeErrorAsync(HttpStatusCode.MethodNotAllowed, "Method not allowed");
        await (await PostOverrideAsync(si, $"{Root}/cases/{caseId}/events/{ev.Id()}", """{"status":"SENT"}""")).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        (await GetJsonAsync(si, $"{Root}/cases/{caseId}/events/{ev.Id()}")).Str("status").ShouldBe("SENT");

        await (await PostOverrideAsync(si, $"{Root}/cases/{caseId}", """{"status":"DONE"}""")).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        await (await PostOverrideAsync(osl, $"{Root}/cases/{caseId}", """{"status":"CLOSED"}""")).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        await (await PostOverrideAsync(osl, $"{Root}/folders/{folderId}", """{"globalStatus":"CLOSED"}""")).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        var folder = await GetJsonAsync(osl, $"{Root}/folders/{folderId}");
        folder.Str("globalStatus").ShouldBe("CLOSED");
        folder.GetProperty("closeDateTime").ValueKind.ShouldBe(JsonValueKind.String);
    }

    [Fact]
    public async Task The_operator_closes_then_reopens_a_case_with_new_attachments_as_in_flow_F()
    {
        var osl = await hub.DilaAsync();
        var si = await hub.LimogesEtatCivilAsync();
        var (folderId, caseId, _, content) = await SendFolderAsync(osl, "DILA-AEC-2000000000004");
        await PostEventAsync(si, caseId, StatusEvent("SI_RECEIVED"));
        await PostEventAsync(si, caseId, StatusEvent("DONE"));

        // An SI cannot close; the operator can.
        await (await PatchStatusAsync(si, $"{Root}/cases/{caseId}", "status", "CLOSED")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        await (await si.PostAsync($"{Root}/cases/{caseId}/events", Json(StatusEvent("CLOSED")))).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        (await CaseStatusAsync(si, caseId)).ShouldBe("DONE");
        await (await PatchStatusAsync(osl, $"{Root}/cases/{caseId}", "status", "CLOSED")).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        await (await PatchStatusAsync(osl, $"{Root}/folders/{folderId}", "globalStatus", "CLOSED")).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        var closed = await GetCaseAsync(si, caseId);
        closed.Str("status").ShouldBe("CLOSED");
        closed.GetProperty("closeDateTime").ValueKind.ShouldBe(JsonValueKind.String);

        // After CLOSED the SI cannot move the case any more.
        await (await PatchStatusAsync(si, $"{Root}/cases/{caseId}", "status", "IN_PROGRESS")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        await (await si.PostAsync($"{Root}/cases/{caseId}/events", Json(StatusEvent("IN_PROGRESS")))).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        (await CaseStatusAsync(si, caseId)).ShouldBe("CLOSED");

        // Flow F of the official kit.
        var before = (await NotificationsForCaseAsync(si, caseId)).Count;
        var complement = "complément du dossier"u8.ToArray();
        var ev = await PostEventAsync(osl, caseId, $$"""
            {"actionType":"ATTACH_DEPOSIT","caseCurrentStatus":"CLOSED","caseNewStatus":"HUBEE_NOTIFIED","notification":true,"author":"DILA",
             "attachments":[{"fileName":"complement.pdf","type":"recapPDF","size":{{complement.Length}},"mimeType":"application/pdf"}]}
            """);
        ev.Str("status").ShouldBe("IN_PROGRESS");
        ev.Str("caseCurrentStatus").ShouldBe("CLOSED");
        var aid = ev.GetProperty("attachments")[0].Id();
        await (await PutBinaryAsync(osl, $"{Root}/cases/{caseId}/events/{ev.Id()}/attachments/{aid}", complement, Digest(complement))).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        await (await PatchStatusAsync(osl, $"{Root}/cases/{caseId}", "status", "HUBEE_NOTIFIED")).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        (await NotificationsForCaseAsync(si, caseId)).Count.ShouldBe(before, "PATCH case never notifies");
        await (await PatchStatusAsync(osl, $"{Root}/cases/{caseId}/events/{ev.Id()}", "status", "SENT")).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        await (await PatchStatusAsync(osl, $"{Root}/folders/{folderId}", "globalStatus", "HUBEE_NOTIFIED")).ShouldBeStatusAsync(HttpStatusCode.NoContent);

        (await GetJsonAsync(osl, $"{Root}/folders/{folderId}")).Str("globalStatus").ShouldBe("HUBEE_NOTIFIED");
        (await CaseStatusAsync(si, caseId)).ShouldBe("HUBEE_NOTIFIED");
        var notified = (await NotificationsForCaseAsync(si, caseId)).Where(n => n.GetProperty("eventId").ValueKind != JsonValueKind.Null && n.GetProperty("eventId").GetGuid() == ev.Id()).ToList();
        notified.Count.ShouldBe(1);
        notified[0].Str("eventActionType").ShouldBe("ATTACH_DEPOSIT");
        notified[0].Str("eventStatus").ShouldBe("SENT");

        // The reopened case can be processed again by the SI, and the complement downloaded.
        using var download = await si.GetAsync($"{Root}/cases/{caseId}/events/{ev.Id()}/attachments/{aid}");
        (await download.Content.ReadAsByteArrayAsync()).ShouldBe(complement);
        await PostEventAsync(si, caseId, StatusEvent("IN_PROGRESS"));
        (await CaseStatusAsync(si, caseId)).ShouldBe("IN_PROGRESS");
    }

    [Fact]
    public async Task A_folder_can_be_deleted_only_while_received_without_events_or_notifications()
    {
        var osl = await hub.DilaAsync();
        var pdf = SamplePdf();
        var folder = await CreateFolderAsync(osl, FolderJson("DILA-AEC-2000000000005", pdf.Length));
        await UploadFolderAttachmentAsync(osl, folder.Id(), folder.GetProperty("attachments")[0].Id(), pdf);
        var blobs = hub.StoredBlobs().Count;

        await (await osl.DeleteAsync($"{Root}/folders/{folder.Id()}")).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        await (await osl.GetAsync($"{Root}/folders/{folder.Id()}")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "Folder is not found");
        await (await osl.DeleteAsync($"{Root}/folders/{folder.Id()}")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "Folder is not found");
        await (await osl.GetAsync($"{Root}/cases/{folder.GetProperty("cases")[0].Id()}")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "Case is not found");
        hub.StoredBlobs().Count.ShouldBe(blobs - 1, "the binary goes with the folder");

        // Completed (hence notified): no longer deletable.
        var (sentId, _, _, _) = await SendFolderAsync(osl, "DILA-AEC-2000000000006");
        await (await osl.DeleteAsync($"{Root}/folders/{sentId}")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        (await GetJsonAsync(osl, $"{Root}/folders/{sentId}")).Str("globalStatus").ShouldBe("HUBEE_NOTIFIED");

        // Another operator may not delete it.
        var dgs = await hub.ClientAsync("demo-dgs", "OSL");
        var other = await CreateFolderAsync(osl, FolderJson("DILA-AEC-2000000000007", pdf.Length));
        await (await dgs.DeleteAsync($"{Root}/folders/{other.Id()}")).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        (await GetJsonAsync(osl, $"{Root}/folders/{other.Id()}")).Str("globalStatus").ShouldBe("HUBEE_RECEIVED");
    }

    [Fact]
    public async Task Folder_status_changes_are_checked()
    {
        var osl = await hub.DilaAsync();
        var pdf = SamplePdf();
        var folder = await CreateFolderAsync(osl, FolderJson("DILA-AEC-2000000000008", pdf.Length));
        var url = $"{Root}/folders/{folder.Id()}";

        // Nothing but completion before completion; never back to HUBEE_RECEIVED; unknown values refused.
        await (await PatchStatusAsync(osl, url, "globalStatus", "CLOSED")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        await (await PatchStatusAsync(osl, url, "globalStatus", "NOT_A_STATUS")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        await (await osl.PatchAsync(url, Json("{}"))).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        // The binary is still PENDING (decision 22: completion waits for every file).
        (await osl.PatchAsync(url, Json("""{"globalStatus":"HUBEE_COMPLETED"}"""))).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        await UploadFolderAttachmentAsync(osl, folder.Id(), folder.GetProperty("attachments")[0].Id(), pdf);
        await CompleteAsync(osl, folder.Id());
        await (await PatchStatusAsync(osl, url, "globalStatus", "HUBEE_COMPLETED")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        await (await PatchStatusAsync(osl, url, "globalStatus", "HUBEE_RECEIVED")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        (await GetJsonAsync(osl, url)).Str("globalStatus").ShouldBe("HUBEE_NOTIFIED");
        // Completing twice does not notify twice.
        (await NotificationsForCaseAsync(await hub.LimogesEtatCivilAsync(), folder.GetProperty("cases")[0].Id())).Count.ShouldBe(1);
    }

    [Fact]
    public async Task A_folder_completes_despite_a_rejected_file_which_the_si_then_cannot_download()
    {
        var osl = await hub.DilaAsync();
        var si = await hub.LimogesEtatCivilAsync();
        var pdf = SamplePdf();
        var folder = await CreateFolderAsync(osl, FolderJson("DILA-AEC-2000000000009", pdf.Length, attachments: 2));
        var (good, bad) = (folder.GetProperty("attachments")[0].Id(), folder.GetProperty("attachments")[1].Id());
        var caseId = folder.GetProperty("cases")[0].Id();

        // Before completion nothing happens on the case, and the SI does not see it yet (not transmitted).
        await (await osl.PostAsync($"{Root}/cases/{caseId}/events", Json("""{"actionType":"COM_ADD","notification":true}"""))).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        await UploadFolderAttachmentAsync(osl, folder.Id(), good, pdf);
        await (await si.GetAsync($"{Root}/cases/{caseId}")).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        await (await si.GetAsync($"{Root}/cases/{caseId}/attachments/{good}")).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        await (await PatchStatusAsync(si, $"{Root}/cases/{caseId}", "status", "SI_RECEIVED")).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        await (await si.PostAsync($"{Root}/cases/{caseId}/events", Json(StatusEvent("SI_RECEIVED")))).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        (await NotificationsForCaseAsync(si, caseId)).ShouldBeEmpty();

        (await PutBinaryAsync(osl, $"{Root}/folders/{folder.Id()}/attachments/{bad}", pdf[..10])).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        // The SFD allows completion "même en cas de rejet d'une PJ".
        await CompleteAsync(osl, folder.Id());

        var seen = await GetCaseAsync(si, caseId);
        seen.GetProperty("attachments").EnumerateArray().Select(a => a.Str("status")).ShouldBe(["RECEIVED", "REJECTED"]);
        await (await si.GetAsync($"{Root}/cases/{caseId}/attachments/{bad}")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "File is not found");
        using var download = await si.GetAsync($"{Root}/cases/{caseId}/attachments/{good}");
        (await download.Content.ReadAsByteArrayAsync()).ShouldBe(pdf);
    }

    private static async Task<HttpResponseMessage> PostOverrideAsync(HttpClient client, string url, string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = Json(json) };
        request.Headers.Add("X-HTTP-Method-Override", "PATCH");
        return await client.SendAsync(request);
    }
}
