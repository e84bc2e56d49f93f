using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpenHubee.Data;
using OpenHubee.E2E.Infrastructure;
using OpenHubee.Tests.Infrastructure;

namespace OpenHubee.E2E;

/// <summary>
/// « Instruire les télédossiers » (portal.md §C 4.8): the operator sends folders through the API, an agent of the
/// commune finds them as « Nouveau » at once (§B), processes them one by one and in bulk, and the operator reads
/// the events and notifications the portal produced, exactly as if the commune's software had called the API.
/// </summary>
public sealed class AgentDeskTests : IClassFixture<BrowserHub>
{
    private readonly BrowserHub browser;

    public AgentDeskTests(BrowserHub browser) => this.browser = browser;

    private async Task UsePortailAsync(params string[] processes)
    {
        using var scope = browser.Hub.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var limoges = await PortalSteps.OrganizationIdAsync(browser.Hub, "21870850100018");
        await db.Subscriptions.Where(s => s.SubscriberOrganizationId == limoges && processes.Contains(s.ProcessCode))
            .ExecuteUpdateAsync(s => s.SetProperty(x => x.AccessMode, AccessMode.Portail));
    }

    private async Task<IPage> AgentAsync(string email, string[] habilitations, string[]? roles = null)
    {
        var hub = browser.Hub;
        await PortalSteps.CreateAccountAsync(hub, email, PortalActorType.Agent, habilitations: habilitations);
        if (roles is not null)
        {
            using var scope = hub.Services.CreateScope();
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var user = (await users.FindByEmailAsync(email))!;
            user.Roles = [.. roles];
            (await users.UpdateAsync(user)).Succeeded.ShouldBeTrue();
        }

        var page = await browser.NewPageAsync();
        await PortalSteps.SetPasswordFromMailAsync(page, hub, email);
        await PortalSteps.LoginAsync(page, hub, email);
        return page;
    }

    private static Task<string> BadgeAsync(IPage page) => page.Locator("#statut-teledossier").TextContentAsync()!;

    private static ILocator Row(IPage page, string number) => page.Locator("tbody tr").Filter(new() { HasText = number });

