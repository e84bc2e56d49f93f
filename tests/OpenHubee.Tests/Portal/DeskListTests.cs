using System.Net;
using System.Text.RegularExpressions;
using AngleSharp.Html.Dom;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenHubee.Data;
using OpenHubee.Hosting;
using OpenHubee.Tests.Infrastructure;
using OpenHubee.Tests.Jobs;

namespace OpenHubee.Tests.Portal;

/// <summary>
/// The agents' list « Instruire les télédossiers » over HTTP (portal.md §C 4.8): paging, sorting, the search by
/// number or name, the démarche filter and its options, for an agent and for an administrator; the answer's
/// Server-Timing header (quality target P5 is a server time). The browser tests (AgentDeskTests) drive the actions.
/// </summary>
public sealed partial class DeskListTests
{
    private const string Password = "Liste-Des-Dossiers-2026!";

    [Fact]
    public async Task The_list_pages_sorts_searches_and_filters_what_an_agent_or_an_administrator_sees()
    {
        await using var hub = new HubFactory();
        var limoges = await hub.WithDbAsync(db => db.Organizations.Where(o => o.Type == "SI" && o.BranchCode == "87085").Select(o => o.Id).SingleAsync());
        await hub.WithDbAsync(db => db.Subscriptions
            .Where(s => s.SubscriberOrganizationId == limoges && (s.ProcessCode == "EtatCivil" || s.ProcessCode == "recensementCitoyen"))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.AccessMode, AccessMode.Portail)));

        // Twelve EtatCivil folders a minute apart (LST-01 the oldest), one applicant named Lefèvre, one Anne-Marie; one recensementCitoyen folder.
        var osl = await hub.DilaAsync();
        for (var i = 1; i <= 12; i++)
        {
            await SendAsync(osl, $"LST-{i:D2}", "EtatCivil", i == 5 ? "Anne-Marie" : "George", i == 3 ? "Lefèvre" : "DUBOIS");
            hub.Clock.Advance(TimeSpan.FromMinutes(1));
        }

        await SendAsync(osl, "RCL-01", "recensementCitoyen", "Paul", "ROBERT");

        var agent = await SignInAsync(hub, "julie.bernard@limoges.example", DemoData.PortalAccounts.Single(p => p.Email == "julie.bernard@limoges.example").Password);

        // The default tab: every one is Nouveau (the list collects them), newest first.
        var list = await ListAsync(agent, "/teledossiers");
        list.Total.ShouldBe("12 télédossiers trouvés");
        list.Numbers.Count.ShouldBe(12);
        list.Numbers[0].ShouldBe("LST-12-01");

        // Paging: the second page of ten holds the two oldest, in either order.
        (await ListAsync(agent, "/teledossiers?statut=tous&taille=10")).Numbers.ShouldBe(Enumerable.Range(3, 10).Reverse().Select(i => $"LST-{i:D2}-01"));
        (await ListAsync(agent, "/teledossiers?statut=tous&taille=10&page=2")).Numbers.ShouldBe(["LST-02-01", "LST-01-01"]);
        (await ListAsync(agent, "/teledossiers?statut=tous&taille=10&ordre=asc&page=2")).Numbers.ShouldBe(["LST-11-01", "LST-12-01"]);
        // A page past the end shows the last one.
        (await ListAsync(agent, "/teledossiers?statut=tous&taille=10&page=9")).Numbers.ShouldBe(["LST-02-01", "LST-01-01"]);

        // Search: part of the number, of the last name or of the first name; % and _ are plain characters.
        (await ListAsync(agent, "/teledossiers?statut=tous&q=LST-1")).Numbers.ShouldBe(["LST-12-01", "LST-11-01", "LST-10-01"]);
        var lefevre = await ListAsync(agent, "/teledossiers?statut=tous&q=Lefèvre");
        lefevre.Numbers.ShouldBe(["LST-03-01"]);
        lefevre.Page.QuerySelector("tbody tr")!.TextContent.ShouldContain("Lefèvre");
        (await ListAsync(agent, "/teledossiers?statut=tous&q=Marie")).Numbers.ShouldBe(["LST-05-01"]);
        (await ListAsync(agent, "/teledossiers?statut=tous&q=RCL")).Total.ShouldBe("0 télédossier trouvé", "not habilitated to recensementCitoyen");
        (await ListAsync(agent, "/teledossiers?statut=tous&q=%25")).Total.ShouldBe("0 télédossier trouvé");
        (await ListAsync(agent, "/teledossiers?statut=tous&q=LST_0")).Total.ShouldBe("0 télédossier trouvé");
        if (Environment.GetEnvironmentVariable("OPENHUBEE_TEST_POSTGRES") is not { Length: > 0 })
        {
            // SQLite's LIKE ignores the case of ASCII letters (PostgreSQL's does not).
            (await ListAsync(agent, "/teledossiers?statut=tous&q=dubois")).Total.ShouldBe("11 télédossiers trouvés");
        }

        // The démarche filter offers the agent's habilitations.
        var filtered = await ListAsync(agent, "/teledossiers?statut=tous&demarche=EtatCivil&taille=10&page=2");
        filtered.Numbers.ShouldBe(["LST-02-01", "LST-01-01"]);
        filtered.Processes.ShouldBe(["EtatCivil"]);

        // The answer says how long the server took, and in the database.
        var timing = await agent.GetAsync("/teledossiers");
        string.Join(", ", timing.Headers.GetValues("Server-Timing")).ShouldMatch(@"^app;dur=[0-9]+\.[0-9], db;dur=[0-9]+\.[0-9];desc=""[1-9][0-9]* commands""$");

        // An administrator holding « Gestion des télédossiers » sees every démarche of the organisation's portal cases.
        await CreateAdministratorAsync(hub, "admin.liste@limoges.example", limoges);
        var admin = await SignInAsync(hub, "admin.liste@limoges.example", Password);
        var all = await ListAsync(admin, "/teledossiers?statut=tous");
        all.Total.ShouldBe("13 télédossiers trouvés");
        all.Processes.Order().ShouldBe(["EtatCivil", "recensementCitoyen"]);
        (await ListAsync(admin, "/teledossiers?statut=tous&demarche=recensementCitoyen")).Numbers.ShouldBe(["RCL-01-01"]);
        (await ListAsync(admin, "/teledossiers?statut=tous&demarche=recensementCitoyen&demarche=EtatCivil&q=RCL")).Numbers.ShouldBe(["RCL-01-01"]);
    }

    private static async Task SendAsync(HttpClient osl, string externalId, string process, string firstName, string lastName)
    {
        var content = HubApi.SamplePdf();
        var json = HubApi.FolderJson(externalId, content.Length, processCode: process)
            .Replace("\"firstName\":\"George\"", $"\"firstName\":\"{firstName}\"", StringComparison.Ordinal)
            .Replace("\"lastName\":\"DUBOIS\"", $"\"lastName\":\"{lastName}\"", StringComparison.Ordinal);
        var folder = await HubApi.CreateFolderAsync(osl, json);
        foreach (var attachment in folder.GetProperty("attachments").EnumerateArray())
        {
            await HubApi.UploadFolderAttachmentAsync(osl, folder.Id(), attachment.Id(), content);
        }

        await HubApi.CompleteAsync(osl, folder.Id());
    }

    private static async Task CreateAdministratorAsync(HubFactory hub, string email, Guid organization)
    {
        using var scope = hub.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var now = hub.Clock.GetUtcNow();
        var user = new PortalUser
        {
            Id = Guid.NewGuid(), Email = email, UserName = email, EmailConfirmed = true, OrganizationId = organization, ActorType = PortalActorType.LocalAdministrator,
            FirstName = "Claire", LastName = "LISTE", CreateDateTime = now, LastLoginDateTime = now, PasswordChangedDateTime = now,
            Roles = [.. PortalRole.DefaultsFor(PortalActorType.LocalAdministrator), PortalRole.CaseManagement],
        };
        (await users.CreateAsync(user, Password)).Succeeded.ShouldBeTrue();
    }

    /// <summary>Signs in at /connexion as a browser would, with the login code sent by mail when one is asked for.</summary>
    private static async Task<HttpClient> SignInAsync(HubFactory hub, string email, string password)
    {
        var browser = hub.CreateDefaultClient(new Uri("http://localhost"), new CookieContainerHandler(new CookieContainer()));
        var form = await Mailbox.PageAsync(await browser.GetAsync("/connexion"));
        var signedIn = await browser.PostAsync("/connexion", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = Token(form), ["Email"] = email, ["Password"] = password,
        }));
        signedIn.StatusCode.ShouldBe(HttpStatusCode.Redirect, await signedIn.Content.ReadAsStringAsync());
        if (signedIn.Headers.Location?.OriginalString.Contains("/connexion/code", StringComparison.Ordinal) == true)
        {
            var codePage = await Mailbox.PageAsync(await browser.GetAsync(signedIn.Headers.Location));
            var code = Mailbox.Read(hub, email).Where(m => m.Subject == "Votre code de connexion HubEE")
                .Select(m => CodePattern().Match(m.TextBody ?? "").Groups[1].Value).Last();
            var confirmed = await browser.PostAsync(signedIn.Headers.Location, new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = Token(codePage), ["Code"] = code,
            }));
            confirmed.StatusCode.ShouldBe(HttpStatusCode.Redirect, await confirmed.Content.ReadAsStringAsync());
        }

        return browser;
    }

    private static string Token(IHtmlDocument page) => page.QuerySelector("form input[name=__RequestVerificationToken]")!.GetAttribute("value")!;

    private sealed record ListPage(IHtmlDocument Page, string Total, List<string> Numbers, List<string> Processes);

    private static async Task<ListPage> ListAsync(HttpClient browser, string url)
    {
        var response = await browser.GetAsync(url);
        response.StatusCode.ShouldBe(HttpStatusCode.OK, url);
        var page = await Mailbox.PageAsync(response);
        return new ListPage(page, page.QuerySelector("#nombre-resultats")!.TextContent.Trim(),
            page.QuerySelectorAll("tbody tr td:nth-last-child(4)").Select(td => td.TextContent.Trim()).ToList(),
            page.QuerySelectorAll("#filtre-demarche option").Select(o => o.GetAttribute("value")!).ToList());
    }

    [GeneratedRegex(@"code de connexion à HubEE : (\d{6})")]
    private static partial Regex CodePattern();
}
