using System.Net;
using OpenHubee.Tests.Infrastructure;

namespace OpenHubee.Tests;

/// <summary>The exchange as DINUM's reference SI script and the official Postman kit perform it.</summary>
public sealed class FolderExchangeTests : IClassFixture<HubFactory>
{
    private readonly HubFactory hub;

    public FolderExchangeTests(HubFactory hub) => this.hub = hub;

    [Fact]
    public async Task Operator_sends_a_folder_and_the_si_processes_it_like_the_reference_script()
    {
        var osl = await hub.DilaAsync();
        var si = await hub.LimogesEtatCivilAsync();
        var (_, caseId, attachmentIds, content) = await HubApi.SendFolderAsync(osl, "DILA-AEC-1000000000001", attachments: 2);

        // Notifications loop in batches of 25.
        var notifications = await (await si.GetAsync("/teledossiers/v1/notifications?maxResult=25&eventDetails=true")).JsonAsync();
        var mine = notifications.EnumerateArray().Single(n => n.GetProperty("caseId").GetGuid() == caseId);
        mine.GetProperty("eventId").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
        mine.GetProperty("processCode").GetString().ShouldBe("EtatCivil");

        var @case = await (await si.GetAsync($"/teledossiers/v1/cases/{caseId}")).JsonAsync();
        @case.GetProperty("status").GetString().ShouldBe("HUBEE_NOTIFIED");
        @case.GetProperty("applicant").GetProperty("lastName").GetString().ShouldBe("DUBOIS");
        var listed = @case.GetProperty("attachments").EnumerateArray().Select(a => a.GetProperty("id").GetGuid()).ToArray();
        listed.ShouldBe(attachmentIds);

        foreach (var id in attachmentIds)
        {
            var download = await si.GetAsync($"/teledossiers/v1/cases/{caseId}/attachments/{id}");
            download.StatusCode.ShouldBe(HttpStatusCode.OK);
            var bytes = await download.Content.ReadAsByteArrayAsync();
            bytes.ShouldBe(content);
            download.Headers.GetValues("digest").Single().ShouldBe(HubApi.Digest(bytes));
        }

        foreach (var status in new[] { "SI_RECEIVED", "DONE" })
        {
            var ev = await si.PostAsync($"/teledossiers/v1/cases/{caseId}/events", HubApi.Json(
                $$"""{"actionType":"STATUS_UPDATE","caseCurrentStatus":"HUBEE_NOTIFIED","caseNewStatus":"{{status}}","notification":true,"author":"Mairie de Limoges"}"""));
            ev.StatusCode.ShouldBe(HttpStatusCode.Created, await ev.Content.ReadAsStringAsync());
        }

        (await (await si.GetAsync($"/teledossiers/v1/cases/{caseId}?lite=true")).JsonAsync()).GetProperty("status").GetString().ShouldBe("DONE");
        (await si.DeleteAsync($"/teledossiers/v1/notifications/{mine.GetProperty("id").GetGuid()}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var again = await (await si.GetAsync("/teledossiers/v1/notifications")).JsonAsync();
        again.EnumerateArray().ShouldNotContain(n => n.GetProperty("caseId").GetGuid() == caseId && n.GetProperty("eventId").ValueKind == System.Text.Json.JsonValueKind.Null);

        // The operator receives one notification per status event, with its details.
        var oslNotifications = await (await osl.GetAsync("/teledossiers/v1/notifications?maxResult=100&eventDetails=true")).JsonAsync();
        oslNotifications.EnumerateArray().Count(n => n.GetProperty("caseId").GetGuid() == caseId && n.GetProperty("eventActionType").GetString() == "STATUS_UPDATE")
            .ShouldBe(2);
    }
}
