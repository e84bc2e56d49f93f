using System.Net;
using System.Text.Json;
using OpenHubee.Tests.Infrastructure;
using static OpenHubee.Tests.Infrastructure.HubApi;

namespace OpenHubee.Tests;

/// <summary>PUT /cases/migrate and the portal purge pair GET /attachmentsIdsForPurge + PUT /idsPurged. Each test has its own hub: they move whole organisations.</summary>
public sealed class MigrateAndPurgeTests
{
    private static string Migration(string source, string target) => $$"""{"organizationSource":{{source}},"organizationTarget":{{target}}}""";

    [Fact]
    public async Task Cases_events_and_notifications_move_from_one_organisation_to_another()
    {
        await using var hub = new HubFactory();
        var osl = await hub.DilaAsync();
        var limoges = await hub.LimogesEtatCivilAsync();
        var limogesPacs = await hub.ClientAsync("demo-limoges-pacs", "SI");
        var bordeaux = await hub.BordeauxEtatCivilAsync();
        var (_, civil1, _, _) = await SendFolderAsync(osl, "DILA-AEC-8000000000001");
        var (_, civil2, _, _) = await SendFolderAsync(osl, "DILA-AEC-8000000000002");
        var (_, pacsCase, _, _) = await SendFolderAsync(osl, "DILA-DDPACS-8000000000003", processCode: "depotDossierPACS");
        var ev = await PostEventAsync(limoges, civil1, StatusEvent("SI_RECEIVED"));

        // Errors first: unknown organisation, incomplete body, someone else's organisation, a scope without the right.
        const string nowhere = """{"type":"SI","companyRegister":"11001401600011","branchCode":"75108"}""";
        var admin = await hub.AdminAsync();
        await (await admin.PutAsync($"{Root}/cases/migrate", Json(Migration(nowhere, Bordeaux)))).ShouldBeErrorAsync(HttpStatusCode.NotFound, "Organization is not found");
        await (await admin.PutAsync($"{Root}/cases/migrate", Json(Migration(Limoges, nowhere)))).ShouldBeErrorAsync(HttpStatusCode.NotFound, "Organization is not found");
        await (await admin.PutAsync($"{Root}/cases/migrate", Json($$"""{"organizationSource":{{Limoges}}}"""))).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "Bad request");
        await (await bordeaux.PutAsync($"{Root}/cases/migrate", Json(Migration(Limoges, Bordeaux)))).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        await (await osl.PutAsync($"{Root}/cases/migrate", Json(Migration(Limoges, Bordeaux)))).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        (await GetCaseAsync(limoges, civil1)).GetProperty("recipient").Str("branchCode").ShouldBe("87085");

        // An SI credential moves only the cases of its own process.
        var bySi = await (await limoges.PutAsync($"{Root}/cases/migrate", Json(Migration(Limoges, Bordeaux)))).JsonAsync();
        bySi.GetProperty("caseUpdated").GetInt32().ShouldBe(2);
        (await GetCaseAsync(limogesPacs, pacsCase)).GetProperty("recipient").Str("branchCode").ShouldBe("87085");

