using System.Net;
using Microsoft.Playwright;
using OpenHubee.Data;
using OpenHubee.E2E.Infrastructure;
using OpenHubee.Tests.Infrastructure;

namespace OpenHubee.E2E;

/// <summary>
/// Technical delegates and editors administer the subscriptions delegated to them across organisations,
/// and nothing else of those organisations (portal.md §C 4.4); national administrators declare the editors.
/// </summary>
public sealed class DelegationTests : IClassFixture<BrowserHub>
{
    private readonly BrowserHub browser;

    public DelegationTests(BrowserHub browser) => this.browser = browser;

    [Fact]
    public async Task A_national_administrator_declares_an_editor_whose_staff_then_handles_the_named_subscription_only()
    {
        var hub = browser.Hub;
        const string national = "claude.admin@numerique.gouv.fr";
        await PortalSteps.CreateAccountAsync(hub, national, PortalActorType.NationalAdministrator, siret: "13002526500013");
        var page = await browser.NewPageAsync();
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = browser.BaseUrl });
        await PortalSteps.SetPasswordFromMailAsync(page, hub, national);
        await PortalSteps.LoginAsync(page, hub, national);

        await page.GotoAsync("/editeurs");
        await page.GetByLabel("Raison sociale").FillAsync("LOGICIELS DES COMMUNES");
        await page.GetByLabel("N° SIRET").FillAsync("44306184100047");
        await page.GetByRole(AriaRole.Button, new() { Name = "Créer l'éditeur" }).ClickAsync();
        (await page.GetByRole(AriaRole.Status).First.InnerTextAsync()).ShouldContain("a été créé");
        const string editorUser = "paul.durand@logiciels-communes.fr";
        await page.GetByLabel("Éditeur*").SelectOptionAsync(new SelectOptionValue { Label = "LOGICIELS DES COMMUNES" });
        await page.GetByLabel("E-mail personnel").FillAsync(editorUser);
        await page.GetByLabel("Prénom").FillAsync("Paul");
        await page.GetByLabel("Nom*", new() { Exact = true }).FillAsync("DURAND");
        await page.GetByRole(AriaRole.Button, new() { Name = "Créer le compte" }).ClickAsync();
        (await page.GetByRole(AriaRole.Status).First.InnerTextAsync()).ShouldContain("courriel de création de mot de passe");
        await BrowserHub.ScreenshotAsync(page, "editeurs");

        // Limoges names the editor on its API-mode EtatCivil subscription.
        var admin = await hub.AdminAsync();
        var list = await (await admin.GetAsync("/referential/v1/subscriptions?companyRegister=21870850100018&processCode=EtatCivil")).JsonAsync();
        var subscriptionId = list[0].GetProperty("id").GetGuid();
        var named = await admin.PutAsync($"/referential/v1/subscriptions/{subscriptionId}",
            HubApi.Json("""{"editor":{"type":"EDITEUR","companyRegister":"44306184100047","branchCode":"-"}}"""));
        named.StatusCode.ShouldBe(HttpStatusCode.OK, await named.Content.ReadAsStringAsync());

        var editorPage = await browser.NewPageAsync();
        await editorPage.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = browser.BaseUrl });
        await PortalSteps.SetPasswordFromMailAsync(editorPage, hub, editorUser);
        await PortalSteps.LoginAsync(editorPage, hub, editorUser);
        PortalSteps.LoginCodes(hub, editorUser).Count.ShouldBe(1, "editors confirm their login with a code");
        editorPage.Url.ShouldEndWith("/abonnements");
        (await editorPage.GetByRole(AriaRole.Status).First.InnerTextAsync()).ShouldBe("1 Abonnement trouvé");
        await editorPage.GetByRole(AriaRole.Row).Filter(new() { HasText = "Demande d'acte d'état civil" }).GetByRole(AriaRole.Link).ClickAsync();
        (await editorPage.GetByLabel("Adresse email notifiée").IsDisabledAsync()).ShouldBeTrue("the commune's settings are not the editor's");
        (await editorPage.GetByRole(AriaRole.Button, new() { Name = "Enregistrer les modifications" }).CountAsync()).ShouldBe(0);
        await editorPage.GetByRole(AriaRole.Button, new() { Name = "Copier la clé secrète" }).ClickAsync();
        await editorPage.GetByText("Clé secrète copiée").WaitForAsync();
        (await editorPage.EvaluateAsync<string>("navigator.clipboard.readText()")).ShouldBe("demo-limoges-etatcivil-secret");

        // Nothing else of Limoges: another subscription, the users, the télédossiers.
        var other = await (await admin.GetAsync("/referential/v1/subscriptions?companyRegister=21870850100018&processCode=CERTDC")).JsonAsync();
        var response = await editorPage.APIRequest.GetAsync($"/abonnements/{other[0].GetProperty("id").GetGuid()}");
        response.Status.ShouldBe(404);
        await editorPage.GotoAsync("/comptes");
        editorPage.Url.ShouldContain("/acces-refuse");
    }

    [Fact]
    public async Task A_technical_delegate_named_by_datapass_administers_that_subscription_across_organisations()
    {
        var hub = browser.Hub;
        var datapass = await hub.DatapassAsync();
        var (commune, _, _) = await ReferentialHelpers.NewCommuneAsync(datapass, "COMMUNE DE BELLAC");
        const string delegateEmail = "lea.martin@syndicat-informatique.fr";
        var created = await datapass.PostAsync("/referential/v1/subscriptions", HubApi.Json($$"""
            {"datapassId":8801,"processCode":"JeChangeDeCoordonnees","subscriber":{{commune}},"notificationFrequency":"Aucune","status":"Inactif",
             "localAdministrator":{"firstName":"Jean","lastName":"PETIT","email":"jean.petit@bellac.fr"},
             "delegationActor":{"firstName":"Léa","lastName":"MARTIN","email":"{{delegateEmail}}"}
            }
            """));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());

        var page = await browser.NewPageAsync();
        await PortalSteps.SetPasswordFromMailAsync(page, hub, delegateEmail);
        await PortalSteps.LoginAsync(page, hub, delegateEmail);
        PortalSteps.LoginCodes(hub, delegateEmail).Count.ShouldBe(1, "technical delegates confirm their login with a code");
        (await page.GetByRole(AriaRole.Status).First.InnerTextAsync()).ShouldBe("1 Abonnement trouvé");
        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = "changement de coordonnées" }).GetByRole(AriaRole.Link).ClickAsync();

        // The delegate chooses API for the commune and gets the credentials.
        await page.Locator("label[for='modalite-api']").ClickAsync();
        var dialog = page.Locator("#modale-api");
        await dialog.WaitForAsync(new() { State = WaitForSelectorState.Visible });
        await dialog.GetByText("En validant ce message").ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Valider" }).ClickAsync();
        await dialog.WaitForAsync(new() { State = WaitForSelectorState.Hidden });
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer les modifications" }).ClickAsync();
        (await page.GetByText("Utilisez ces paramètres pour la communication entre votre application et le service API").CountAsync()).ShouldBe(1);
        await page.GotoAsync("/teledossiers");
        page.Url.ShouldContain("/acces-refuse");
    }
}
