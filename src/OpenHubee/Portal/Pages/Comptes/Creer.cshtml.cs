using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenHubee.Features.Accounts;

namespace OpenHubee.Portal.Pages.Comptes;

/// <summary>« Créer un compte »: the roles come from the actor type; the person gets the 48 h password-creation mail (portal.md §4.7).</summary>
public sealed class CreerModel(UserManagement management) : PageModel
{
    [BindProperty] public string? ActorType { get; set; }
    [BindProperty] public List<string> Habilitations { get; set; } = [];
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? Civility { get; set; }
    [BindProperty] public string? FirstName { get; set; }
    [BindProperty] public string? LastName { get; set; }
    [BindProperty] public string? Function { get; set; }
    [BindProperty] public string? PhoneNumber { get; set; }
    [BindProperty] public string? SecondaryPhoneNumber { get; set; }

    public IReadOnlyList<(string Code, string Name)> Processes { get; private set; } = [];
    public IReadOnlyList<string> ActorTypes { get; private set; } = [];
    public List<string> Errors { get; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct) => await LoadAsync(ct) ? Page() : Forbid();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!await LoadAsync(ct))
        {
            return Forbid();
        }

        var result = await management.CreateAsync(ActingUser.Of(User),
            new NewUser(ActorType, Habilitations, Email, Civility, FirstName, LastName, Function, PhoneNumber, SecondaryPhoneNumber), ct);
        if (!result.Succeeded)
        {
            Errors.AddRange(result.Errors);
            return Page();
        }

        TempData["Succes"] = $"Le compte de {result.User!.FirstName} {result.User.LastName} a été créé. Un mail de création de mot de passe, valable 48 heures, a été envoyé à {result.User.Email}.";
        return Redirect($"/comptes/{result.User.Id}");
    }

    private async Task<bool> LoadAsync(CancellationToken ct)
    {
        var manager = ActingUser.Of(User);
        if (!manager.CanManage)
        {
            return false;
        }

        Processes = await management.SubscribedProcessesAsync(manager.OrganizationId, ct);
        ActorTypes = UserRules.AssignableActorTypes(manager.ActorType);
        return true;
    }
}