        // The administrator moves the rest.
        using var byAdmin = await admin.PutAsync($"{Root}/cases/migrate", Json(Migration(Limoges, Bordeaux)));
        byAdmin.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await byAdmin.JsonAsync()).GetProperty("caseUpdated").GetInt32().ShouldBe(1);
        (await (await admin.PutAsync($"{Root}/cases/migrate", Json(Migration(Limoges, Bordeaux)))).JsonAsync()).GetProperty("caseUpdated").GetInt32().ShouldBe(0);

        // Bordeaux now owns the cases, their events and the pending notifications; Limoges lost them.
        var moved = await GetCaseAsync(bordeaux, civil1);
        moved.GetProperty("recipient").Str("branchCode").ShouldBe("33063");
        moved.GetProperty("events").EnumerateArray().Single(e => e.Id() == ev.Id()).GetProperty("transmitter").Str("branchCode").ShouldBe("33063");
        (await GetCaseAsync(bordeaux, civil2)).Str("status").ShouldBe("HUBEE_NOTIFIED");
        await (await limoges.GetAsync($"{Root}/cases/{civil1}")).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        (await NotificationsForCaseAsync(bordeaux, civil2)).Count.ShouldBe(1);
        (await NotificationsAsync(limoges)).ShouldBeEmpty();
        (await NotificationsForCaseAsync(osl, civil1)).Single().GetProperty("transmitter").Str("branchCode").ShouldBe("33063");
        (await GetCaseAsync(osl, civil1)).GetProperty("recipient").Str("branchCode").ShouldBe("33063");
    }

    [Fact]
    public async Task Attachment_case_pairs_are_listed_for_purge_once_the_case_is_closed_until_confirmed()
    {
        await using var hub = new HubFactory();
        var osl = await hub.DilaAsync();
        var limoges = await hub.LimogesEtatCivilAsync();
        var bordeaux = await hub.BordeauxEtatCivilAsync();
        var (_, caseId, ids, _) = await SendFolderAsync(osl, "DILA-AEC-8000000000004", attachments: 2);
        var (_, openCase, _, _) = await SendFolderAsync(osl, "DILA-AEC-8000000000005");

        (await GetJsonAsync(limoges, $"{Root}/attachmentsIdsForPurge")).GetArrayLength().ShouldBe(0);
        await (await limoges.GetAsync($"{Root}/attachmentsIdsForPurge?status=CLOSED")).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            "Bad Request : Validation failed.\n[ERROR][REQUEST][GET /teledossiers/v1/casesIdForPurge]");
        await PostEventAsync(limoges, caseId, StatusEvent("DONE"));
        (await GetJsonAsync(limoges, $"{Root}/attachmentsIdsForPurge")).GetArrayLength().ShouldBe(0);
        await (await PatchStatusAsync(osl, $"{Root}/cases/{caseId}", "status", "CLOSED")).ShouldBeStatusAsync(HttpStatusCode.NoContent);

        var pairs = (await GetJsonAsync(limoges, $"{Root}/attachmentsIdsForPurge")).EnumerateArray().ToList();
        pairs.Select(p => p.GetProperty("folder_attachment_id").GetGuid()).Order().ShouldBe(ids.Order());
        pairs.ShouldAllBe(p => p.GetProperty("case_id").GetGuid() == caseId);
        pairs.ShouldNotContain(p => p.GetProperty("case_id").GetGuid() == openCase);
        (await GetJsonAsync(osl, $"{Root}/attachmentsIdsForPurge")).GetArrayLength().ShouldBe(2);
        (await GetJsonAsync(bordeaux, $"{Root}/attachmentsIdsForPurge")).GetArrayLength().ShouldBe(0);
        (await GetJsonAsync(await hub.ClientAsync("demo-dgs", "OSL"), $"{Root}/attachmentsIdsForPurge")).GetArrayLength().ShouldBe(0);

        // Someone else's confirmation changes nothing.
        var first = JsonSerializer.Serialize(new[] { new Dictionary<string, Guid> { ["folder_attachment_id"] = ids[0], ["case_id"] = caseId } });
        await (await bordeaux.PutAsync($"{Root}/idsPurged", Json(first))).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        (await GetJsonAsync(limoges, $"{Root}/attachmentsIdsForPurge")).GetArrayLength().ShouldBe(2);

        await (await limoges.PutAsync($"{Root}/idsPurged", Json(first))).ShouldBeStatusAsync(HttpStatusCode.NoContent);
        var left = (await GetJsonAsync(limoges, $"{Root}/attachmentsIdsForPurge")).EnumerateArray().ToList();
        left.Single().GetProperty("folder_attachment_id").GetGuid().ShouldBe(ids[1]);

        const string invalid = "Bad Request : Validation failed.\n[ERROR][REQUEST][GET /teledossiers/v1/caseAttachmentsPortalPurge]";
        await (await limoges.PutAsync($"{Root}/idsPurged", Json("not json"))).ShouldBeErrorAsync(HttpStatusCode.BadRequest, invalid);
        await (await limoges.PutAsync($"{Root}/idsPurged", Json("""[{"case_id":"00000000-0000-0000-0000-000000000001"}]"""))).ShouldBeErrorAsync(HttpStatusCode.BadRequest, invalid);
        await (await limoges.PutAsync($"{Root}/idsPurged", Json("""{"folder_attachment_id":"x"}"""))).ShouldBeErrorAsync(HttpStatusCode.BadRequest, invalid);
        (await GetJsonAsync(limoges, $"{Root}/attachmentsIdsForPurge")).GetArrayLength().ShouldBe(1);
    }
}
