using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenHubee.Features.Accounts;

namespace OpenHubee.Portal.Pages.Compte;

/// <summary>« Créer mon mot de passe » / « Réinitialiser mon mot de passe », reached from the mail link.</summary>
public sealed class MotDePasseModel(AccountService accounts) : PageModel
{
    public const string InvalidLinkMessage = "Ce lien n'est plus valide. Utilisez « Mot de passe oublié ? » pour en recevoir un nouveau.";
    public const string MismatchMessage = "Les deux mots de passe saisis ne sont pas identiques.";
    public const string RequiredMessage = "Saisissez votre nouveau mot de passe dans les deux champs.";

    [BindProperty(SupportsGet = true, Name = "email")]
    public string? Email { get; set; }

    [BindProperty(SupportsGet = true, Name = "token")]
    public string? Token { get; set; }

    /// <summary>Reached from the sign-in page because the password is older than 6 months.</summary>
    [BindProperty(SupportsGet = true, Name = "expire")]
    public bool Expired { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    [BindProperty]
    public string? ConfirmPassword { get; set; }

    public bool LinkInvalid { get; private set; }

    public bool Creation { get; private set; } = true;

    public string Title => Creation ? "Créer mon mot de passe" : "Réinitialiser mon mot de passe";

    public async Task OnGetAsync()
    {
        var user = await accounts.FindByLinkAsync(Email, Token);
        LinkInvalid = user is null;
        Creation = user is null || user.PasswordHash is null;
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var user = await accounts.FindByLinkAsync(Email, Token);
        if (user is null)
        {
            LinkInvalid = true;
            return Page();
        }

        Creation = user.PasswordHash is null;
        if (string.IsNullOrEmpty(NewPassword) || string.IsNullOrEmpty(ConfirmPassword))
        {
            ModelState.AddModelError(string.Empty, RequiredMessage);
            return Page();
        }

        if (!string.Equals(NewPassword, ConfirmPassword, StringComparison.Ordinal))
        {
            ModelState.AddModelError(string.Empty, MismatchMessage);
            return Page();
        }

        var result = await accounts.SetPasswordAsync(Email, Token, NewPassword, ct);
        switch (result.Outcome)
        {
            case PasswordLinkOutcome.Done:
                return RedirectToPage("/Compte/MotDePasseEnregistre", new { creation = Creation });
            case PasswordLinkOutcome.InvalidLink:
                LinkInvalid = true;
                return Page();
            default:
                foreach (var error in result.Errors)
                {
                    ModelState.AddModelError(string.Empty, error);
                }

                return Page();
        }
    }
}
