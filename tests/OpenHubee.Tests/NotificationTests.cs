using System.Net;
using System.Text.Json;
using OpenHubee.Tests.Infrastructure;
using static OpenHubee.Tests.Infrastructure.HubApi;

namespace OpenHubee.Tests;

/// <summary>GET/DELETE /notifications as the reference clients loop over them (api.md §3.5). Each test has its own hub: counts matter.</summary>
public sealed class NotificationTests
{
    [Fact]
    public async Task Notifications_come_in_batches_of_25_unless_maxResult_says_otherwise_and_deletion_is_physical()
    {
        await using var hub = new HubFactory();
        var osl = await hub.DilaAsync();
        var si = await hub.LimogesEtatCivilAsync();
        var (_, caseId, _, _) = await SendFolderAsync(osl, "DILA-AEC-4000000000001");
        for (var i = 0; i < 30; i++)
        {
            await PostEventAsync(si, caseId, $$"""{"actionType":"COM_ADD","comment":"note {{i}}","notification":true}""");
            hub.Clock.Advance(TimeSpan.FromSeconds(1)); // distinct dates: the batch order is then stable
        }

        var firstBatch = (await GetJsonAsync(osl, $"{Root}/notifications")).EnumerateArray().ToList();
        firstBatch.Count.ShouldBe(25);
        (await GetJsonAsync(osl, $"{Root}/notifications?maxResult=10")).GetArrayLength().ShouldBe(10);
        (await GetJsonAsync(osl, $"{Root}/notifications?maxResult=1000")).GetArrayLength().ShouldBe(30);
        // Undeleted notifications are served again.
        (await GetJsonAsync(osl, $"{Root}/notifications")).EnumerateArray().Select(n => n.Id()).Order().ShouldBe(firstBatch.Select(n => n.Id()).Order());

        foreach (var n in firstBatch)
        {
            await (await osl.DeleteAsync($"{Root}/notifications/{n.Id()}")).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        }

        var rest = (await GetJsonAsync(osl, $"{Root}/notifications")).EnumerateArray().ToList();
        rest.Count.ShouldBe(5);
        rest.Select(n => n.Id()).ShouldNotContain(id => firstBatch.Select(f => f.Id()).Contains(id));
        await (await osl.DeleteAsync($"{Root}/notifications/{firstBatch[0].Id()}")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "Notification is not found");

        // The SI's own notification (the new case) is untouched by the operator's loop.
        (await GetJsonAsync(si, $"{Root}/notifications")).GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task Event_details_are_added_only_when_asked_and_are_null_for_a_new_case()
    {
        await using var hub = new HubFactory();
        var osl = await hub.DilaAsync();
        var si = await hub.LimogesEtatCivilAsync();
        var (_, caseId, _, _) = await SendFolderAsync(osl, "DILA-AEC-4000000000002");
        var ev = await PostEventAsync(osl, caseId, """{"actionType":"SENDING_MESSAGE","message":"Le demandeur a déménagé","notification":true}""");

        var plain = (await GetJsonAsync(si, $"{Root}/notifications")).EnumerateArray().ToList();
        plain.Count.ShouldBe(2);
        foreach (var n in plain)
        {
            n.TryGetProperty("eventActionType", out _).ShouldBeFalse();
            n.TryGetProperty("eventStatus", out _).ShouldBeFalse();
            n.Str("processCode").ShouldBe("EtatCivil");
            n.GetProperty("caseId").GetGuid().ShouldBe(caseId);
            n.Str("dateTime").ShouldNotBeNull().ShouldEndWith("Z");
        }

        var detailed = (await GetJsonAsync(si, $"{Root}/notifications?eventDetails=true")).EnumerateArray().ToList();
        var forCase = detailed.Single(n => n.GetProperty("eventId").ValueKind == JsonValueKind.Null);
        forCase.GetProperty("eventActionType").ValueKind.ShouldBe(JsonValueKind.Null);
        forCase.GetProperty("eventStatus").ValueKind.ShouldBe(JsonValueKind.Null);
        var forEvent = detailed.Single(n => n.GetProperty("eventId").ValueKind != JsonValueKind.Null);
        forEvent.GetProperty("eventId").GetGuid().ShouldBe(ev.Id());
        (forEvent.Str("eventActionType"), forEvent.Str("eventStatus")).ShouldBe(("SENDING_MESSAGE", "SENT"));
        forEvent.GetProperty("transmitter").Str("type").ShouldBe("OSL");
    }

    [Fact]
    public async Task ProcessCode_filters_and_processPriority_puts_those_processes_first()
    {
        await using var hub = new HubFactory();
        var osl = await hub.DilaAsync();
        var etatCivil = await hub.LimogesEtatCivilAsync();
        var pacs = await hub.ClientAsync("demo-limoges-pacs", "SI");
        var (_, civilCase, _, _) = await SendFolderAsync(osl, "DILA-AEC-4000000000003");
        var (_, pacsCase, _, _) = await SendFolderAsync(osl, "DILA-DDPACS-4000000000004", processCode: "depotDossierPACS");

        // Older EtatCivil notifications, then newer PACS ones.
        for (var i = 0; i < 3; i++)
        {
            await PostEventAsync(etatCivil, civilCase, """{"actionType":"COM_ADD","notification":true}""");
            hub.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        for (var i = 0; i < 2; i++)
        {
            await PostEventAsync(pacs, pacsCase, """{"actionType":"COM_ADD","notification":true}""");
            hub.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        (await GetJsonAsync(osl, $"{Root}/notifications")).GetArrayLength().ShouldBe(5);
        var onlyPacs = (await GetJsonAsync(osl, $"{Root}/notifications?processCode=depotDossierPACS")).EnumerateArray().ToList();
        onlyPacs.Count.ShouldBe(2);
        onlyPacs.ShouldAllBe(n => n.Str("processCode") == "depotDossierPACS");
        (await GetJsonAsync(osl, $"{Root}/notifications?processCode=depotDossierPACS&processCode=EtatCivil")).GetArrayLength().ShouldBe(5);
        (await GetJsonAsync(osl, $"{Root}/notifications?processCode=CERTDC")).GetArrayLength().ShouldBe(0);

        var prioritised = (await GetJsonAsync(osl, $"{Root}/notifications?maxResult=2&processPriority=depotDossierPACS")).EnumerateArray().ToList();
        prioritised.Select(n => n.Str("processCode")).ShouldBe(["depotDossierPACS", "depotDossierPACS"]);
        var all = (await GetJsonAsync(osl, $"{Root}/notifications?processPriority=depotDossierPACS")).EnumerateArray().Select(n => n.Str("processCode")).ToList();
        all.ShouldBe(["depotDossierPACS", "depotDossierPACS", "EtatCivil", "EtatCivil", "EtatCivil"]);

        // An SI credential sees only its own process's notifications, whatever it asks for.
        (await GetJsonAsync(etatCivil, $"{Root}/notifications")).EnumerateArray().ShouldAllBe(n => n.Str("processCode") == "EtatCivil");
        (await GetJsonAsync(etatCivil, $"{Root}/notifications?processCode=depotDossierPACS")).GetArrayLength().ShouldBe(0);
        (await GetJsonAsync(pacs, $"{Root}/notifications")).EnumerateArray().Single().GetProperty("caseId").GetGuid().ShouldBe(pacsCase);
    }
}
