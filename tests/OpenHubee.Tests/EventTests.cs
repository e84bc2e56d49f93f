using System.Net;
using System.Text.Json;
using OpenHubee.Tests.Infrastructure;
using static OpenHubee.Tests.Infrastructure.HubApi;

namespace OpenHubee.Tests;

/// <summary>Events both ways between operator and instructing service (api.md §2.7, §3.3, §3.5).</summary>
public sealed class EventTests : IClassFixture<HubFactory>
{
    private readonly HubFactory hub;

    public EventTests(HubFactory hub) => this.hub = hub;

    [Fact]
    public async Task A_status_update_from_the_si_moves_the_case_and_notifies_the_operator()
    {
        var osl = await hub.DilaAsync();
        var si = await hub.LimogesEtatCivilAsync();
        si.DefaultRequestHeaders.Add("editorName", "Arpège");
        si.DefaultRequestHeaders.Add("applicationName", "Adagio");
        var (_, caseId, _, _) = await SendFolderAsync(osl, "DILA-AEC-3000000000001");

        // caseCurrentStatus is informative: a stale value is accepted and the real prior status stored (decision 26).
        var ev = await PostEventAsync(si, caseId, """
            {"actionType":"STATUS_UPDATE","caseCurrentStatus":"IN_PROGRESS","caseNewStatus":"SI_RECEIVED","notification":true,"author":"Mairie","message":"Bien reçu"}
            """);
        ev.Str("status").ShouldBe("SENT");
        ev.Str("caseCurrentStatus").ShouldBe("HUBEE_NOTIFIED");
        ev.Str("caseNewStatus").ShouldBe("SI_RECEIVED");
        ev.GetProperty("transmitter").Str("branchCode").ShouldBe("87085");
        ev.GetProperty("partnerInfo").Str("editorName").ShouldBe("Arpège");
        ev.GetProperty("partnerInfo").GetProperty("softwareVersion").ValueKind.ShouldBe(JsonValueKind.Null);
        (await CaseStatusAsync(si, caseId)).ShouldBe("SI_RECEIVED");

        var toOperator = (await NotificationsForCaseAsync(osl, caseId)).Single();
        toOperator.GetProperty("eventId").GetGuid().ShouldBe(ev.Id());
        toOperator.Str("eventActionType").ShouldBe("STATUS_UPDATE");
        toOperator.Str("eventStatus").ShouldBe("SENT");
        toOperator.GetProperty("transmitter").Str("companyRegister").ShouldBe("21870850100018");

        var read = await GetJsonAsync(osl, $"{Root}/cases/{caseId}/events/{ev.Id()}");
        read.Str("message").ShouldBe("Bien reçu");
        read.Str("caseNewStatus").ShouldBe("SI_RECEIVED");

        // Without notification the status still moves, and nobody is notified.
        await PostEventAsync(si, caseId, StatusEvent("IN_PROGRESS", notification: false));
        (await CaseStatusAsync(si, caseId)).ShouldBe("IN_PROGRESS");
        (await NotificationsForCaseAsync(osl, caseId)).Count.ShouldBe(1);

        // Statuses reserved to the hub or unknown are refused.
        await (await si.PostAsync($"{Root}/cases/{caseId}/events", Json(StatusEvent("HUBEE_RECEIVED")))).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        await (await si.PostAsync($"{Root}/cases/{caseId}/events", Json(StatusEvent("FINISHED")))).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        await (await si.PostAsync($"{Root}/cases/{caseId}/events", Json("""{"actionType":"DANCE","notification":false}"""))).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        (await CaseStatusAsync(si, caseId)).ShouldBe("IN_PROGRESS");
    }

