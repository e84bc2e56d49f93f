using Microsoft.Playwright;
using OpenHubee.E2E.Infrastructure;

namespace OpenHubee.E2E;

public sealed class LoginPageTests : IClassFixture<BrowserHub>
{
    private readonly BrowserHub browser;

    public LoginPageTests(BrowserHub browser) => this.browser = browser;

    [Fact]
    public async Task The_home_page_leads_an_anonymous_visitor_to_the_login_form_in_the_state_design()
    {
        var page = await browser.NewPageAsync();
        var response = await page.GotoAsync("/");
        response!.Headers["content-security-policy"].ShouldContain("script-src 'self'");
        page.Url.ShouldEndWith("/connexion");
        (await page.Locator("h2").First.InnerTextAsync()).ShouldBe("Me connecter");
        (await page.GetByLabel("Mot de passe").CountAsync()).ShouldBe(1);
        (await page.GetByRole(AriaRole.Link, new() { Name = "Mot de passe oublié ?" }).CountAsync()).ShouldBe(1);
        // The DSFR stylesheet is served by the service itself (fetched by the build, never committed).
        var css = await page.APIRequest.GetAsync("/dsfr/dsfr.min.css");
        css.Status.ShouldBe(200);
        await BrowserHub.ScreenshotAsync(page, "connexion");
    }
}
