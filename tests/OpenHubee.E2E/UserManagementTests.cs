using Microsoft.Playwright;
using OpenHubee.Data;
using OpenHubee.E2E.Infrastructure;
using OpenHubee.Features.Accounts;
using OpenHubee.Hosting;
using OpenHubee.Portal.Pages.Compte;
using OpenHubee.Tests.Infrastructure;

namespace OpenHubee.E2E;

/// <summary>
/// « Gestion des comptes » (portal.md §4.7) as the demo local administrator of Limoges uses it: creating an agent
/// habilitated to a démarche, deactivating and reactivating them, and meeting the own-rights refusal.
/// </summary>
public sealed class UserManagementTests : IClassFixture<BrowserHub>
{
    private const string Agent = "lea.fontaine@limoges.example";
    private readonly BrowserHub browser;

    public UserManagementTests(BrowserHub browser) => this.browser = browser;

    private static (string Email, string Password) Admin => (DemoData.PortalAccounts[0].Email, DemoData.PortalAccounts[0].Password);

    private async Task<IPage> AdminPageAsync()
    {
        var page = await browser.NewPageAsync();
        await PortalSteps.LoginAsync(page, browser.Hub, Admin.Email, Admin.Password);
        page.Url.ShouldEndWith("/abonnements");
        return page;
    }

    private static async Task<string> StatusAsync(IPage page) => (await page.GetByRole(AriaRole.Status).First.TextContentAsync())!.Trim();

    [Fact]
    public async Task An_administrator_creates_an_agent_who_logs_in_then_deactivates_and_reactivates_them()
    {
        var hub = browser.Hub;
        var admin = await AdminPageAsync();
        await admin.GetByRole(AriaRole.Link, new() { Name = "Gestion des comptes" }).ClickAsync();
        admin.Url.ShouldEndWith("/comptes");
        foreach (var header in new[] { "Actif", "Nom", "Prénom", "Type d'acteur", "Rôle", "Habilitations démarches" })
        {
            (await admin.GetByRole(AriaRole.Columnheader, new() { Name = header, Exact = true }).CountAsync()).ShouldBe(1, header);
        }

        var agentRow = admin.GetByRole(AriaRole.Row).Filter(new() { HasText = "BERNARD" });
        (await agentRow.TextContentAsync())!.ShouldContain("Demande d'acte d'état civil");
        (await admin.GetByRole(AriaRole.Row).Filter(new() { HasText = "MOREAU" }).TextContentAsync())!.ShouldContain("Sans habilitations");
        await BrowserHub.ScreenshotAsync(admin, "comptes-liste");

        // Filters: by démarche, by name (2 characters at least), then « Réinitialiser les filtres ».
        await admin.Locator("#filtre-demarche").SelectOptionAsync("EtatCivil");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Filtrer" }).ClickAsync();
        (await StatusAsync(admin)).ShouldBe("1 compte trouvé");
        await admin.GetByRole(AriaRole.Link, new() { Name = "Réinitialiser les filtres" }).ClickAsync();
        await admin.Locator("#filtre-nom").FillAsync("mo");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Filtrer" }).ClickAsync();
        (await admin.Locator("tbody tr").AllTextContentsAsync()).ShouldHaveSingleItem().ShouldContain("MOREAU");

        // The creation form refuses a functional mailbox and a badly written phone number, then creates the agent.
        await admin.GetByRole(AriaRole.Link, new() { Name = "Créer un compte" }).ClickAsync();
        await admin.Locator("#type-acteur").SelectOptionAsync(PortalActorType.Agent);
        await admin.Locator("label[for='habilitation-EtatCivil']").ClickAsync();
        await admin.Locator("#email").FillAsync("mairie@limoges.example");
        await admin.Locator("#civilite").SelectOptionAsync("Madame");
        await admin.Locator("#prenom").FillAsync("Léa");
        await admin.Locator("#nom").FillAsync("FONTAINE");
        await admin.Locator("#fonction").FillAsync("Officier d'état civil");
        await admin.Locator("#telephone").FillAsync("05 55 12 34 56");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Créer le compte" }).ClickAsync();
        var errors = (await admin.Locator("#erreurs").TextContentAsync())!;
        errors.ShouldContain(UserRules.FunctionalMailboxText);
        errors.ShouldContain(UserRules.PhoneFormatText);
        (await admin.Locator("#habilitation-EtatCivil").IsCheckedAsync()).ShouldBeTrue("the form keeps what was typed");
        await admin.Locator("#email").FillAsync(Agent);
        await admin.Locator("#telephone").FillAsync("+33555123456");
        await BrowserHub.ScreenshotAsync(admin, "compte-creation");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Créer le compte" }).ClickAsync();
        (await StatusAsync(admin)).ShouldContain("Un mail de création de mot de passe, valable 48 heures, a été envoyé à " + Agent);
        var agentUrl = admin.Url;
        (await admin.Locator("#compte-datapass").TextContentAsync()).ShouldBe("Non");
        (await admin.Locator("#role-1").IsCheckedAsync()).ShouldBeTrue("Gestion des télédossiers is the agent's default role");
        await BrowserHub.ScreenshotAsync(admin, "compte-detail");

        // The same e-mail cannot serve twice.
        await admin.GotoAsync("/comptes/creer");
        await admin.Locator("#type-acteur").SelectOptionAsync(PortalActorType.Agent);
        await admin.Locator("#email").FillAsync(Agent);
        await admin.Locator("#prenom").FillAsync("Léa");
        await admin.Locator("#nom").FillAsync("FONTAINE");
        await admin.Locator("#telephone-secondaire").FillAsync("+33612345678");
        await admin.GetByRole(AriaRole.Button, new() { Name = "Créer le compte" }).ClickAsync();
        (await admin.Locator("#erreurs").TextContentAsync())!.ShouldContain($"Un compte existe déjà pour l'adresse « {Agent} »");

        // The agent sets a password from the mail and logs in without a second factor.
        var agent = await browser.NewPageAsync();
        await PortalSteps.SetPasswordFromMailAsync(agent, hub, Agent);
        await PortalSteps.LoginAsync(agent, hub, Agent);
        PortalSteps.LoginCodes(hub, Agent).ShouldBeEmpty();
        agent.Url.ShouldEndWith("/teledossiers");
        (await agent.GetByRole(AriaRole.Link, new() { Name = "Instruire les télédossiers" }).CountAsync()).ShouldBe(1);
        (await agent.GetByRole(AriaRole.Link, new() { Name = "Gestion des comptes" }).CountAsync()).ShouldBe(0);

        // Deactivation ends the agent's open session at once and refuses the next login.
        await admin.GotoAsync(agentUrl);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Désactiver le compte" }).ClickAsync();
        var dialog = admin.Locator("#modale-desactiver");
        await dialog.WaitForAsync(new() { State = WaitForSelectorState.Visible });
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Désactiver", Exact = true }).ClickAsync();
        (await StatusAsync(admin)).ShouldContain("Le compte est désactivé");
        (await admin.Locator("#statut-compte").TextContentAsync()).ShouldBe("Inactif");

        await agent.ReloadAsync();
        agent.Url.ShouldContain("/connexion");
        await PortalSteps.LoginAsync(agent, hub, Agent);
        (await agent.GetByRole(AriaRole.Alert).TextContentAsync())!.ShouldContain("Identifiant ou mot de passe incorrect.");

        // Reactivation lets the agent back in.
        await admin.GetByRole(AriaRole.Button, new() { Name = "Réactiver le compte" }).ClickAsync();
        (await StatusAsync(admin)).ShouldContain("Le compte est réactivé");
        await PortalSteps.LoginAsync(agent, hub, Agent);
        agent.Url.ShouldEndWith("/teledossiers");

        // Every step is in the « Journal d'audit ».
        await admin.GetByRole(AriaRole.Link, new() { Name = "Journal d'audit" }).ClickAsync();
        var journal = string.Join("\n", await admin.Locator("tbody tr").AllTextContentsAsync());
        foreach (var action in new[] { "Compte créé", "Compte désactivé", "Compte réactivé", "Mot de passe créé", "Connexion réussie", "Échec de connexion" })
        {
            journal.ShouldContain(action);
        }

        (await admin.Locator("tbody tr").First.TextContentAsync())!.ShouldContain("Connexion réussie");
        await BrowserHub.ScreenshotAsync(admin, "journal-audit");
    }

