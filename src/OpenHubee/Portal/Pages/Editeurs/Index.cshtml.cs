using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using OpenHubee.Auth;
using OpenHubee.Data;
using OpenHubee.Features.Accounts;

namespace OpenHubee.Portal.Pages.Editeurs;

/// <summary>
/// « Éditeurs »: the national administrators declare the software editors that communes can name on their
/// API-mode subscriptions (portal.md §C 4.4), and the accounts of the editors' staff.
/// </summary>
public sealed partial class IndexModel(HubDbContext db, AccountService accounts, AuditLog audit, TimeProvider clock) : PageModel
{
    public sealed record EditorRow(Guid Id, string Name, string CompanyRegister, int Users, int Subscriptions);

    public IReadOnlyList<EditorRow> Editors { get; private set; } = [];
    public List<string> Errors { get; } = [];

    [BindProperty, Display(Name = "Raison sociale")] public string? Name { get; set; }
    [BindProperty] public string? CompanyRegister { get; set; }
    [BindProperty] public Guid? EditorId { get; set; }
    [BindProperty] public string? UserEmail { get; set; }
    [BindProperty] public string? UserFirstName { get; set; }
    [BindProperty] public string? UserLastName { get; set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!PortalRights.Of(User).IsNationalAdministrator)
        {
            return Forbid();
        }

        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        if (!PortalRights.Of(User).IsNationalAdministrator)
        {
            return Forbid();
        }

        var name = Name?.Trim() ?? "";
        var siret = CompanyRegister?.Trim() ?? "";
        if (name.Length is 0 or > 100)
        {
            Errors.Add("La raison sociale est obligatoire (100 caractères au plus).");
        }

        if (!SiretPattern().IsMatch(siret))
        {
            Errors.Add("Le numéro SIRET doit comporter 14 chiffres.");
        }
        else if (await db.Organizations.AnyAsync(o => o.Type == SubscriptionAccess.EditorOrganizationType && o.CompanyRegister == siret, ct))
        {
            Errors.Add($"Un éditeur de SIRET {siret} existe déjà.");
        }

        if (Errors.Count > 0)
        {
            await LoadAsync(ct);
            return Page();
        }

        var editor = new Organization
        {
            Id = Guid.NewGuid(), Type = SubscriptionAccess.EditorOrganizationType, CompanyRegister = siret, BranchCode = "-", Name = name,
            PostalCode = "", Territory = "", Country = "France", CreateDateTime = clock.GetUtcNow(),
        };
        db.Organizations.Add(editor);
        audit.Add(editor.Id, Actor, "EDITOR_CREATED", editor.Identifier, name);
        await db.SaveChangesAsync(ct);
        TempData["Succes"] = $"L'éditeur « {name} » a été créé.";
        return RedirectToPage();
    }

    public async Task<IActionResult> OnPostAddUserAsync(CancellationToken ct)
    {
        if (!PortalRights.Of(User).IsNationalAdministrator)
        {
            return Forbid();
        }

        var editor = await db.Organizations.FirstOrDefaultAsync(o => o.Id == EditorId && o.Type == SubscriptionAccess.EditorOrganizationType, ct);
        var email = UserEmail?.Trim() ?? "";
        if (editor is null)
        {
            Errors.Add("Choisissez un éditeur.");
        }

        if (!new EmailAddressAttribute().IsValid(email) || email.Length == 0)
        {
            Errors.Add("L'adresse e-mail n'est pas valide.");
        }

        if (string.IsNullOrWhiteSpace(UserFirstName) || string.IsNullOrWhiteSpace(UserLastName))
        {
            Errors.Add("Le prénom et le nom sont obligatoires.");
        }

        if (Errors.Count > 0)
        {
            await LoadAsync(ct);
            return Page();
        }

        var (_, created) = await accounts.EnsureAccountAsync(email, editor!.Id, PortalActorType.Editor,
            new AccountContact(email, UserFirstName!.Trim(), UserLastName!.Trim()), isDataPass: false, Actor, ct: ct);
        TempData[created ? "Succes" : "Erreur"] = created
            ? $"Le compte de {email} a été créé ; un courriel de création de mot de passe lui a été envoyé."
            : $"Un compte existe déjà pour l'adresse {email}.";
        return RedirectToPage();
    }

    private string Actor => ActingUser.Of(User).Label;

    private async Task LoadAsync(CancellationToken ct)
    {
        var editors = await db.Organizations.AsNoTracking().Where(o => o.Type == SubscriptionAccess.EditorOrganizationType).OrderBy(o => o.Name).ToListAsync(ct);
        var ids = editors.Select(e => e.Id).ToList();
        var users = await db.Users.AsNoTracking().Where(u => ids.Contains(u.OrganizationId)).GroupBy(u => u.OrganizationId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        var subscriptions = await db.Subscriptions.AsNoTracking().Where(s => s.EditorOrganizationId != null && ids.Contains(s.EditorOrganizationId.Value))
            .GroupBy(s => s.EditorOrganizationId!.Value).Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, ct);
        Editors = editors.Select(e => new EditorRow(e.Id, e.Name, e.CompanyRegister, users.GetValueOrDefault(e.Id), subscriptions.GetValueOrDefault(e.Id))).ToList();
    }

    [GeneratedRegex("^[0-9]{14}$")]
    private static partial Regex SiretPattern();
}
