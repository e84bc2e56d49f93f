using OpenHubee.Features.Accounts;
using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using OpenHubee.Api;
using OpenHubee.Data;
using OpenHubee.Domain;
using OpenHubee.Features.Referential;

namespace OpenHubee.Portal.Pages.Abonnements;

/// <summary>
/// « Abonnement – &lt;démarche&gt; / Informations détaillées sur l'abonnement » (portal.md §A.5–11). Every change
/// goes through <see cref="SubscriptionService"/>, the same rules as PUT /referential/v1/subscriptions.
/// </summary>
public sealed class DetailModel(HubDbContext db, SubscriptionService subscriptions, TimeProvider clock) : PageModel
{
    public Subscription Subscription { get; private set; } = null!;
    public string Status { get; private set; } = "";
    public bool CanManage { get; private set; }
    /// <summary>
    /// Access mode, notifications and editor belong to the commune and its technical delegates; a named
    /// editor only activates, suspends and handles the credentials (portal.md §C 4.4).
    /// </summary>
    public bool CanEditSettings { get; private set; }
    public bool HasCredentials { get; private set; }
    public string? ClientId { get; private set; }
    public string? LocalAdministratorName { get; private set; }
    public IReadOnlyList<Organization> Editors { get; private set; } = [];
    /// <summary>§B: Portail mode with nobody able to process the démarche — télédossiers would be lost.</summary>
    public bool NobodyCanProcess { get; private set; }
    public List<string> Errors { get; } = [];
    public string Today => SubscriptionLifecycle.ParisDay(clock.GetUtcNow()).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    [BindProperty] public string? AccessMode { get; set; }
    [BindProperty] public bool ConfirmAccessMode { get; set; }
    [BindProperty] public string? NotificationFrequency { get; set; }
    [BindProperty] public string? Email { get; set; }
    [BindProperty] public string? EditorId { get; set; }
    [BindProperty] public string? ActivationDate { get; set; }
    [BindProperty] public string? SuspensionDate { get; set; }
    [BindProperty] public bool ConfirmNobodyCanProcess { get; set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct) =>
        await LoadAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostSaveAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct, keepForm: true) || !CanEditSettings)
        {
            return Forbid();
        }

        var mode = SubscriptionRules.CanonicalAccessMode(AccessMode);
        if (mode is not null && mode != Subscription.AccessMode && !ConfirmAccessMode)
        {
            Errors.Add($"Veuillez confirmer le choix de la modalité d'accès « {PortalFormat.AccessMode(mode)} » en cochant la case de confirmation.");
            return Page();
        }

        var editor = Guid.TryParse(EditorId, out var editorId) ? Editors.FirstOrDefault(e => e.Id == editorId) : null;
        var change = new SubscriptionChange
        {
            AccessMode = mode is null ? default(Optional<string?>) : mode,
            NotificationFrequency = NotificationFrequency,
            Email = string.IsNullOrWhiteSpace(Email) ? null : Email.Trim(),
            Editor = (mode ?? Subscription.AccessMode) == Data.AccessMode.Api ? (editor is null ? null : OrganizationIdentifierDto.From(editor)) : default(Optional<OrganizationIdentifierDto?>),
        };
        return await ApplyAsync(id, change, "Les modifications ont été enregistrées.", ct);
    }

    public async Task<IActionResult> OnPostActivateAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct, keepForm: true) || !CanManage)
        {
            return Forbid();
        }

        if (!DateOnly.TryParseExact(ActivationDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            Errors.Add("Merci de choisir une date d'activation.");
            return Page();
        }

        if (Subscription.AccessMode == Data.AccessMode.Portail && NobodyCanProcess && !ConfirmNobodyCanProcess)
        {
            Errors.Add(NobodyCanProcessMessage + " Cochez la case de confirmation pour activer tout de même.");
            return Page();
        }

        return await ApplyAsync(id, new SubscriptionChange { Status = SubscriptionStatus.Actif, ActivateDay = day },
            $"L'abonnement sera actif à partir du {day:dd/MM/yyyy}.", ct);
    }

    public async Task<IActionResult> OnPostSuspendAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct, keepForm: true) || !CanManage)
        {
            return Forbid();
        }

        DateOnly? day = DateOnly.TryParseExact(SuspensionDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
        return await ApplyAsync(id, new SubscriptionChange { Status = SubscriptionStatus.Suspendu, SuspendDay = day },
            day is null ? "L'abonnement est suspendu." : $"L'abonnement sera suspendu à partir du {day:dd/MM/yyyy}.", ct);
    }

    public async Task<IActionResult> OnPostReactivateAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct, keepForm: true) || !CanManage)
        {
            return Forbid();
        }

        return await ApplyAsync(id, new SubscriptionChange { Status = SubscriptionStatus.Actif, SuspendDay = null }, "L'abonnement est réactivé.", ct);
    }

    /// <summary>« Copier »: the clear credentials for the clipboard, audited at every retrieval.</summary>
    public async Task<IActionResult> OnPostCredentialsAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct) || !CanManage)
        {
            return Forbid();
        }

        var credentials = await subscriptions.RevealCredentialsAsync(id, Actor, ct);
        return credentials is { } c ? new JsonResult(new { clientId = c.ClientId, secret = c.Secret }) : NotFound();
    }

    public async Task<IActionResult> OnPostRegenerateAsync(Guid id, CancellationToken ct)
    {
        if (!await LoadAsync(id, ct) || !CanManage)
        {
            return Forbid();
        }

        await subscriptions.RegenerateSecretAsync(id, Actor, ct);
        TempData["Succes"] = "La clé secrète a été régénérée. L'ancienne clé ne fonctionne plus ; copiez la nouvelle dans votre logiciel métier.";
        return RedirectToPage(new { id });
    }

    public const string NobodyCanProcessMessage =
        "Attention : aucun compte actif ne peut traiter les télédossiers de cette démarche dans le portail (agent habilité ou administrateur ayant le rôle « Gestion des télédossiers »). Les télédossiers transmis ne seraient récupérés par personne.";

    private string Actor => ActingUser.Of(User).Label;

    private async Task<IActionResult> ApplyAsync(Guid id, SubscriptionChange change, string success, CancellationToken ct)
    {
        try
        {
            await subscriptions.UpdateAsync(id, change, Actor, ct);
        }
        catch (SubscriptionRuleException e)
        {
            Errors.AddRange(e.Violations.Select(French));
            return Page();
        }

        TempData["Succes"] = success;
        return RedirectToPage(new { id });
    }

    /// <summary>The rules speak the API's language; people read French.</summary>
    private static string French(RuleViolation v) => (v.Field, v.Problem) switch
    {
        ("email", _) when v.MissingField => "L'adresse email notifiée est obligatoire, sauf si la fréquence de notification est « Aucune ».",
        ("email", _) => "L'adresse email notifiée n'est pas valide.",
        ("activateDateTime", var p) when p.Contains("today", StringComparison.Ordinal) => "La date d'activation doit être aujourd'hui ou une date future.",
        ("activateDateTime", var p) when p.Contains("already active", StringComparison.Ordinal) => "L'abonnement est déjà actif.",
        ("activateDateTime" or "status", var p) when p.Contains("refused", StringComparison.Ordinal) => "Un abonnement refusé ne peut pas être activé.",
        ("accessMode", var p) when p.Contains("required to activate", StringComparison.Ordinal) => "Choisissez et enregistrez une modalité d'accès avant d'activer l'abonnement.",
        ("accessMode", _) => "Une modalité d'accès choisie ne peut pas être retirée ; choisissez l'autre modalité.",
        ("suspendDateTime", _) => "La date de suspension doit être aujourd'hui ou une date future.",
        ("editor", _) => "Un éditeur ne peut être choisi qu'en modalité d'accès « API ».",
        ("notificationFrequency", _) => "Choisissez une fréquence de notification.",
        _ => "La modification n'a pas pu être enregistrée : " + v.Problem,
    };

    private async Task<bool> LoadAsync(Guid id, CancellationToken ct, bool keepForm = false)
    {
        var subscription = await SubscriptionAccess.FindAsync(db, User, id, ct);
        if (subscription is null)
        {
            return false;
        }

        Subscription = subscription;
        Status = SubscriptionLifecycle.StatusAt(subscription, clock.GetUtcNow());
        var rights = PortalRights.Of(User);
        CanManage = rights.CanManageSubscriptions;
        var ownOrganization = User.FindFirst(PortalRights.OrganizationClaim)?.Value == subscription.SubscriberOrganizationId.ToString();
        CanEditSettings = CanManage && (ownOrganization || rights.ActorType != PortalActorType.Editor);
        var client = await db.ApiClients.AsNoTracking().FirstOrDefaultAsync(c => c.SubscriptionId == id && c.Scope == Scopes.Si, ct);
        HasCredentials = client is not null && subscription.AccessMode == Data.AccessMode.Api;
        ClientId = client?.ClientId;
        LocalAdministratorName = await db.Users.AsNoTracking().Where(u => u.Email == subscription.LocalAdministratorEmail)
            .Select(u => u.FirstName + " " + u.LastName).FirstOrDefaultAsync(ct);
        Editors = await db.Organizations.AsNoTracking().Where(o => o.Type == SubscriptionAccess.EditorOrganizationType).OrderBy(o => o.Name).ToListAsync(ct);
        NobodyCanProcess = subscription.AccessMode == Data.AccessMode.Portail && !await SomeoneCanProcessAsync(subscription, ct);
        if (!keepForm)
        {
            AccessMode = subscription.AccessMode;
            NotificationFrequency = subscription.NotificationFrequency;
            Email = subscription.Email;
            EditorId = subscription.EditorOrganizationId?.ToString();
        }

        return true;
    }

    /// <summary>An active account of the organisation holding « Gestion des télédossiers », habilitated to the démarche or an administrator.</summary>
    private async Task<bool> SomeoneCanProcessAsync(Subscription s, CancellationToken ct)
    {
        var candidates = await db.Users.AsNoTracking().Where(u => u.OrganizationId == s.SubscriberOrganizationId && u.IsActive)
            .Select(u => new { u.ActorType, u.Roles, u.Habilitations }).ToListAsync(ct);
        return candidates.Any(u => u.Roles.Contains(PortalRole.CaseManagement)
            && (u.Habilitations.Contains(s.ProcessCode) || u.ActorType is PortalActorType.LocalAdministrator or PortalActorType.NationalAdministrator));
    }
}
