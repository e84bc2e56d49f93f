using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenHubee.Features.Accounts;

namespace OpenHubee.Portal.Pages.Compte;

/// <summary>« Mot de passe oublié ? »: mails a new link, and answers the same whether or not the address has an account.</summary>
public sealed class MotDePasseOublieModel(AccountService accounts) : PageModel
{
    public const string SentMessage =
        "Si un compte actif existe pour cette adresse, un mail vient de lui être envoyé avec un lien pour choisir un nouveau mot de passe (valable 48 heures).";

    [BindProperty]
    public string? Email { get; set; }

    public bool Sent { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(Email) || !Email.Contains('@', StringComparison.Ordinal))
        {
            ModelState.AddModelError(nameof(Email), "Saisissez votre adresse e-mail.");
            return Page();
        }

        await accounts.RequestPasswordResetAsync(Email, ct);
        Sent = true;
        return Page();
    }
}
