using System.Net;
using System.Net.Http.Headers;
using Microsoft.Playwright;
using OpenHubee.Domain;
using OpenHubee.E2E.Infrastructure;
using OpenHubee.Tests.Infrastructure;

namespace OpenHubee.E2E;

/// <summary>
/// The user's seed document, « Étape 2 – Guide d'activation des abonnements (communes) », walked as a
/// commune's administrator does it: DataPass creates the subscriptions, the administrator sets a password
/// from the mail, logs in with the e-mailed code, chooses Portail for one démarche and API for another,
/// copies the credentials, regenerates the secret and activates at a date.
/// </summary>
public sealed class SeedGuideTests : IClassFixture<BrowserHub>
{
    private const string Admin = "m.lefevre@saint-junien.fr";
    private readonly BrowserHub browser;

    public SeedGuideTests(BrowserHub browser) => this.browser = browser;

    private static string Subscription(string commune, string process, long datapassId) =>
        $$"""
        {"datapassId":{{datapassId}},"processCode":"{{process}}","subscriber":{{commune}},"notificationFrequency":"unitaire",
         "status":"Inactif","validateDateTime":"2026-11-20T10:00:00+01:00",
         "localAdministrator":{"firstName":"Mathilde","lastName":"LEFEVRE","email":"{{Admin}}","function":"Secrétaire générale","phoneNumber":"+33555000000"}
        }
        """;

