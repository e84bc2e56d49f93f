using Microsoft.Playwright;
using OpenHubee.Data;
using OpenHubee.E2E.Infrastructure;
using OpenHubee.Tests.Infrastructure;

namespace OpenHubee.E2E;

/// <summary>Security rules of the portal as a person meets them in a browser.</summary>
public sealed class SignInTests : IClassFixture<BrowserHub>
{
    private readonly BrowserHub browser;

    public SignInTests(BrowserHub browser) => this.browser = browser;

    [Fact]
    public async Task An_administrator_confirms_the_login_with_the_emailed_code()
    {
        const string email = "admin.2fa@limoges.example";
        await PortalSteps.CreateAccountAsync(browser.Hub, email, PortalActorType.LocalAdministrator);
        var page = await browser.NewPageAsync();
        await PortalSteps.SetPasswordFromMailAsync(page, browser.Hub, email);

        await page.GotoAsync("/connexion");
        await page.GetByLabel("Identifiant").FillAsync(email);
        await page.GetByLabel("Mot de passe").FillAsync(PortalSteps.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();
        page.Url.ShouldContain("/connexion/code");
        (await page.ContentAsync()).ShouldNotContain("Se déconnecter");

        // A wrong code is refused; the e-mailed one lets the administrator in.
        await page.GetByLabel("Code de connexion").FillAsync("000000" == PortalSteps.LoginCodes(browser.Hub, email)[^1] ? "111111" : "000000");
        await page.GetByRole(AriaRole.Button, new() { Name = "Valider" }).ClickAsync();
        (await page.GetByRole(AriaRole.Alert).InnerTextAsync()).ShouldContain("incorrect ou a expiré");
        await page.GetByLabel("Code de connexion").FillAsync(PortalSteps.LoginCodes(browser.Hub, email)[^1]);
        await page.GetByRole(AriaRole.Button, new() { Name = "Valider" }).ClickAsync();
        (await page.GetByRole(AriaRole.Button, new() { Name = "Se déconnecter" }).CountAsync()).ShouldBe(1);

        // The code is single use.
        var again = await browser.NewPageAsync();
        await again.GotoAsync("/connexion");
        await again.GetByLabel("Identifiant").FillAsync(email);
        await again.GetByLabel("Mot de passe").FillAsync(PortalSteps.Password);
        await again.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();
        await again.GetByLabel("Code de connexion").FillAsync(PortalSteps.LoginCodes(browser.Hub, email)[^2]);
        await again.GetByRole(AriaRole.Button, new() { Name = "Valider" }).ClickAsync();
        again.Url.ShouldContain("/connexion/code");
    }

    [Fact]
    public async Task An_agent_logs_in_with_the_password_alone_and_logs_out()
    {
        const string email = "agent.simple@limoges.example";
        await PortalSteps.CreateAccountAsync(browser.Hub, email, PortalActorType.Agent);
        var page = await browser.NewPageAsync();
        await PortalSteps.SetPasswordFromMailAsync(page, browser.Hub, email);
        await PortalSteps.LoginAsync(page, browser.Hub, email);
        PortalSteps.LoginCodes(browser.Hub, email).ShouldBeEmpty();
        await page.GetByRole(AriaRole.Button, new() { Name = "Se déconnecter" }).ClickAsync();
        page.Url.ShouldEndWith("/connexion");
        await page.GotoAsync("/abonnements");
        page.Url.ShouldContain("/connexion");
    }

    [Fact]
    public async Task Five_failures_lock_the_account_even_for_the_right_password()
    {
        const string email = "agent.locked@limoges.example";
        await PortalSteps.CreateAccountAsync(browser.Hub, email, PortalActorType.Agent);
        var page = await browser.NewPageAsync();
        await PortalSteps.SetPasswordFromMailAsync(page, browser.Hub, email);
        for (var i = 1; i <= 5; i++)
        {
            await page.GotoAsync("/connexion");
            await page.GetByLabel("Identifiant").FillAsync(email);
            await page.GetByLabel("Mot de passe").FillAsync("Mauvais-mot-de-passe-" + i);
            await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();
            (await page.GetByRole(AriaRole.Alert).InnerTextAsync()).ShouldContain(i < 5 ? "Identifiant ou mot de passe incorrect." : "verrouillé");
        }

        await page.GotoAsync("/connexion");
        await page.GetByLabel("Identifiant").FillAsync(email);
        await page.GetByLabel("Mot de passe").FillAsync(PortalSteps.Password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();
        (await page.GetByRole(AriaRole.Alert).InnerTextAsync()).ShouldContain("verrouillé");
    }

    [Fact]
    public async Task A_form_post_without_antiforgery_token_is_refused()
    {
        var page = await browser.NewPageAsync();
        var response = await page.APIRequest.PostAsync("/connexion", new() { Form = page.APIRequest is null ? null : MakeForm(page) });
        response.Status.ShouldBe(400);
    }

    private static IFormData MakeForm(IPage page)
    {
        var form = page.Context.APIRequest.CreateFormData();
        form.Set("Email", "agent.simple@limoges.example");
        form.Set("Password", PortalSteps.Password);
        return form;
    }
}