    [Fact]
    public async Task An_administrator_cannot_change_their_own_roles_even_by_forcing_the_form()
    {
        var admin = await AdminPageAsync();
        await admin.GotoAsync("/comptes");
        await admin.GetByRole(AriaRole.Row).Filter(new() { HasText = "MOREAU" }).GetByRole(AriaRole.Link).ClickAsync();
        (await admin.Locator("#alerte-propres-droits").CountAsync()).ShouldBe(1);
        (await admin.Locator("#role-0").IsDisabledAsync()).ShouldBeTrue();
        (await admin.GetByRole(AriaRole.Button, new() { Name = "Enregistrer les droits" }).CountAsync()).ShouldBe(0);
        (await admin.GetByRole(AriaRole.Button, new() { Name = "Désactiver le compte" }).CountAsync()).ShouldBe(0);

        // A hand-made request (fields enabled, a submit button added) is refused by the server.
        await admin.EvaluateAsync("""
            () => {
              const form = document.getElementById('form-droits');
              for (const input of form.querySelectorAll('[disabled]')) input.disabled = false;
              form.querySelector('#role-0').checked = true;
              const button = document.createElement('button');
              button.type = 'submit';
              button.textContent = 'Forcer';
              form.appendChild(button);
            }
            """);
        await admin.GetByRole(AriaRole.Button, new() { Name = "Forcer" }).ClickAsync();
        (await admin.Locator("#erreurs").TextContentAsync())!.ShouldContain(UserRules.OwnRightsText);
        await admin.GotoAsync(admin.Url);
        (await admin.Locator("#role-0").IsCheckedAsync()).ShouldBeFalse("Consultation des télédossiers was not added");
    }

    [Fact]
    public async Task Forgotten_password_answers_the_same_for_a_known_and_an_unknown_address()
    {
        var answers = new List<string>();
        var page = await browser.NewPageAsync();
        foreach (var address in new[] { DemoData.PortalAccounts[1].Email, "personne.inconnue@limoges.example" })
        {
            await page.GotoAsync("/connexion");
            await page.GetByRole(AriaRole.Link, new() { Name = "Mot de passe oublié ?" }).ClickAsync();
            await page.GetByLabel("Email*").FillAsync(address);
            if (answers.Count == 0)
            {
                await BrowserHub.ScreenshotAsync(page, "mot-de-passe-oublie");
            }

            await page.GetByRole(AriaRole.Button, new() { Name = "Réinitialiser mon mot de passe" }).ClickAsync();
            answers.Add(await StatusAsync(page));
        }

        answers.ShouldAllBe(a => a == MotDePasseOublieModel.SentMessage);
        Mailbox.Read(browser.Hub, DemoData.PortalAccounts[1].Email).Count.ShouldBe(1);
        Mailbox.Read(browser.Hub, "personne.inconnue@limoges.example").ShouldBeEmpty();
    }
}