    [Fact]
    public async Task Messages_are_refused_where_the_process_has_no_message_to_transmitter()
    {
        var dila = await hub.DilaAsync();
        var limoges = await hub.LimogesEtatCivilAsync();
        var (_, caseId, _, _) = await SendFolderAsync(dila, "DILA-AEC-3000000000002");
        var message = await PostEventAsync(limoges, caseId, """{"actionType":"SENDING_MESSAGE","message":"Merci de fournir un justificatif","notification":true}""");
        message.Str("status").ShouldBe("SENT");
        (await NotificationsForCaseAsync(dila, caseId)).Single().Str("eventActionType").ShouldBe("SENDING_MESSAGE");

        // CERTDC has messageToTransmitter=false: no SENDING_MESSAGE, whatever its body, and no message on other events.
        var dgs = await hub.ClientAsync("demo-dgs", "OSL");
        var certdc = await hub.ClientAsync("demo-limoges-certdc", "SI");
        var (_, certCase, _, _) = await SendFolderAsync(dgs, "DGS-CERTDC-3000000000003", processCode: "CERTDC");
        await (await certdc.PostAsync($"{Root}/cases/{certCase}/events", Json("""{"actionType":"SENDING_MESSAGE","message":"Bonjour","notification":true}""")))
            .ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        await (await certdc.PostAsync($"{Root}/cases/{certCase}/events", Json("""{"actionType":"SENDING_MESSAGE","notification":true}""")))
            .ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        await (await dgs.PostAsync($"{Root}/cases/{certCase}/events", Json("""{"actionType":"SENDING_MESSAGE","message":"Bonjour","notification":true}""")))
            .ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        await (await certdc.PostAsync($"{Root}/cases/{certCase}/events", Json("""{"actionType":"STATUS_UPDATE","caseNewStatus":"IN_PROGRESS","message":"Bonjour","notification":true}""")))
            .ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        (await CaseStatusAsync(certdc, certCase)).ShouldBe("HUBEE_NOTIFIED");
        (await NotificationsForCaseAsync(dgs, certCase)).ShouldBeEmpty();

        // CERTDC SIs may not send attachments either (empty siAttachmentFormatsEnabled).
        await (await certdc.PostAsync($"{Root}/cases/{certCase}/events", Json(DepositEvent(10)))).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        await PostEventAsync(certdc, certCase, StatusEvent("IN_PROGRESS"));
        (await CaseStatusAsync(certdc, certCase)).ShouldBe("IN_PROGRESS");
    }

