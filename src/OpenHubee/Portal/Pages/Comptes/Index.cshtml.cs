using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using OpenHubee.Data;
using OpenHubee.Features.Accounts;

namespace OpenHubee.Portal.Pages.Comptes;

/// <summary>« Gestion des comptes »: the users of one's own organisation, with filters (portal.md §4.7).</summary>
public sealed class IndexModel(UserManagement management) : PageModel
{
    public sealed record Row(Guid Id, bool IsActive, string LastName, string FirstName, string ActorType, IReadOnlyList<string> Roles, IReadOnlyList<string> Habilitations, bool TakesHabilitations);

    [BindProperty(SupportsGet = true, Name = "type")]
    public string? ActorType { get; set; }

    [BindProperty(SupportsGet = true, Name = "demarche")]
    public string? Process { get; set; }

    [BindProperty(SupportsGet = true, Name = "nom")]
    public string? Name { get; set; }

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public IReadOnlyList<(string Code, string Name)> Processes { get; private set; } = [];
    public IReadOnlyList<string> ActorTypes { get; private set; } = [];
    public bool CanManage { get; private set; }
    public bool NameTooShort { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var manager = ActingUser.Of(User);
        if (!manager.CanSee)
        {
            return Forbid();
        }

        CanManage = manager.CanManage;
        Processes = await management.SubscribedProcessesAsync(manager.OrganizationId, ct);
        var names = Processes.ToDictionary(p => p.Code, p => p.Name);
        var all = await management.Visible(manager).AsNoTracking().ToListAsync(ct);
        ActorTypes = all.Select(u => u.ActorType).Concat(UserRules.AssignableActorTypes(manager.ActorType)).Distinct().Order(StringComparer.Ordinal).ToList();
        var name = Name?.Trim() ?? "";
        NameTooShort = name.Length == 1;
        Rows = all
            .Where(u => string.IsNullOrEmpty(ActorType) || u.ActorType == ActorType)
            .Where(u => string.IsNullOrEmpty(Process) || u.Habilitations.Contains(Process))
            .Where(u => name.Length < 2 || $"{u.LastName} {u.FirstName}".Contains(name, StringComparison.CurrentCultureIgnoreCase))
            .OrderBy(u => u.LastName, StringComparer.CurrentCultureIgnoreCase).ThenBy(u => u.FirstName, StringComparer.CurrentCultureIgnoreCase)
            .Select(u => new Row(u.Id, u.IsActive, u.LastName, u.FirstName, u.ActorType, UserRules.AllRoles.Where(u.Roles.Contains).ToList(),
                u.Habilitations.Select(h => names.GetValueOrDefault(h, h)).Order(StringComparer.Ordinal).ToList(), UserRules.TakesHabilitations(u.ActorType)))
            .ToList();
        return Page();
    }
}
