using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace OpenHubee.Portal.Pages;

/// <summary>« Se déconnecter »: a POST with anti-forgery, so that no link can log a person out.</summary>
public sealed class DeconnexionModel : PageModel
{
    public IActionResult OnGet() => RedirectToPage("/Index");

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(PortalAuthentication.Scheme);
        TempData["Succes"] = "Vous êtes déconnecté.";
        return RedirectToPage("/Connexion");
    }
}
