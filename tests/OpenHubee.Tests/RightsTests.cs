using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using OpenHubee.Tests.Infrastructure;
using static OpenHubee.Tests.Infrastructure.HubApi;

namespace OpenHubee.Tests;

/// <summary>
/// The rights matrix (quality.md R3): every Folder API endpoint called by someone who is not the owner
/// gets 401 or 403 with the contract's body, and changes nothing.
/// </summary>
public sealed class RightsTests : IClassFixture<HubFactory>
{
    private const string InvalidCredentials = "Invalid Credentials : Invalid Credentials. Make sure you have given the correct access token";
    private readonly HubFactory hub;

    public RightsTests(HubFactory hub) => this.hub = hub;

    private sealed record Target(Guid ReceivedFolder, Guid ReceivedAttachment, Guid Folder, Guid Case, Guid CaseAttachment, Guid Event, Guid EventAttachment);

    /// <summary>A DILA EtatCivil folder still HUBEE_RECEIVED, and a notified one for Limoges with a pending SI deposit.</summary>
    private async Task<Target> ArrangeAsync()
    {
        var osl = await hub.DilaAsync();
        var si = await hub.LimogesEtatCivilAsync();
        var received = await CreateFolderAsync(osl, FolderJson($"DILA-AEC-{NewNumber()}", 10));
        var (folderId, caseId, ids, _) = await SendFolderAsync(osl, $"DILA-AEC-{NewNumber()}");
        var ev = await PostEventAsync(si, caseId, DepositEvent(4));
        return new Target(received.Id(), received.GetProperty("attachments")[0].Id(), folderId, caseId, ids[0], ev.Id(), ev.GetProperty("attachments")[0].Id());
    }

    private static IEnumerable<(HttpMethod Method, string Url, HttpContent? Body)> Requests(Target t)
    {
        var evUrl = $"{Root}/cases/{t.Case}/events/{t.Event}";
        yield return (HttpMethod.Post, $"{Root}/folders", Json(FolderJson("DILA-AEC-9999999999999", 10)));
        yield return (HttpMethod.Get, $"{Root}/folders/{t.Folder}", null);
        yield return (HttpMethod.Patch, $"{Root}/folders/{t.Folder}", Json("""{"globalStatus":"CLOSED"}"""));
        yield return (HttpMethod.Delete, $"{Root}/folders/{t.ReceivedFolder}", null);
        yield return (HttpMethod.Put, $"{Root}/folders/{t.ReceivedFolder}/attachments/{t.ReceivedAttachment}", new ByteArrayContent(new byte[10]));
        yield return (HttpMethod.Get, $"{Root}/cases/{t.Case}", null);
        yield return (HttpMethod.Get, $"{Root}/cases/{t.Case}?lite=true", null);
        yield return (HttpMethod.Patch, $"{Root}/cases/{t.Case}", Json("""{"status":"IN_PROGRESS"}"""));
        yield return (HttpMethod.Get, $"{Root}/cases/{t.Case}/attachments/{t.CaseAttachment}", null);
        yield return (HttpMethod.Post, $"{Root}/cases/{t.Case}/events", Json(StatusEvent("IN_PROGRESS")));
        yield return (HttpMethod.Get, evUrl, null);
        yield return (HttpMethod.Patch, evUrl, Json("""{"status":"RECEIVED"}"""));
        yield return (HttpMethod.Put, $"{evUrl}/attachments/{t.EventAttachment}", new ByteArrayContent(new byte[4]));
        yield return (HttpMethod.Get, $"{evUrl}/attachments/{t.EventAttachment}", null);
        yield return (HttpMethod.Delete, evUrl, null);
    }

