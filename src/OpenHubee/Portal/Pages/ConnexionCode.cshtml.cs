using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenHubee.Features.Accounts;

namespace OpenHubee.Portal.Pages;

/// <summary>The second factor: the code e-mailed after the password was accepted.</summary>
public sealed class ConnexionCodeModel(PortalSignIn signIn) : PageModel
{
    [BindProperty]
    public string? Code { get; set; }

    [BindProperty(SupportsGet = true, Name = "retour")]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnGetAsync() =>
        await PendingUserAsync() is null ? RedirectToPage("/Connexion") : Page();

    public async Task<IActionResult> OnPostAsync()
    {
        if (await PendingUserAsync() is not { } userId)
        {
            return RedirectToPage("/Connexion");
        }

        var result = await signIn.CheckCodeAsync(userId, Code?.Trim(), HttpContext.RequestAborted);
        switch (result.Step)
        {
            case SignInStep.SignedIn:
                await HttpContext.SignOutAsync(PortalAuthentication.PendingCodeScheme);
                await HttpContext.SignInAsync(PortalAuthentication.Scheme, PortalAuthentication.PrincipalOf(result.User!));
                return LocalRedirect(Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/");
            case SignInStep.LockedOut:
                await HttpContext.SignOutAsync(PortalAuthentication.PendingCodeScheme);
                Error = ConnexionModel.LockedMessage(result.LockedUntil!.Value);
                return Page();
            default:
                Error = "Ce code est incorrect ou a expiré.";
                return Page();
        }
    }

    private async Task<Guid?> PendingUserAsync()
    {
        var pending = await HttpContext.AuthenticateAsync(PortalAuthentication.PendingCodeScheme);
        return pending.Succeeded && Guid.TryParse(pending.Principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;
    }
}