    [Fact]
    public async Task A_commune_administrator_activates_the_subscriptions_as_the_guide_says()
    {
        var hub = browser.Hub;
        var datapass = await hub.DatapassAsync();
        var (commune, siret, branch) = await ReferentialHelpers.NewCommuneAsync(datapass, "COMMUNE DE SAINT-JUNIEN");
        foreach (var (process, id) in new[] { ("EtatCivil", 7001L), ("HebergementTourisme", 7002L) })
        {
            var created = await datapass.PostAsync("/referential/v1/subscriptions", HubApi.Json(Subscription(commune, process, id)));
            created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        }

        // Step 1: the password-creation mail, then login with the e-mailed code; the home page is the list.
        var page = await browser.NewPageAsync();
        await page.Context.GrantPermissionsAsync(["clipboard-read", "clipboard-write"], new() { Origin = browser.BaseUrl });
        await PortalSteps.SetPasswordFromMailAsync(page, hub, Admin);
        await PortalSteps.LoginAsync(page, hub, Admin);
        page.Url.ShouldEndWith("/abonnements");
        (await page.GetByRole(AriaRole.Status).First.InnerTextAsync()).ShouldBe("2 Abonnements trouvés");
        var rows = await page.Locator("tbody tr").AllTextContentsAsync();
        rows.ShouldAllBe(row => row.Contains("Inactif"), string.Join(" | ", rows));
        foreach (var header in new[] { "Opérateur", "Démarche", "N° Datapass", "Modalité d'accès", "Editeur", "Statut", "Date d'activation", "Date de suspension" })
        {
            (await page.GetByRole(AriaRole.Columnheader, new() { Name = header, Exact = true }).CountAsync()).ShouldBe(1, header);
        }

        await BrowserHub.ScreenshotAsync(page, "abonnements-liste");

        // Portail for EtatCivil: the dialog needs its checkbox; notifications Quotidienne to a functional address.
        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = "Demande d'acte d'état civil" }).GetByRole(AriaRole.Link).ClickAsync();
        (await page.Locator("h1").First.InnerTextAsync()).ShouldBe("Abonnement – Demande d'acte d'état civil");
        (await page.GetByText("Numéro Data Pass : 7001").CountAsync()).ShouldBe(1);
        await page.Locator("label[for='modalite-portail']").ClickAsync();
        var dialog = page.Locator("#modale-portail");
        await dialog.WaitForAsync(new() { State = WaitForSelectorState.Visible });
        (await dialog.GetByRole(AriaRole.Button, new() { Name = "Valider" }).IsDisabledAsync()).ShouldBeTrue();
        await dialog.GetByText("En validant ce message").ClickAsync();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Valider" }).ClickAsync();
        await dialog.WaitForAsync(new() { State = WaitForSelectorState.Hidden });
        await page.Locator("label[for='frequence-Quotidienne']").ClickAsync();
        await page.GetByLabel("Adresse email notifiée").FillAsync("etat-civil@saint-junien.fr");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer les modifications" }).ClickAsync();
        (await page.GetByRole(AriaRole.Status).First.InnerTextAsync()).ShouldContain("Les modifications ont été enregistrées.");
        (await page.Locator("#alerte-personne").CountAsync()).ShouldBe(1, "Portail mode with no agent must warn");
        await BrowserHub.ScreenshotAsync(page, "abonnement-portail");

        // Activation at a date needs the explicit confirmation while nobody can process the démarche.
        var tomorrow = SubscriptionLifecycle.ParisDay(hub.Clock.GetUtcNow()).AddDays(1);
        await page.GetByRole(AriaRole.Button, new() { Name = "Activer l'abonnement" }).ClickAsync();
        await page.GetByLabel("Merci de choisir une date").FillAsync(tomorrow.ToString("yyyy-MM-dd"));
        await page.Locator("#modale-activer").GetByRole(AriaRole.Button, new() { Name = "Activer", Exact = true }).ClickAsync();
        (await page.GetByRole(AriaRole.Alert).First.InnerTextAsync()).ShouldContain("aucun compte actif ne peut traiter");
        await page.GetByRole(AriaRole.Button, new() { Name = "Activer l'abonnement" }).ClickAsync();
        await page.GetByLabel("Merci de choisir une date").FillAsync(tomorrow.ToString("yyyy-MM-dd"));
        await page.Locator("#modale-activer").GetByText("J'ai compris").ClickAsync();
        await page.Locator("#modale-activer").GetByRole(AriaRole.Button, new() { Name = "Activer", Exact = true }).ClickAsync();
        (await page.GetByRole(AriaRole.Status).First.InnerTextAsync()).ShouldContain($"actif à partir du {tomorrow:dd/MM/yyyy}");
        (await page.Locator("#statut-abonnement").TextContentAsync()).ShouldBe("Inactif");

        // API for HebergementTourisme: once saved, the masked credentials can be copied and used at the token endpoint.
        await page.GotoAsync("/abonnements");
        await page.GetByRole(AriaRole.Row).Filter(new() { HasText = "hébergement touristique" }).GetByRole(AriaRole.Link).ClickAsync();
        await page.Locator("label[for='modalite-api']").ClickAsync();
        var apiDialog = page.Locator("#modale-api");
        await apiDialog.WaitForAsync(new() { State = WaitForSelectorState.Visible });
        await apiDialog.GetByText("En validant ce message").ClickAsync();
        await apiDialog.GetByRole(AriaRole.Button, new() { Name = "Valider" }).ClickAsync();
        await apiDialog.WaitForAsync(new() { State = WaitForSelectorState.Hidden });
        (await page.GetByText("Choisir un éditeur").IsVisibleAsync()).ShouldBeTrue();
        await page.GetByLabel("Adresse email notifiée").FillAsync("informatique@saint-junien.fr");
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer les modifications" }).ClickAsync();
        (await page.GetByText("Utilisez ces paramètres pour la communication entre votre application et le service API").CountAsync()).ShouldBe(1);
        (await page.ContentAsync()).ShouldNotContain("-secret");
        await BrowserHub.ScreenshotAsync(page, "abonnement-api-identifiants");

        var (clientId, secret) = await CopyCredentialsAsync(page);
        var http = hub.CreateClient();
        (await TokenStatusAsync(http, clientId, secret)).ShouldBe(HttpStatusCode.OK);

        await page.GetByRole(AriaRole.Button, new() { Name = "Régénérer la clé secrète" }).ClickAsync();
        await page.Locator("#modale-regenerer").GetByRole(AriaRole.Button, new() { Name = "Régénérer", Exact = true }).ClickAsync();
        (await page.GetByRole(AriaRole.Status).First.InnerTextAsync()).ShouldContain("La clé secrète a été régénérée.");
        var (_, newSecret) = await CopyCredentialsAsync(page);
        newSecret.ShouldNotBe(secret);
        (await TokenStatusAsync(http, clientId, secret)).ShouldBe(HttpStatusCode.Unauthorized);
        (await TokenStatusAsync(http, clientId, newSecret)).ShouldBe(HttpStatusCode.OK);

        await page.GetByRole(AriaRole.Button, new() { Name = "Activer l'abonnement" }).ClickAsync();
        await page.GetByLabel("Merci de choisir une date").FillAsync(tomorrow.ToString("yyyy-MM-dd"));
        await page.Locator("#modale-activer").GetByRole(AriaRole.Button, new() { Name = "Activer", Exact = true }).ClickAsync();
        (await page.GetByRole(AriaRole.Status).First.InnerTextAsync()).ShouldContain($"actif à partir du {tomorrow:dd/MM/yyyy}");

        // The operator's folder is refused before the activation date and accepted on the day.
        var dila = await hub.DilaAsync();
        var folder = HubApi.FolderJson("DILA-DHT-0000000000042", 10, commune, "HebergementTourisme");
        await (await dila.PostAsync("/teledossiers/v1/folders", HubApi.Json(folder)))
            .ShouldBeErrorAsync(HttpStatusCode.BadRequest, $"Case recipient SI-{siret}-{branch} does not suscribed to HebergementTourisme");
        hub.Clock.SetUtcNow(SubscriptionLifecycle.StartOfParisDay(tomorrow).AddMinutes(1));
        dila = await hub.DilaAsync();
        (await dila.PostAsync("/teledossiers/v1/folders", HubApi.Json(folder))).StatusCode.ShouldBe(HttpStatusCode.Created);
    }

    private static async Task<(string ClientId, string Secret)> CopyCredentialsAsync(IPage page)
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Copier l'identifiant client" }).ClickAsync();
        await page.GetByText("Identifiant client copié").WaitForAsync();
        var clientId = await page.EvaluateAsync<string>("navigator.clipboard.readText()");
        await page.GetByRole(AriaRole.Button, new() { Name = "Copier la clé secrète" }).ClickAsync();
        await page.GetByText("Clé secrète copiée").WaitForAsync();
        return (clientId, await page.EvaluateAsync<string>("navigator.clipboard.readText()"));
    }

    private static async Task<HttpStatusCode> TokenStatusAsync(HttpClient http, string clientId, string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = "SI" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        return (await http.SendAsync(request)).StatusCode;
    }
}