    [Theory]
    [InlineData("demo-dgs", "OSL")] // another operator
    [InlineData("demo-cnaf", "OSL")]
    [InlineData("demo-bordeaux-etatcivil", "SI")] // another SI, same process
    [InlineData("demo-limoges-pacs", "SI")] // the same SI, another process
    [InlineData("demo-limoges-certdc", "SI")]
    [InlineData("demo-datapass", "DATAPASS")] // a scope with no right on the Folder API
    public async Task Nobody_but_the_owner_reaches_a_folder_case_or_event(string clientId, string scope)
    {
        var t = await ArrangeAsync();
        var outsider = await hub.ClientAsync(clientId, scope);
        foreach (var (method, url, body) in Requests(t))
        {
            using var request = new HttpRequestMessage(method, url) { Content = body };
            using var response = await outsider.SendAsync(request);
            await response.ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        }

        await ShouldBeUntouchedAsync(t);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not-a-jwt")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJkZW1vLWRpbGEifQ.c2lnbmF0dXJl")]
    public async Task Without_a_valid_token_every_endpoint_answers_401_900901(string? token)
    {
        var t = await ArrangeAsync();
        var anonymous = hub.CreateClient();
        if (token is not null)
        {
            anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        var requests = Requests(t).Concat([
            (HttpMethod.Get, $"{Root}/notifications", (HttpContent?)null),
            (HttpMethod.Delete, $"{Root}/notifications/{Guid.NewGuid()}", null),
            (HttpMethod.Get, $"{Root}/attachmentsIdsForPurge", null),
            (HttpMethod.Put, $"{Root}/idsPurged", Json("[]")),
            (HttpMethod.Put, $"{Root}/cases/migrate", Json($$"""{"organizationSource":{{Limoges}},"organizationTarget":{{Bordeaux}}}""")),
        ]);
        foreach (var (method, url, body) in requests)
        {
            using var request = new HttpRequestMessage(method, url) { Content = body };
            using var response = await anonymous.SendAsync(request);
            await response.ShouldBeErrorAsync(HttpStatusCode.Unauthorized, InvalidCredentials, 900901);
        }

        await ShouldBeUntouchedAsync(t);
    }

    [Fact]
    public async Task An_expired_token_is_refused_on_the_folder_api()
    {
        await using var ownHub = new HubFactory();
        var osl = await ownHub.DilaAsync();
        var (folderId, caseId, _, _) = await SendFolderAsync(osl, "DILA-AEC-6000000000001");
        ownHub.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(1));
        await (await osl.GetAsync($"{Root}/folders/{folderId}")).ShouldBeErrorAsync(HttpStatusCode.Unauthorized, InvalidCredentials, 900901);
        await (await osl.PatchAsync($"{Root}/cases/{caseId}", Json("""{"status":"CLOSED"}"""))).ShouldBeErrorAsync(HttpStatusCode.Unauthorized, InvalidCredentials, 900901);
        var fresh = await ownHub.DilaAsync();
        (await CaseStatusAsync(fresh, caseId)).ShouldBe("HUBEE_NOTIFIED");
    }

    [Fact]
    public async Task Scopes_limit_what_a_valid_client_may_call()
    {
        var si = await hub.LimogesEtatCivilAsync();
        var datapass = await hub.ClientAsync("demo-datapass", "DATAPASS");
        // An SI creates no folder; DATAPASS has no notifications.
        await (await si.PostAsync($"{Root}/folders", Json(FolderJson("DILA-AEC-6000000000002", 10)))).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        await (await datapass.GetAsync($"{Root}/notifications")).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        await (await datapass.DeleteAsync($"{Root}/notifications/{Guid.NewGuid()}")).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        await (await datapass.GetAsync($"{Root}/attachmentsIdsForPurge")).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        // An operator creates folders only for its own processes.
        var dgs = await hub.ClientAsync("demo-dgs", "OSL");
        await (await dgs.PostAsync($"{Root}/folders", Json(FolderJson("DGS-AEC-6000000000003", 10)))).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        // The administrator reads everything.
        var osl = await hub.DilaAsync();
        var (folderId, caseId, _, _) = await SendFolderAsync(osl, "DILA-AEC-6000000000004");
        var admin = await hub.AdminAsync();
        (await GetJsonAsync(admin, $"{Root}/folders/{folderId}")).Id().ShouldBe(folderId);
        (await GetCaseAsync(admin, caseId)).Id().ShouldBe(caseId);
    }

    [Fact]
    public async Task Notifications_of_others_are_never_listed_nor_deletable()
    {
        var osl = await hub.DilaAsync();
        var limoges = await hub.LimogesEtatCivilAsync();
        var (_, caseId, _, _) = await SendFolderAsync(osl, "DILA-AEC-6000000000005");
        var mine = (await NotificationsForCaseAsync(limoges, caseId)).Single();

        foreach (var (clientId, scope) in new[] { ("demo-bordeaux-etatcivil", "SI"), ("demo-limoges-pacs", "SI"), ("demo-dgs", "OSL"), ("demo-dila", "OSL"), ("demo-admin", "ADMIN") })
        {
            var other = await hub.ClientAsync(clientId, scope);
            var listed = await NotificationsAsync(other);
            listed.ShouldNotContain(n => n.Id() == mine.Id(), clientId);
            listed.ShouldAllBe(n => n.GetProperty("caseId").ValueKind == JsonValueKind.Null || n.GetProperty("caseId").GetGuid() != caseId || n.GetProperty("eventId").ValueKind != JsonValueKind.Null);
            await (await other.DeleteAsync($"{Root}/notifications/{mine.Id()}")).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        }

        (await NotificationsForCaseAsync(limoges, caseId)).Single().Id().ShouldBe(mine.Id());
        await (await limoges.DeleteAsync($"{Root}/notifications/{mine.Id()}")).ShouldBeStatusAsync(HttpStatusCode.NoContent);
    }

    [Fact]
    public async Task The_operator_reads_its_own_cases_and_attachments()
    {
        var osl = await hub.DilaAsync();
        var (_, caseId, ids, content) = await SendFolderAsync(osl, "DILA-AEC-6000000000006");
        (await GetCaseAsync(osl, caseId)).Str("status").ShouldBe("HUBEE_NOTIFIED");
        using var download = await osl.GetAsync($"{Root}/cases/{caseId}/attachments/{ids[0]}");
        (await download.Content.ReadAsByteArrayAsync()).ShouldBe(content);
    }

    private async Task ShouldBeUntouchedAsync(Target t)
    {
        var osl = await hub.DilaAsync();
        var si = await hub.LimogesEtatCivilAsync();
        var received = await GetJsonAsync(osl, $"{Root}/folders/{t.ReceivedFolder}");
        received.Str("globalStatus").ShouldBe("HUBEE_RECEIVED");
        received.GetProperty("attachments")[0].Str("status").ShouldBe("PENDING");
        (await GetJsonAsync(osl, $"{Root}/folders/{t.Folder}")).Str("globalStatus").ShouldBe("HUBEE_NOTIFIED");
        var @case = await GetCaseAsync(si, t.Case);
        @case.Str("status").ShouldBe("HUBEE_NOTIFIED");
        @case.GetProperty("recipient").Str("branchCode").ShouldBe("87085");
        var ev = @case.GetProperty("events").EnumerateArray().Single();
        ev.Id().ShouldBe(t.Event);
        ev.Str("status").ShouldBe("IN_PROGRESS");
        ev.GetProperty("attachments")[0].Str("status").ShouldBe("PENDING");
    }
}
