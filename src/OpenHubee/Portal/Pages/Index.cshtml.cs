using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace OpenHubee.Portal.Pages;

/// <summary>The home page depends on the rights: an administrator lands on « Gestion des abonnements » (portal.md §A.3).</summary>
public sealed class IndexModel : PageModel
{
    public IActionResult OnGet()
    {
        if (User.Identity?.IsAuthenticated != true)
        {
            return RedirectToPage("/Connexion");
        }

        var rights = PortalRights.Of(User);
        if (rights.CanSeeSubscriptions)
        {
            return Redirect("/abonnements");
        }

        if (rights.CanSeeCases)
        {
            return Redirect("/teledossiers");
        }

        return rights.CanSeeUsers ? Redirect("/comptes") : RedirectToPage("/Connexion");
    }
}