    [Fact]
    public async Task An_internal_comment_is_hidden_from_the_operator_but_shown_to_the_si()
    {
        var osl = await hub.DilaAsync();
        var si = await hub.LimogesEtatCivilAsync();
        var (_, caseId, _, _) = await SendFolderAsync(osl, "DILA-AEC-3000000000004");
        var ev = await PostEventAsync(si, caseId, """{"actionType":"COM_ADD","comment":"pièce d'identité douteuse","notification":true,"author":"Agent 12"}""");
        ev.Str("comment").ShouldBe("pièce d'identité douteuse");

        var asOperator = await GetJsonAsync(osl, $"{Root}/cases/{caseId}/events/{ev.Id()}");
        asOperator.GetProperty("comment").ValueKind.ShouldBe(JsonValueKind.Null);
        asOperator.Str("actionType").ShouldBe("COM_ADD");
        asOperator.Str("author").ShouldBe("Agent 12");
        var caseAsOperator = await GetCaseAsync(osl, caseId);
        var listed = caseAsOperator.GetProperty("events").EnumerateArray().Single(e => e.Id() == ev.Id());
        listed.GetProperty("comment").ValueKind.ShouldBe(JsonValueKind.Null);
        (await osl.GetStringAsync($"{Root}/cases/{caseId}")).ShouldNotContain("douteuse");

        (await GetJsonAsync(si, $"{Root}/cases/{caseId}/events/{ev.Id()}")).Str("comment").ShouldBe("pièce d'identité douteuse");
        (await GetCaseAsync(si, caseId)).GetProperty("events").EnumerateArray().Single(e => e.Id() == ev.Id()).Str("comment").ShouldBe("pièce d'identité douteuse");
        (await NotificationsForCaseAsync(osl, caseId)).Single().Str("eventActionType").ShouldBe("COM_ADD");

        // lite=true leaves the events out (decision 21).
        (await GetJsonAsync(si, $"{Root}/cases/{caseId}?lite=true")).GetProperty("events").ValueKind.ShouldBe(JsonValueKind.Null);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_attachment_deposit_is_sent_once_complete_then_acknowledged(bool byOperator)
    {
        var osl = await hub.DilaAsync();
        var si = await hub.LimogesEtatCivilAsync();
        var (_, caseId, _, _) = await SendFolderAsync(osl, byOperator ? "DILA-AEC-3000000000005" : "DILA-AEC-3000000000006");
        var (creator, recipient) = byOperator ? (osl, si) : (si, osl);
        await DrainAsync(recipient, caseId);
        await DrainAsync(creator, caseId);
        var content = "acte de naissance signé"u8.ToArray();

        var ev = await PostEventAsync(creator, caseId, DepositEvent(content.Length));
        ev.Str("status").ShouldBe("IN_PROGRESS");
        var attachment = ev.GetProperty("attachments").EnumerateArray().Single();
        attachment.Str("status").ShouldBe("PENDING");
        var eventUrl = $"{Root}/cases/{caseId}/events/{ev.Id()}";
        var attachmentUrl = $"{eventUrl}/attachments/{attachment.Id()}";
        (await NotificationsForCaseAsync(recipient, caseId)).ShouldBeEmpty();

        // RC007: not SENT while a file is missing; the other party sees nothing downloadable yet.
        await (await PatchStatusAsync(creator, eventUrl, "status", "SENT")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        await (await recipient.GetAsync(attachmentUrl)).ShouldBeErrorAsync(HttpStatusCode.NotFound, "file is not found");
        // Only the creator uploads.
        (await PutBinaryAsync(recipient, attachmentUrl, content)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        await (await PutBinaryAsync(creator, attachmentUrl, content, Digest(content))).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        (await GetJsonAsync(creator, eventUrl)).GetProperty("attachments")[0].Str("status").ShouldBe("RECEIVED");
        // Until SENT the deposit may still be cancelled: only its creator reads the file.
        await (await recipient.GetAsync(attachmentUrl)).ShouldBeErrorAsync(HttpStatusCode.NotFound, "file is not found");
        using (var own = await creator.GetAsync(attachmentUrl))
        {
            (await own.Content.ReadAsByteArrayAsync()).ShouldBe(content);
        }
        (await NotificationsForCaseAsync(recipient, caseId)).ShouldBeEmpty();

        // Only the creator sends; then the other party is notified once.
        await (await PatchStatusAsync(recipient, eventUrl, "status", "SENT")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        await (await PatchStatusAsync(creator, eventUrl, "status", "SENT")).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        var notification = (await NotificationsForCaseAsync(recipient, caseId)).Single();
        notification.GetProperty("eventId").GetGuid().ShouldBe(ev.Id());
        (notification.Str("eventActionType"), notification.Str("eventStatus")).ShouldBe(("ATTACH_DEPOSIT", "SENT"));
        // Once sent, no more uploads.
        (await PutBinaryAsync(creator, attachmentUrl, content)).StatusCode.ShouldBe(HttpStatusCode.BadRequest);

        using (var download = await recipient.GetAsync(attachmentUrl))
        {
            download.StatusCode.ShouldBe(HttpStatusCode.OK);
            (await download.Content.ReadAsByteArrayAsync()).ShouldBe(content);
            download.Headers.GetValues("digest").Single().ShouldBe(Digest(content));
        }

        // The creator may not acknowledge its own event; the recipient does, and the creator is notified back.
        await (await PatchStatusAsync(creator, eventUrl, "status", "RECEIVED")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        await (await PatchStatusAsync(recipient, eventUrl, "status", "RECEIVED")).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        (await GetJsonAsync(creator, eventUrl)).Str("status").ShouldBe("RECEIVED");
        var back = (await NotificationsForCaseAsync(creator, caseId)).Single();
        back.GetProperty("eventId").GetGuid().ShouldBe(ev.Id());
        (back.Str("eventActionType"), back.Str("eventStatus")).ShouldBe(("ATTACH_DEPOSIT", "RECEIVED"));
        // The recipient's own notification now reads RECEIVED as well (computed at read time).
        (await NotificationsForCaseAsync(recipient, caseId)).Single().Str("eventStatus").ShouldBe("RECEIVED");
        await (await PatchStatusAsync(recipient, eventUrl, "status", "RECEIVED")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
    }

    [Fact]
    public async Task Only_an_attachment_deposit_in_progress_can_be_deleted()
    {
        var osl = await hub.DilaAsync();
        var si = await hub.LimogesEtatCivilAsync();
        var (_, caseId, _, _) = await SendFolderAsync(osl, "DILA-AEC-3000000000007");
        var content = "brouillon"u8.ToArray();

        var draft = await PostEventAsync(si, caseId, DepositEvent(content.Length));
        var draftUrl = $"{Root}/cases/{caseId}/events/{draft.Id()}";
        await (await PutBinaryAsync(si, $"{draftUrl}/attachments/{draft.GetProperty("attachments")[0].Id()}", content)).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        // The other party may not cancel it.
        await (await osl.DeleteAsync(draftUrl)).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        await (await si.DeleteAsync(draftUrl)).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        await (await si.GetAsync(draftUrl)).ShouldBeErrorAsync(HttpStatusCode.NotFound, "event is not found");
        await (await si.DeleteAsync(draftUrl)).ShouldBeErrorAsync(HttpStatusCode.NotFound, "Event is not found");
        await (await PatchStatusAsync(si, draftUrl, "status", "SENT")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "event is not found");
        (await GetCaseAsync(si, caseId)).GetProperty("events").EnumerateArray().ShouldNotContain(e => e.Id() == draft.Id());

        var status = await PostEventAsync(si, caseId, StatusEvent("SI_RECEIVED"));
        await (await si.DeleteAsync($"{Root}/cases/{caseId}/events/{status.Id()}")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad Request");

        var sent = await PostEventAsync(si, caseId, DepositEvent(content.Length));
        var sentUrl = $"{Root}/cases/{caseId}/events/{sent.Id()}";
        await (await PutBinaryAsync(si, $"{sentUrl}/attachments/{sent.GetProperty("attachments")[0].Id()}", content)).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        await (await PatchStatusAsync(si, sentUrl, "status", "SENT")).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        await (await si.DeleteAsync(sentUrl)).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad Request");
        (await GetJsonAsync(si, sentUrl)).Str("status").ShouldBe("SENT");
    }

    [Fact]
    public async Task Download_events_are_recorded_and_notified_without_attachments()
    {
        var osl = await hub.DilaAsync();
        var si = await hub.LimogesEtatCivilAsync();
        var (_, caseId, ids, _) = await SendFolderAsync(osl, "DILA-AEC-3000000000008", attachments: 2);

        var one = await PostEventAsync(si, caseId, """{"actionType":"ATTACH_DL","notification":true,"author":"Agent","partnerAttributes":"pj=1"}""");
        var all = await PostEventAsync(si, caseId, """{"actionType":"ATTACH_DL_ALL","caseNewStatus":"IN_PROGRESS","notification":true,"author":"Agent"}""");
        one.Str("status").ShouldBe("SENT");
        one.Str("partnerAttributes").ShouldBe("pj=1");
        all.Str("status").ShouldBe("SENT");
        (await CaseStatusAsync(si, caseId)).ShouldBe("IN_PROGRESS");
        (await NotificationsForCaseAsync(osl, caseId)).Select(n => n.Str("eventActionType")).Order().ShouldBe(["ATTACH_DL", "ATTACH_DL_ALL"]);

        // Only deposits carry attachments; a deposit needs at least one.
        await (await si.PostAsync($"{Root}/cases/{caseId}/events", Json("""
            {"actionType":"ATTACH_DL","notification":false,"attachments":[{"fileName":"a.pdf","type":"recapPDF","size":1,"mimeType":"application/pdf"}]}
            """))).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        await (await si.PostAsync($"{Root}/cases/{caseId}/events", Json("""{"actionType":"ATTACH_DEPOSIT","notification":false,"attachments":[]}""")))
            .ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        (await GetCaseAsync(si, caseId)).GetProperty("events").GetArrayLength().ShouldBe(2);
        ids.Length.ShouldBe(2);
    }

    [Fact]
    public async Task Events_on_a_folder_created_by_the_administrator_are_notified_to_the_process_operator()
    {
        var admin = await hub.AdminAsync();
        var dila = await hub.DilaAsync();
        var si = await hub.LimogesEtatCivilAsync();
        var (_, caseId, _, _) = await SendFolderAsync(admin, "DILA-AEC-3000000000009");
        (await NotificationsForCaseAsync(si, caseId)).Single().GetProperty("transmitter").Str("companyRegister").ShouldBe("13000918600011");

        var ev = await PostEventAsync(si, caseId, StatusEvent("SI_RECEIVED"));
        // The other party of an SI is the operator that owns the process, whoever typed the folder in.
        var toOperator = (await NotificationsForCaseAsync(dila, caseId)).Single();
        toOperator.GetProperty("eventId").GetGuid().ShouldBe(ev.Id());
        (await NotificationsForCaseAsync(admin, caseId)).ShouldBeEmpty();
    }

    [Fact]
    public async Task Add_awaiting_needs_the_process_consent_and_a_completed_case_is_notified_again()
    {
        var osl = await hub.DilaAsync();
        var etatCivil = await hub.LimogesEtatCivilAsync();
        var (_, civilCase, _, _) = await SendFolderAsync(osl, "DILA-AEC-3000000000010");
        await (await etatCivil.PostAsync($"{Root}/cases/{civilCase}/events", Json(StatusEvent("ADD_AWAITING")))).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        await (await PatchStatusAsync(etatCivil, $"{Root}/cases/{civilCase}", "status", "ADD_AWAITING")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        (await CaseStatusAsync(etatCivil, civilCase)).ShouldBe("HUBEE_NOTIFIED");

        // recensementCitoyen allows it (authorizedAwaiting); the operator answers with HUBEE_COMPLETED (decision 5).
        // There is no demo SI credential for recensementCitoyen: the administrator plays the SI's PATCH.
        var admin = await hub.AdminAsync();
        var (_, rcoCase, _, _) = await SendFolderAsync(osl, "DILA-RCO-3000000000011", processCode: "recensementCitoyen");
        await (await PatchStatusAsync(admin, $"{Root}/cases/{rcoCase}", "status", "ADD_AWAITING")).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        (await CaseStatusAsync(osl, rcoCase)).ShouldBe("ADD_AWAITING");
        await PostEventAsync(osl, rcoCase, """{"actionType":"STATUS_UPDATE","caseNewStatus":"HUBEE_COMPLETED","notification":true,"message":"Complément reçu"}""");
        (await CaseStatusAsync(osl, rcoCase)).ShouldBe("HUBEE_NOTIFIED");
    }

    [Fact]
    public async Task A_deposit_announcing_a_status_its_author_may_not_set_is_refused_at_once()
    {
        var osl = await hub.DilaAsync();
        var si = await hub.LimogesEtatCivilAsync();
        var (_, caseId, _, _) = await SendFolderAsync(osl, "DILA-AEC-3000000000012");
        await (await si.PostAsync($"{Root}/cases/{caseId}/events", Json(DepositEvent(10, caseNewStatus: "CLOSED")))).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        await (await si.PostAsync($"{Root}/cases/{caseId}/events", Json(DepositEvent(10, caseNewStatus: "WHATEVER")))).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        // RC005: the file formats are the process's, per side (EtatCivil SIs send PDF only).
        await (await si.PostAsync($"{Root}/cases/{caseId}/events", Json(DepositEvent(10).Replace("application/pdf", "application/xml", StringComparison.Ordinal))))
            .ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        await (await osl.PostAsync($"{Root}/cases/{caseId}/events", Json(DepositEvent(10).Replace("application/pdf", "image/png", StringComparison.Ordinal))))
            .ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        (await GetCaseAsync(si, caseId)).GetProperty("events").GetArrayLength().ShouldBe(0);
        await PostEventAsync(osl, caseId, DepositEvent(10).Replace("application/pdf", "application/xml", StringComparison.Ordinal));

        // Allowed ones apply when the deposit is sent, not before.
        var content = "x"u8.ToArray();
        var ev = await PostEventAsync(si, caseId, DepositEvent(content.Length, caseNewStatus: "IN_PROGRESS"));
        (await CaseStatusAsync(si, caseId)).ShouldBe("HUBEE_NOTIFIED");
        var eventUrl = $"{Root}/cases/{caseId}/events/{ev.Id()}";
        await (await PutBinaryAsync(si, $"{eventUrl}/attachments/{ev.GetProperty("attachments")[0].Id()}", content)).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        await (await PatchStatusAsync(si, eventUrl, "status", "SENT")).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        (await CaseStatusAsync(si, caseId)).ShouldBe("IN_PROGRESS");
    }

    /// <summary>Deletes the caller's notifications about a case, as clients do after processing them.</summary>
    private static async Task DrainAsync(HttpClient client, Guid caseId)
    {
        foreach (var n in await NotificationsForCaseAsync(client, caseId))
        {
            await (await client.DeleteAsync($"{Root}/notifications/{n.Id()}")).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        }
    }
}
