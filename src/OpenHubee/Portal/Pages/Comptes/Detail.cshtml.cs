using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using OpenHubee.Data;
using OpenHubee.Features.Accounts;

namespace OpenHubee.Portal.Pages.Comptes;

/// <summary>
/// An account of the organisation: personal data (not the e-mail), rights (actor type, roles, habilitations),
/// deactivation and reactivation (portal.md §4.7). The rules are <see cref="UserManagement"/>'s: a hidden
/// button is a courtesy, the refusal is on the server.
/// </summary>
public sealed class DetailModel(UserManagement management) : PageModel
{
    public PortalUser Account { get; private set; } = null!;
    public bool CanManage { get; private set; }
    public bool IsSelf { get; private set; }
    public bool MayDeactivate { get; private set; }
    public IReadOnlyList<(string Code, string Name)> Processes { get; private set; } = [];
    public IReadOnlyList<string> ActorTypes { get; private set; } = [];
    public List<string> Errors { get; } = [];

    [BindProperty] public string? Civility { get; set; }
    [BindProperty] public string? FirstName { get; set; }
    [BindProperty] public string? LastName { get; set; }
    [BindProperty] public string? Function { get; set; }
    [BindProperty] public string? PhoneNumber { get; set; }
    [BindProperty] public string? SecondaryPhoneNumber { get; set; }
    [BindProperty] public string? ActorType { get; set; }
    [BindProperty] public List<string> Roles { get; set; } = [];
    [BindProperty] public List<string> Habilitations { get; set; } = [];

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) => await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostIdentityAsync(Guid id, CancellationToken ct) =>
        await ApplyAsync(id, m => management.UpdateIdentityAsync(m, id, new UserIdentity(Civility, FirstName, LastName, Function, PhoneNumber, SecondaryPhoneNumber), ct),
            "Les informations personnelles ont été enregistrées.", keepIdentity: true, ct);

    public async Task<IActionResult> OnPostRightsAsync(Guid id, CancellationToken ct) =>
        await ApplyAsync(id, m => management.UpdateRightsAsync(m, id, new UserRights(ActorType, Roles, Habilitations), ct),
            "Les droits du compte ont été enregistrés.", keepIdentity: false, ct, keepRights: true);

    public async Task<IActionResult> OnPostDeactivateAsync(Guid id, CancellationToken ct) =>
        await ApplyAsync(id, m => management.SetActiveAsync(m, id, active: false, ct),
            "Le compte est désactivé : la personne ne peut plus se connecter et sa session en cours est fermée.", keepIdentity: false, ct);

    public async Task<IActionResult> OnPostReactivateAsync(Guid id, CancellationToken ct) =>
        await ApplyAsync(id, m => management.SetActiveAsync(m, id, active: true, ct),
            "Le compte est réactivé : la personne peut de nouveau se connecter.", keepIdentity: false, ct);

    private async Task<IActionResult> ApplyAsync(Guid id, Func<ActingUser, Task<UserChangeResult>> change, string success, bool keepIdentity, CancellationToken ct, bool keepRights = false)
    {
        var manager = ActingUser.Of(User);
        if (!await LoadAsync(id, ct, keepIdentity, keepRights))
        {
            return NotFound();
        }

        if (!manager.CanManage)
        {
            return Forbid();
        }

        var result = await change(manager);
        if (!result.Succeeded)
        {
            Errors.AddRange(result.Errors);
            if (IsSelf)
            {
                // A refused change of one's own rights shows the rights as they stay.
                (ActorType, Roles, Habilitations) = (Account.ActorType, [.. Account.Roles], [.. Account.Habilitations]);
            }

            return Page();
        }

        TempData["Succes"] = success;
        return Redirect($"/comptes/{id}");
    }

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct, bool keepIdentity = false, bool keepRights = false)
    {
        var manager = ActingUser.Of(User);
        if (!manager.CanSee || await management.FindAsync(manager, id, ct) is not { } account)
        {
            return false;
        }

        Account = account;
        CanManage = manager.CanManage;
        IsSelf = !UserRules.MayChangeRightsOf(manager.UserId, account.Id);
        MayDeactivate = UserRules.MayDeactivate(manager.ActorType, manager.UserId, account);
        Processes = await management.SubscribedProcessesAsync(manager.OrganizationId, ct);
        ActorTypes = UserRules.AssignableActorTypes(manager.ActorType).Append(account.ActorType).Distinct().ToList();
        if (!keepIdentity)
        {
            (Civility, FirstName, LastName, Function, PhoneNumber, SecondaryPhoneNumber) =
                (account.Civility, account.FirstName, account.LastName, account.Function, account.PhoneNumber, account.SecondaryPhoneNumber);
        }

        if (!keepRights)
        {
            (ActorType, Roles, Habilitations) = (account.ActorType, [.. account.Roles], [.. account.Habilitations]);
        }

        return true;
    }
}
