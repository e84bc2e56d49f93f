using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenHubee.Features.Accounts;

namespace OpenHubee.Portal.Pages;

/// <summary>« Me connecter »: e-mail and password, then the e-mailed code for administrators and delegates.</summary>
public sealed class ConnexionModel(PortalSignIn signIn) : PageModel
{
    public const string UnknownMessage = "Identifiant ou mot de passe incorrect.";

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true, Name = "retour")]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet() => ViewData["HideMenu"] = true;

    public async Task<IActionResult> OnPostAsync()
    {
        ViewData["HideMenu"] = true;
        var result = await signIn.CheckPasswordAsync(Email, Password, HttpContext.RequestAborted);
        switch (result.Step)
        {
            case SignInStep.SignedIn:
                await HttpContext.SignInAsync(PortalAuthentication.Scheme, PortalAuthentication.PrincipalOf(result.User!));
                return LocalRedirect(SafeReturnUrl());
            case SignInStep.CodeSent:
                var pending = new System.Security.Claims.ClaimsIdentity(PortalAuthentication.PendingCodeScheme);
                pending.AddClaim(new System.Security.Claims.Claim(System.Security.Claims.ClaimTypes.NameIdentifier, result.User!.Id.ToString()));
                await HttpContext.SignInAsync(PortalAuthentication.PendingCodeScheme, new System.Security.Claims.ClaimsPrincipal(pending));
                return RedirectToPage("/ConnexionCode", new { retour = SafeReturnUrl() });
            case SignInStep.PasswordExpired:
                return LocalRedirect(result.PasswordChangePath!);
            case SignInStep.LockedOut:
                Error = LockedMessage(result.LockedUntil!.Value);
                return Page();
            default:
                Error = UnknownMessage;
                return Page();
        }
    }

    public static string LockedMessage(DateTimeOffset until) =>
        $"Votre compte est verrouillé après plusieurs échecs de connexion. Réessayez après {TimeZoneInfo.ConvertTime(until, Domain.SubscriptionLifecycle.Paris):HH:mm} ou utilisez « Mot de passe oublié ? ».";

    private string SafeReturnUrl() => Url.IsLocalUrl(ReturnUrl) ? ReturnUrl! : "/";
}
