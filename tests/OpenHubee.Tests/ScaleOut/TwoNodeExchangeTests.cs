using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using OpenHubee.Hosting;
using OpenHubee.Tests.Infrastructure;
using OpenHubee.Tests.Jobs;

namespace OpenHubee.Tests.ScaleOut;

/// <summary>
/// Nodes share nothing in memory: a token issued by one node works on another, a folder sent through one is
/// processed through the other, and a portal session (cookie, anti-forgery) continues across them. On CI this
/// runs on PostgreSQL; on the embedded default the two nodes share one SQLite file.
/// </summary>
public sealed class TwoNodeExchangeTests
{
    [Fact]
    public async Task A_folder_sent_through_one_node_is_processed_through_the_other_and_a_portal_session_continues()
    {
        var shared = Path.Combine(Path.GetTempPath(), "openhubee-tests", "nodes-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?> { ["OpenHubee:DataDirectory"] = shared };
        if (Environment.GetEnvironmentVariable("OPENHUBEE_TEST_POSTGRES") is { Length: > 0 } postgres)
        {
            settings["ConnectionStrings:OpenHubee"] = $"{postgres};Database=openhubee_{Path.GetFileName(shared)}";
        }

        await using var a = new ConfiguredHub(settings);
        _ = a.Services;
        await using var b = new ConfiguredHub(settings);
        _ = b.Services;

        // The operator works on node A; the commune's software on node B with a token issued by node A.
        var osl = await a.DilaAsync();
        var (_, caseId, attachmentIds, content) = await HubApi.SendFolderAsync(osl, "NODE-0001");
        var token = await HubFactory.TokenAsync(a.CreateClient(), "demo-limoges-etatcivil", "demo-limoges-etatcivil-secret", "SI");
        var si = b.CreateClient();
        si.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var notifications = await (await si.GetAsync("/teledossiers/v1/notifications")).JsonAsync();
        notifications.EnumerateArray().ShouldContain(n => n.GetProperty("caseId").GetGuid() == caseId);
        (await (await si.GetAsync($"/teledossiers/v1/cases/{caseId}/attachments/{attachmentIds[0]}")).Content.ReadAsByteArrayAsync()).ShouldBe(content);
        (await si.PostAsync($"/teledossiers/v1/cases/{caseId}/events", HubApi.Json(
            """{"actionType":"STATUS_UPDATE","caseNewStatus":"SI_RECEIVED","notification":true,"author":"Mairie"}""")))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        var back = await (await osl.GetAsync("/teledossiers/v1/notifications?eventDetails=true")).JsonAsync();
        back.EnumerateArray().ShouldContain(n => n.GetProperty("caseId").GetGuid() == caseId && n.GetProperty("eventActionType").GetString() == "STATUS_UPDATE");

        // A person logs in on node A and goes on working on node B: same cookies, same anti-forgery.
        var cookies = new System.Net.CookieContainer();
        var onA = a.CreateDefaultClient(new Uri("http://localhost"), new CookieContainerHandler(cookies));
        var onB = b.CreateDefaultClient(new Uri("http://localhost"), new CookieContainerHandler(cookies));
        var (email, password, _, _, _, _) = DemoData.PortalAccounts.Single(p => p.Email.StartsWith("julie", StringComparison.Ordinal));
        var login = await Mailbox.PageAsync(await onA.GetAsync("/connexion"));
        var loggedIn = await onA.PostAsync("/connexion", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = login.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!,
            ["Email"] = email, ["Password"] = password,
        }));
        loggedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect, await loggedIn.Content.ReadAsStringAsync());

        var desk = await onB.GetAsync("/teledossiers");
        desk.StatusCode.ShouldBe(HttpStatusCode.OK);
        var page = await Mailbox.PageAsync(desk);
        page.QuerySelector("h1")!.TextContent.ShouldBe("Instruire les télédossiers");
        var logout = await onB.PostAsync("/deconnexion", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = page.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!,
        }));
        logout.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        (await onA.GetAsync("/teledossiers")).StatusCode.ShouldBe(HttpStatusCode.Redirect, "the cleared session cookie is gone for every node");
    }
}