    private static async Task<byte[]> DownloadAsync(IPage page, Func<Task> action)
    {
        var download = await page.RunAndWaitForDownloadAsync(action);
        await using var stream = await download.CreateReadStreamAsync();
        using var copy = new MemoryStream();
        await stream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static Dictionary<string, byte[]> Unzip(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        return archive.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var s = e.Open();
            using var m = new MemoryStream();
            s.CopyTo(m);
            return m.ToArray();
        });
    }

    private async Task BulkAsync(IPage page, string tab, string[] numbers, string button, string transition, string? comment = null)
    {
        await page.GotoAsync($"/teledossiers?statut={tab}");
        foreach (var n in numbers)
        {
            await Row(page, n).Locator("input[type=checkbox]").CheckAsync(new() { Force = true });
        }

        await page.Locator("#actions-groupees").GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();
        var dialog = page.Locator("dialog.fr-modal[open]");
        await dialog.WaitForAsync(new() { State = WaitForSelectorState.Visible });
        (await dialog.Locator(".portal-transition").TextContentAsync())!.ShouldBe(transition);
        if (comment is not null)
        {
            await dialog.Locator("textarea").FillAsync(comment);
        }

        await dialog.GetByRole(AriaRole.Button, new() { Name = "Confirmer" }).ClickAsync();
        var alert = page.Locator(".fr-alert--success, .fr-alert--error").First;
        await alert.WaitForAsync();
        (await alert.TextContentAsync())!.ShouldContain(numbers.Length == 1 ? $"Le télédossier {numbers[0]}" : $"{numbers.Length} télédossiers");
    }

    [Fact]
    public async Task An_agent_processes_the_operators_teledossiers_and_the_operator_reads_what_happened()
    {
        var hub = browser.Hub;
        await UsePortailAsync("EtatCivil", "recensementCitoyen");
        var dila = await hub.DilaAsync();
        var (_, case1, _, content) = await HubApi.SendFolderAsync(dila, "EC-1", processCode: "EtatCivil", attachments: 2);
        hub.Clock.Advance(TimeSpan.FromMinutes(1));
        var (_, case2, _, _) = await HubApi.SendFolderAsync(dila, "EC-2", processCode: "EtatCivil");
        var (_, case3, _, _) = await HubApi.SendFolderAsync(dila, "EC-3", processCode: "EtatCivil");
        var (_, rc1, _, _) = await HubApi.SendFolderAsync(dila, "RC-1", processCode: "recensementCitoyen");
        hub.Clock.Advance(TimeSpan.FromMinutes(1));

        // Nouveau at once: the list collects the notified télédossiers (HUBEE_NOTIFIED → SENT).
        var page = await AgentAsync("agent.desk@limoges.fr", ["EtatCivil", "recensementCitoyen"]);
        await page.GotoAsync("/teledossiers");
        (await page.Locator("#nombre-resultats").TextContentAsync())!.ShouldBe("4 télédossiers trouvés");
        foreach (var header in new[] { "Statut", "Démarche", "Nom", "Prénom", "N° de télédossier", "Date de transmission", "Date de mise à jour" })
        {
            (await page.GetByRole(AriaRole.Columnheader, new() { Name = header, Exact = true }).CountAsync()).ShouldBe(1, header);
        }

        (await Row(page, "EC-1-01").Locator(".fr-badge").TextContentAsync())!.ShouldBe("Nouveau");
        await BrowserHub.ScreenshotAsync(page, "teledossiers-liste");

        // Search, démarche filter and page size.
        await page.GetByLabel("Rechercher").FillAsync("RC-1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Filtrer", Exact = true }).ClickAsync();
        (await page.Locator("#nombre-resultats").TextContentAsync())!.ShouldBe("1 télédossier trouvé");
        await page.GotoAsync("/teledossiers?statut=tous&demarche=EtatCivil&taille=10&q=DUBOIS");
        (await page.Locator("#nombre-resultats").TextContentAsync())!.ShouldBe("3 télédossiers trouvés");

        // « Consulter » a Nouveau télédossier: confirmation of receipt, then Reçu.
        await page.GotoAsync("/teledossiers");
        await Row(page, "EC-1-01").GetByRole(AriaRole.Link, new() { Name = "Consulter" }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirmer la réception" }).ClickAsync();
        (await BadgeAsync(page)).ShouldBe("Reçu");
        hub.Clock.Advance(TimeSpan.FromMinutes(1));

        // One attachment: the status stays (not every attachment is downloaded yet); the bytes are the operator's.
        var one = await DownloadAsync(page, () => page.Locator("#pieces-jointes tbody tr").First.GetByRole(AriaRole.Button, new() { Name = "Télécharger" }).ClickAsync());
        one.ShouldBe(content);
        await page.ReloadAsync();
        (await BadgeAsync(page)).ShouldBe("Reçu");

        // All as ZIP, after the confirmation: En cours.
        await page.GetByRole(AriaRole.Button, new() { Name = "Tout télécharger (ZIP)" }).ClickAsync();
        var confirm = page.Locator("#modale-telecharger");
        await confirm.WaitForAsync(new() { State = WaitForSelectorState.Visible });
        var zip = Unzip(await DownloadAsync(page, () => confirm.GetByRole(AriaRole.Button, new() { Name = "Confirmer" }).ClickAsync()));
        zip.Keys.Order().ShouldBe(["file0.pdf", "file1.pdf"]);
        zip.Values.ShouldAllBe(bytes => bytes.SequenceEqual(content));
        await page.ReloadAsync();
        (await BadgeAsync(page)).ShouldBe("En cours");
        hub.Clock.Advance(TimeSpan.FromMinutes(1));

        // Message to the person, deposit (removable before sending), internal comment, then Traité.
        await page.GetByLabel("Envoyer un message à la personne concernée").FillAsync("Votre acte est en préparation <b>.");
        await page.GetByRole(AriaRole.Button, new() { Name = "Envoyer le message" }).ClickAsync();
        (await page.Locator(".fr-alert--success").TextContentAsync())!.ShouldContain("Le message a été envoyé");
        var pdf = await File.ReadAllBytesAsync(HubApi.FixturePath("DEPOTDOSSIERPACS/recapPDF.pdf"));
        await page.Locator("#fichier").SetInputFilesAsync(new FilePayload { Name = "brouillon.pdf", MimeType = "application/pdf", Buffer = pdf });
        await page.GetByRole(AriaRole.Button, new() { Name = "Ajouter", Exact = true }).ClickAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Supprimer brouillon.pdf" }).ClickAsync();
        (await page.Locator("#depots-en-attente").CountAsync()).ShouldBe(0);
        await page.Locator("#fichier").SetInputFilesAsync(new FilePayload { Name = "acte <signé>.pdf", MimeType = "application/pdf", Buffer = pdf });
        await page.GetByRole(AriaRole.Button, new() { Name = "Ajouter", Exact = true }).ClickAsync();
        (await page.Locator("#depots-en-attente").TextContentAsync())!.ShouldContain("acte <signé>.pdf");
        await page.GetByRole(AriaRole.Button, new() { Name = "Envoyer acte <signé>.pdf" }).ClickAsync();
        (await page.Locator(".fr-alert--success").TextContentAsync())!.ShouldContain("La pièce jointe a été transmise");
        await page.GetByLabel("Ajouter un commentaire").FillAsync("Filiation vérifiée <script>alert(1)</script>");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer le commentaire" }).ClickAsync();
        (await page.Locator("#historique").TextContentAsync())!.ShouldContain("Filiation vérifiée <script>alert(1)</script>");
        hub.Clock.Advance(TimeSpan.FromMinutes(1));
        (await page.Locator("#nouveau-statut option").AllTextContentsAsync()).ShouldBe(["Refusé", "Traité"]);
        await page.Locator("#nouveau-statut").SelectOptionAsync(CaseStatus.Done);
        await page.GetByRole(AriaRole.Button, new() { Name = "Changer le statut" }).ClickAsync();
        (await BadgeAsync(page)).ShouldBe("Traité");
        var history = await page.Locator("#historique li").AllTextContentsAsync();
        history[0].ShouldContain("« En cours » → « Traité »");
        history[0].ShouldContain("Camille Martin");
        history.ShouldContain(h => h.Contains("Réception du télédossier dans le portail"));
        await BrowserHub.ScreenshotAsync(page, "teledossier-detail");

        // Bulk: receipt with a comment, processing, ZIP of the selection, refusal.
        await BulkAsync(page, "nouveaux", ["EC-2-01", "EC-3-01"], "Accuser réception", "Statut : « Nouveau » → « Reçu »", "Bien reçu");
        await BulkAsync(page, "recus", ["EC-2-01", "EC-3-01"], "Commencer le traitement", "Statut : « Reçu » → « En cours »");
        await page.GotoAsync("/teledossiers?statut=en-cours");
        await Row(page, "EC-2-01").Locator("input[type=checkbox]").CheckAsync(new() { Force = true });
        await Row(page, "EC-3-01").Locator("input[type=checkbox]").CheckAsync(new() { Force = true });
        await page.GetByRole(AriaRole.Button, new() { Name = "Télécharger la sélection" }).ClickAsync();
        var zipDialog = page.Locator("#modale-zip");
        await zipDialog.WaitForAsync(new() { State = WaitForSelectorState.Visible });
        var selection = Unzip(await DownloadAsync(page, () => zipDialog.GetByRole(AriaRole.Button, new() { Name = "Confirmer" }).ClickAsync()));
        selection.Keys.Order().ShouldBe(["EC-2-01/file0.pdf", "EC-3-01/file0.pdf"]);
        selection.Values.ShouldAllBe(bytes => bytes.SequenceEqual(content));
        await BulkAsync(page, "en-cours", ["EC-2-01"], "Refuser", "Statut : « En cours » → « Refusé »");
        await BulkAsync(page, "en-cours", ["EC-3-01"], "Finaliser le traitement", "Statut : « En cours » → « Traité »");

        // A démarche that allows ADD_AWAITING offers « En attente de compléments »; EtatCivil does not.
        await page.GotoAsync($"/teledossiers/{rc1}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Confirmer la réception" }).ClickAsync();
        await page.Locator("#nouveau-statut").SelectOptionAsync(CaseStatus.InProgress);
        await page.GetByRole(AriaRole.Button, new() { Name = "Changer le statut" }).ClickAsync();
        (await page.Locator("#nouveau-statut option").AllTextContentsAsync()).ShouldBe(["En attente de compléments", "Refusé", "Traité"]);
        await page.Locator("#nouveau-statut").SelectOptionAsync(CaseStatus.AddAwaiting);
        await page.GetByRole(AriaRole.Button, new() { Name = "Changer le statut" }).ClickAsync();
        (await BadgeAsync(page)).ShouldBe("En attente de compléments");

        // The operator reads the events and notifications: the same as an SI's software would have produced; no comment.
        var events = (await (await dila.GetAsync($"/teledossiers/v1/cases/{case1}")).JsonAsync()).GetProperty("events").EnumerateArray().ToList();
        string Describe(JsonElement e) => $"{e.GetProperty("actionType").GetString()}:{(e.TryGetProperty("caseNewStatus", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : "")}";
        // (The test clock stands still between some steps: compare the events without their order.)
        events.Select(Describe).Order().ShouldBe(new[] {
            "STATUS_UPDATE:SENT", "STATUS_UPDATE:SI_RECEIVED", "ATTACH_DL:", "ATTACH_DL_ALL:IN_PROGRESS", "SENDING_MESSAGE:", "ATTACH_DEPOSIT:", "COM_ADD:", "STATUS_UPDATE:DONE" }.Order());
        events.ShouldAllBe(e => e.GetProperty("comment").ValueKind == JsonValueKind.Null);
        events.Single(e => e.GetProperty("actionType").GetString() == "SENDING_MESSAGE").GetProperty("message").GetString().ShouldBe("Votre acte est en préparation <b>.");
        var deposit = events.Single(e => e.GetProperty("actionType").GetString() == "ATTACH_DEPOSIT");
        deposit.GetProperty("status").GetString().ShouldBe("SENT");
        var depositedId = deposit.GetProperty("attachments")[0].GetProperty("id").GetString();
        var deposited = await dila.GetAsync($"/teledossiers/v1/cases/{case1}/events/{deposit.GetProperty("id").GetString()}/attachments/{depositedId}");
        (await deposited.Content.ReadAsByteArrayAsync()).ShouldBe(pdf);
        var notifications = (await (await dila.GetAsync("/teledossiers/v1/notifications?maxResult=1000&eventDetails=true")).JsonAsync()).EnumerateArray()
            .Where(n => n.GetProperty("caseId").GetString() == case1.ToString()).ToList();
        var notified = notifications.Select(n => n.GetProperty("eventId").GetString()).ToHashSet();
        foreach (var e in events)
        {
            var type = e.GetProperty("actionType").GetString();
            var expected = type is "STATUS_UPDATE" or "SENDING_MESSAGE" or "ATTACH_DEPOSIT" || Describe(e) == "ATTACH_DL_ALL:IN_PROGRESS";
            notified.Contains(e.GetProperty("id").GetString()).ShouldBe(expected, Describe(e));
        }

        // The commune's SI notifications of the collected cases were consumed by the portal.
        using (var scope = hub.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var limoges = await PortalSteps.OrganizationIdAsync(hub, "21870850100018");
            (await db.Notifications.CountAsync(n => n.RecipientOrganizationId == limoges && n.CaseId == case2 && n.EventId == null && n.MailState == null)).ShouldBe(0);
        }

        // The operator closes: Clos, and downloads stop, also when forced from the list.
        var closed = await dila.PatchAsync($"/teledossiers/v1/cases/{case1}", HubApi.Json("""{"status":"CLOSED"}"""));
        closed.StatusCode.ShouldBe(HttpStatusCode.NoContent, await closed.Content.ReadAsStringAsync());
        await page.GotoAsync($"/teledossiers/{case1}");
        (await BadgeAsync(page)).ShouldBe("Clos");
        (await page.Locator("#telechargement-ferme").TextContentAsync())!.ShouldContain("ne peuvent plus être téléchargées");
        (await page.GetByRole(AriaRole.Button, new() { Name = "Télécharger" }).CountAsync()).ShouldBe(0);
        await page.GotoAsync("/teledossiers?statut=clos");
        await Row(page, "EC-1-01").Locator("input[type=checkbox]").CheckAsync(new() { Force = true });
        await page.GetByRole(AriaRole.Button, new() { Name = "Télécharger la sélection" }).ClickAsync();
        await zipDialog.WaitForAsync(new() { State = WaitForSelectorState.Visible });
        await zipDialog.GetByRole(AriaRole.Button, new() { Name = "Confirmer" }).ClickAsync();
        await page.Locator(".fr-alert--error").WaitForAsync();
        (await page.Locator(".fr-alert--error").TextContentAsync())!.ShouldContain("Ce télédossier est clos");
        _ = case3;
    }

    [Fact]
    public async Task Without_the_habilitation_or_with_consultation_only_an_agent_cannot_act()
    {
        var hub = browser.Hub;
        // Its own démarche, so the other tests of this class (same hub) count their lists without this one.
        await UsePortailAsync("depotDossierPACS", "recensementCitoyen");
        var dila = await hub.DilaAsync();
        var (_, caseId, _, _) = await HubApi.SendFolderAsync(dila, "HAB-1", processCode: "depotDossierPACS");

        // Habilitated to another démarche only: not in the list, refused by URL.
        var other = await AgentAsync("agent.recensement@limoges.fr", ["recensementCitoyen"]);
        await other.GotoAsync("/teledossiers?statut=tous");
        (await other.Locator("tbody").TextContentAsync())!.ShouldNotContain("HAB-1-01");
        await other.GotoAsync($"/teledossiers/{caseId}");
        other.Url.ShouldContain("/acces-refuse");
        (await other.Locator("h1").TextContentAsync()).ShouldBe("Accès refusé");

        // « Consultation des télédossiers » alone: sees, cannot download nor change, even by a forged request.
        var reader = await AgentAsync("agent.lecture@limoges.fr", ["depotDossierPACS"], [PortalRole.CaseConsultation]);
        await reader.GotoAsync("/teledossiers");
        (await Row(reader, "HAB-1-01").CountAsync()).ShouldBe(1);
        (await reader.Locator("#actions-groupees").CountAsync()).ShouldBe(0);
        (await Row(reader, "HAB-1-01").GetByRole(AriaRole.Button, new() { Name = "Télécharger" }).CountAsync()).ShouldBe(0);
        await reader.GotoAsync($"/teledossiers/{caseId}");
        (await BadgeAsync(reader)).ShouldBe("Nouveau");
        (await reader.GetByRole(AriaRole.Button, new() { Name = "Confirmer la réception" }).CountAsync()).ShouldBe(0);
        (await reader.Locator("#form-commentaire").CountAsync()).ShouldBe(0);

        var token = await reader.Locator("input[name='__RequestVerificationToken']").First.GetAttributeAsync("value");
        async Task<int> EventsAsync()
        {
            using var scope = hub.Services.CreateScope();
            return await scope.ServiceProvider.GetRequiredService<HubDbContext>().Events.CountAsync(e => e.CaseId == caseId);
        }

        var before = await EventsAsync();
        foreach (var (handler, field, value) in new[] { ("Consulter", "x", "x"), ("Commentaire", "comment", "forgé"), ("Statut", "next", CaseStatus.Refused), ("Telecharger", "x", "x") })
        {
            var form = reader.Context.APIRequest.CreateFormData();
            form.Set("__RequestVerificationToken", token!);
            form.Set(field, value);
            var response = await reader.Context.APIRequest.PostAsync($"/teledossiers/{caseId}?handler={handler}", new() { Form = form, MaxRedirects = 0 });
            response.Status.ShouldBe(302, handler);
            response.Headers.GetValueOrDefault("content-type", "").ShouldNotBe("application/zip");
        }

        var listForm = reader.Context.APIRequest.CreateFormData();
        listForm.Set("__RequestVerificationToken", token!);
        listForm.Set("ids", caseId.ToString());
        var zip = await reader.Context.APIRequest.PostAsync("/teledossiers?handler=Telecharger", new() { Form = listForm, MaxRedirects = 0 });
        zip.Status.ShouldBe(302);
        (await EventsAsync()).ShouldBe(before);
        await reader.GotoAsync($"/teledossiers/{caseId}");
        (await BadgeAsync(reader)).ShouldBe("Nouveau");
    }

    [Fact]
    public async Task A_file_name_or_a_name_with_html_in_it_is_shown_as_text()
    {
        var hub = browser.Hub;
        await UsePortailAsync("JeChangeDeCoordonnees");
        var dila = await hub.DilaAsync();
        const string fileName = "<img src=x onerror=alert(1)>acte.pdf";
        var content = "%PDF-1.4 demo"u8.ToArray();
        var json = $$"""
            {"processCode":"JeChangeDeCoordonnees","externalId":"XSS-0001",
             "applicant":{"firstName":"<b>Jean</b>","lastName":"<script>alert(2)</script>DUPONT"},
             "cases":[{"recipient":{{HubApi.Limoges}},"externalId":"XSS-0001-01"}],
             "attachments":[{"fileName":{{System.Text.Json.JsonSerializer.Serialize(fileName)}},"type":"recapPDF","size":{{content.Length}},"mimeType":"application/pdf","recipients":["XSS-0001-01"]}]}
            """;
        var folder = await (await dila.PostAsync("/teledossiers/v1/folders", HubApi.Json(json))).JsonAsync();
        var folderId = folder.GetProperty("id").GetGuid();
        var caseId = folder.GetProperty("cases")[0].GetProperty("id").GetGuid();
        var attachmentId = folder.GetProperty("attachments")[0].GetProperty("id").GetGuid();
        (await dila.PutAsync($"/teledossiers/v1/folders/{folderId}/attachments/{attachmentId}", new ByteArrayContent(content))).StatusCode.ShouldBe(System.Net.HttpStatusCode.NoContent);
        (await dila.PatchAsync($"/teledossiers/v1/folders/{folderId}", HubApi.Json("""{"globalStatus":"HUBEE_COMPLETED"}"""))).StatusCode.ShouldBe(System.Net.HttpStatusCode.NoContent);

        var page = await AgentAsync("agent.coordonnees@limoges.fr", ["JeChangeDeCoordonnees"]);
        var dialogs = 0;
        page.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };
        await page.GotoAsync("/teledossiers?statut=tous");
        (await page.Locator("tbody").TextContentAsync())!.ShouldContain("<script>alert(2)</script>DUPONT");
        await page.GotoAsync($"/teledossiers/{caseId}");
        (await page.Locator("main").TextContentAsync())!.ShouldContain(fileName);
        (await page.Locator("main img[src='x']").CountAsync()).ShouldBe(0);
        (await page.Locator("main b").Filter(new() { HasText = "Jean" }).CountAsync()).ShouldBe(0);
        dialogs.ShouldBe(0);
    }
}
