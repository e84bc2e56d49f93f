using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using OpenHubee.Data;
using OpenHubee.Features.Accounts;
using OpenHubee.Tests.Infrastructure;

namespace OpenHubee.E2E.Infrastructure;

/// <summary>What a person does in the portal, step by step, reading their mails from the embedded mail folder.</summary>
public static partial class PortalSteps
{
    public const string Password = "Limoges-2026-Abonnements!";

    public static async Task<Guid> OrganizationIdAsync(HubFactory hub, string siret)
    {
        using var scope = hub.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<HubDbContext>().Organizations.Where(o => o.CompanyRegister == siret).Select(o => o.Id).FirstAsync();
    }

    /// <summary>An account as the subscription flow or a local administrator creates it: it receives the password-creation mail.</summary>
    public static async Task CreateAccountAsync(HubFactory hub, string email, string actorType, string siret = "21870850100018", IEnumerable<string>? habilitations = null)
    {
        var organizationId = await OrganizationIdAsync(hub, siret);
        using var scope = hub.Services.CreateScope();
        var accounts = scope.ServiceProvider.GetRequiredService<AccountService>();
        var (user, created) = await accounts.EnsureAccountAsync(email, organizationId, actorType, new AccountContact(email, "Camille", "Martin"), isDataPass: false, "test");
        created.ShouldBeTrue();
        if (habilitations is not null)
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<PortalUser>>();
            user.Habilitations = [.. habilitations];
            await users.UpdateAsync(user);
        }
    }

    /// <summary>Opens the « Création de mot de passe » mail and sets the password through its link.</summary>
    public static async Task SetPasswordFromMailAsync(IPage page, HubFactory hub, string email, string password = Password)
    {
        var mail = Mailbox.Read(hub, email).Last(m => m.TextBody?.Contains("/compte/mot-de-passe?", StringComparison.Ordinal) == true);
        await page.GotoAsync(Mailbox.PasswordLink(mail));
        await page.GetByLabel("Nouveau mot de passe").FillAsync(password);
        await page.GetByLabel("Confirmer le mot de passe").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Enregistrer mon mot de passe" }).ClickAsync();
    }

    /// <summary>« Me connecter », then the e-mailed code when the account needs a second factor.</summary>
    public static async Task LoginAsync(IPage page, HubFactory hub, string email, string password = Password)
    {
        var codesBefore = LoginCodes(hub, email).Count;
        await page.GotoAsync("/connexion");
        await page.GetByLabel("Identifiant").FillAsync(email);
        await page.GetByLabel("Mot de passe").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Se connecter" }).ClickAsync();
        if (page.Url.Contains("/connexion/code", StringComparison.Ordinal))
        {
            var codes = LoginCodes(hub, email);
            codes.Count.ShouldBe(codesBefore + 1);
            await page.GetByLabel("Code de connexion").FillAsync(codes[^1]);
            await page.GetByRole(AriaRole.Button, new() { Name = "Valider" }).ClickAsync();
        }
    }

    public static List<string> LoginCodes(HubFactory hub, string email) =>
        Mailbox.Read(hub, email).Where(m => m.Subject == "Votre code de connexion HubEE")
            .Select(m => CodePattern().Match(m.TextBody ?? "").Groups[1].Value).ToList();

    [GeneratedRegex(@"code de connexion à HubEE : (\d{6})")]
    private static partial Regex CodePattern();
}
