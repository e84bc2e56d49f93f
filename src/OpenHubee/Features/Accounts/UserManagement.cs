using System.Globalization;
using System.Security.Claims;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OpenHubee.Auth;
using OpenHubee.Data;
using OpenHubee.Portal;

namespace OpenHubee.Features.Accounts;

/// <summary>The person acting in « Gestion des comptes », from their portal session.</summary>
public sealed record ActingUser(Guid UserId, Guid OrganizationId, string ActorType, string Label, bool CanSee, bool CanManage)
{
    public bool IsNationalAdministrator => ActorType == PortalActorType.NationalAdministrator;

    public static ActingUser Of(ClaimsPrincipal user)
    {
        var rights = PortalRights.Of(user);
        return new(
            PortalAuthentication.UserId(user) ?? Guid.Empty,
            Guid.TryParse(user.FindFirstValue(PortalRights.OrganizationClaim), out var organizationId) ? organizationId : Guid.Empty,
            rights.ActorType ?? "",
            $"{user.Identity?.Name} <{user.FindFirstValue(ClaimTypes.Email)}>",
            rights.CanSeeUsers,
            rights.CanManageUsers);
    }
}

/// <summary>What the creation form of « Gestion des comptes » carries.</summary>
public sealed record NewUser(
    string? ActorType, IReadOnlyList<string> Habilitations, string? Email, string? Civility, string? FirstName, string? LastName,
    string? Function, string? PhoneNumber, string? SecondaryPhoneNumber);

/// <summary>Personal data a manager may change (never the e-mail: it is the login).</summary>
public sealed record UserIdentity(string? Civility, string? FirstName, string? LastName, string? Function, string? PhoneNumber, string? SecondaryPhoneNumber);

/// <summary>Rights: actor type, roles and process habilitations.</summary>
public sealed record UserRights(string? ActorType, IReadOnlyList<string> Roles, IReadOnlyList<string> Habilitations);

public sealed record UserChangeResult(IReadOnlyList<string> Errors, PortalUser? User = null)
{
    public bool Succeeded => Errors.Count == 0;
}

/// <summary>
/// The rules of « Gestion des comptes » (portal.md §C Users, §4.7), as plain functions the pages and the tests
/// call. Messages are the French sentences the person reads.
/// </summary>
public static partial class UserRules
{
    public static readonly string[] Civilities = ["Madame", "Monsieur"];

    public static readonly string[] AllRoles =
    [
        PortalRole.CaseConsultation, PortalRole.CaseManagement, PortalRole.SubscriptionConsultation,
        PortalRole.SubscriptionManagement, PortalRole.UserConsultation, PortalRole.UserManagement,
    ];

    public const string PhoneFormatText = "Le numéro de téléphone doit commencer par +33 suivi de 9 chiffres, sans espace ni point (exemple : +33555123456).";
    public const string PhoneRequiredText = "Saisissez au moins un numéro de téléphone (principal ou secondaire).";
    public const string FunctionalMailboxText =
        "Les adresses fonctionnelles ou génériques (contact@, mairie@, accueil@…) ne sont pas acceptées : saisissez l'adresse e-mail professionnelle personnelle de la personne.";
    public const string OwnRightsText = "Vous ne pouvez pas modifier vos propres droits (type d'acteur, rôles, habilitations) ni désactiver votre propre compte : demandez-le à un autre administrateur.";
    public const string DelegateDeactivationText = "Le compte d'un délégué technique ne peut pas être désactivé par le service instructeur.";
    public const string ReadOnlyText = "Votre rôle « Consultation des utilisateurs » permet de consulter les comptes, pas de les modifier.";

    /// <summary>Local parts used by shared mailboxes of town halls and services (accents, case and separators ignored).</summary>
    private static readonly HashSet<string> FunctionalLocalParts = new(StringComparer.Ordinal)
    {
        "contact", "contacts", "mairie", "accueil", "info", "infos", "information", "informations", "secretariat", "secretariatgeneral",
        "standard", "courrier", "courriers", "courriel", "etatcivil", "population", "urbanisme", "service", "services", "noreply",
        "nepasrepondre", "donotreply", "support", "communication", "direction", "dgs", "rh", "compta", "comptabilite", "finances",
        "elections", "cimetiere", "teledossiers", "teledossier", "webmaster", "postmaster", "hello", "bonjour", "reception",
        "commune", "ville", "cabinet", "maire", "cnil", "dpo", "rgpd", "citoyen", "citoyennete", "formalites", "guichet", "guichetunique",
    };

    /// <summary>Words that make a shared mailbox even with a suffix: mairie.limoges@, accueil-mairie@…</summary>
    private static readonly string[] FunctionalPrefixes = ["mairie", "accueil", "contact", "secretariat", "etat-civil", "etat.civil", "etatcivil", "noreply", "no-reply", "ville", "commune", "standard"];

    /// <summary>Format of portal.md §C: +33 followed by 9 digits, no space or dot.</summary>
    public static bool IsValidPhone(string? phone) => phone is not null && PhonePattern().IsMatch(phone);

    public static bool IsEmail(string? email) =>
        email is not null && EmailPattern().IsMatch(email.Trim());

    /// <summary>Whether the address is a functional (shared) mailbox rather than a person's: the login must be personal.</summary>
    public static bool IsFunctionalMailbox(string? email)
    {
        var at = email?.IndexOf('@', StringComparison.Ordinal) ?? -1;
        if (at <= 0)
        {
            return false;
        }

        var local = Normalize(email![..at]).Split('+')[0];
        if (FunctionalLocalParts.Contains(SeparatorPattern().Replace(local, "")))
        {
            return true;
        }

        // mairie.limoges@, accueil-mairie@, contact2@…
        return FunctionalPrefixes.Any(p => local.StartsWith(p, StringComparison.Ordinal)
            && (local.Length == p.Length || !char.IsLetter(local[p.Length])));
    }

    /// <summary>Nobody changes their own rights nor deactivates themselves (portal.md §4.7).</summary>
    public static bool MayChangeRightsOf(Guid actorUserId, Guid targetUserId) => actorUserId != targetUserId;

    /// <summary>A technical delegate is external to the SI: only a national administrator deactivates their account.</summary>
    public static bool MayDeactivate(string actorActorType, Guid actorUserId, PortalUser target) =>
        MayChangeRightsOf(actorUserId, target.Id)
        && (target.ActorType != PortalActorType.TechnicalDelegate || actorActorType == PortalActorType.NationalAdministrator);

    /// <summary>The actor types a manager may give: national administrators are created by national administrators only.</summary>
    public static IReadOnlyList<string> AssignableActorTypes(string actorActorType) => actorActorType == PortalActorType.NationalAdministrator
        ? [PortalActorType.Agent, PortalActorType.LocalAdministrator, PortalActorType.TechnicalDelegate, PortalActorType.NationalAdministrator]
        : [PortalActorType.Agent, PortalActorType.LocalAdministrator, PortalActorType.TechnicalDelegate];

    /// <summary>Local (and national) administrators have no habilitations: with a télédossier role they see every démarche.</summary>
    public static bool TakesHabilitations(string actorType) => actorType is not (PortalActorType.LocalAdministrator or PortalActorType.NationalAdministrator);

    public static List<string> CheckIdentity(UserIdentity identity)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(identity.FirstName))
        {
            errors.Add("Le prénom est obligatoire.");
        }

        if (string.IsNullOrWhiteSpace(identity.LastName))
        {
            errors.Add("Le nom est obligatoire.");
        }

        if (!string.IsNullOrWhiteSpace(identity.Civility) && !Civilities.Contains(identity.Civility))
        {
            errors.Add("Choisissez une civilité parmi Madame et Monsieur.");
        }

        var main = Blank(identity.PhoneNumber);
        var secondary = Blank(identity.SecondaryPhoneNumber);
        if (main is null && secondary is null)
        {
            errors.Add(PhoneRequiredText);
        }

        if (main is not null && !IsValidPhone(main))
        {
            errors.Add("Téléphone principal : " + PhoneFormatText);
        }

        if (secondary is not null && !IsValidPhone(secondary))
        {
            errors.Add("Téléphone secondaire : " + PhoneFormatText);
        }

        return errors;
    }

    public static List<string> CheckRights(UserRights rights, string actorActorType, IReadOnlyCollection<string> subscribedProcesses)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(rights.ActorType) || !AssignableActorTypes(actorActorType).Contains(rights.ActorType))
        {
            errors.Add("Choisissez un type d'acteur.");
        }

        if (rights.Roles.Any(r => !AllRoles.Contains(r)))
        {
            errors.Add("Un rôle demandé n'existe pas.");
        }

        if (rights.Habilitations.Any(h => !subscribedProcesses.Contains(h)))
        {
            errors.Add("Les habilitations ne peuvent être choisies que parmi les démarches auxquelles votre service instructeur est abonné.");
        }

        return errors;
    }

    public static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Normalize(string value)
    {
        var decomposed = value.Trim().ToLowerInvariant().Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed.Where(c => CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark))
        {
            builder.Append(c);
        }

        return builder.ToString();
    }

    [GeneratedRegex(@"[._\-]")]
    private static partial Regex SeparatorPattern();

    [GeneratedRegex(@"^\+33[0-9]{9}$")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();
}

/// <summary>
/// « Gestion des comptes »: creation (default roles of the actor type, 48 h password-creation mail through
/// <see cref="AccountService"/>), identity and rights changes, deactivation and reactivation — never deletion.
/// Every change is audited; the session check applies rights changes and deactivations at the next request.
/// </summary>
public sealed class UserManagement(HubDbContext db, UserManager<PortalUser> users, AccountService accounts, AuditLog audit)
{
    /// <summary>The users a manager sees: those of their own organisation.</summary>
    public IQueryable<PortalUser> Visible(ActingUser manager) =>
        db.Users.Where(u => u.OrganizationId == manager.OrganizationId);

    public Task<PortalUser?> FindAsync(ActingUser manager, Guid id, CancellationToken ct) =>
        Visible(manager).FirstOrDefaultAsync(u => u.Id == id, ct);

    /// <summary>The démarches the organisation is subscribed to, by name: the only possible habilitations.</summary>
    public async Task<IReadOnlyList<(string Code, string Name)>> SubscribedProcessesAsync(Guid organizationId, CancellationToken ct)
    {
        var rows = await db.Subscriptions.AsNoTracking().Where(s => s.SubscriberOrganizationId == organizationId)
            .Select(s => new { s.ProcessCode, s.Process!.Name }).Distinct().ToListAsync(ct);
        return rows.Select(r => (r.ProcessCode, r.Name)).DistinctBy(r => r.ProcessCode).OrderBy(r => r.Name, StringComparer.Ordinal).ToList();
    }

    public async Task<UserChangeResult> CreateAsync(ActingUser manager, NewUser form, CancellationToken ct)
    {
        if (!manager.CanManage)
        {
            return new([UserRules.ReadOnlyText]);
        }

        var errors = new List<string>();
        var email = UserRules.Blank(form.Email);
        if (email is null)
        {
            errors.Add("L'e-mail personnel est obligatoire.");
        }
        else if (!UserRules.IsEmail(email))
        {
            errors.Add($"L'adresse e-mail « {email} » n'est pas valide.");
        }
        else if (UserRules.IsFunctionalMailbox(email))
        {
            errors.Add(UserRules.FunctionalMailboxText);
        }

        var actorType = form.ActorType ?? "";
        var processes = (await SubscribedProcessesAsync(manager.OrganizationId, ct)).Select(p => p.Code).ToList();
        errors.AddRange(UserRules.CheckRights(new UserRights(actorType, PortalRole.DefaultsFor(actorType), form.Habilitations), manager.ActorType, processes));
        errors.AddRange(UserRules.CheckIdentity(new UserIdentity(form.Civility, form.FirstName, form.LastName, form.Function, form.PhoneNumber, form.SecondaryPhoneNumber)));
        if (errors.Count == 0 && await users.FindByEmailAsync(email!) is not null)
        {
            errors.Add($"Un compte existe déjà pour l'adresse « {email} ». L'e-mail étant l'identifiant, il ne peut servir qu'à un seul compte.");
        }

        if (errors.Count > 0)
        {
            return new(errors);
        }

        var contact = new AccountContact(email!, form.FirstName, form.LastName, form.Function, UserRules.Blank(form.PhoneNumber), UserRules.Blank(form.SecondaryPhoneNumber));
        var habilitations = UserRules.TakesHabilitations(actorType) ? form.Habilitations.Distinct().ToList() : [];
        var (user, created) = await accounts.EnsureAccountAsync(email!, manager.OrganizationId, actorType, contact, isDataPass: false, manager.Label,
            habilitations.Count > 0 ? "habilitations=" + string.Join(", ", habilitations) : null, ct);
        if (!created)
        {
            return new([$"Un compte existe déjà pour l'adresse « {email} »."]);
        }

        user.Civility = UserRules.Blank(form.Civility);
        user.Habilitations = habilitations;
        await users.UpdateAsync(user);
        return new([], user);
    }

    public async Task<UserChangeResult> UpdateIdentityAsync(ActingUser manager, Guid id, UserIdentity identity, CancellationToken ct)
    {
        var user = await FindAsync(manager, id, ct);
        if (user is null || !manager.CanManage)
        {
            return new([UserRules.ReadOnlyText]);
        }

        var errors = UserRules.CheckIdentity(identity);
        if (errors.Count > 0)
        {
            return new(errors, user);
        }

        user.Civility = UserRules.Blank(identity.Civility);
        user.FirstName = identity.FirstName!.Trim();
        user.LastName = identity.LastName!.Trim();
        user.Function = UserRules.Blank(identity.Function);
        user.PhoneNumber = UserRules.Blank(identity.PhoneNumber);
        user.SecondaryPhoneNumber = UserRules.Blank(identity.SecondaryPhoneNumber);
        audit.Add(user.OrganizationId, manager.Label, "ACCOUNT_UPDATED", user.Email);
        await users.UpdateAsync(user);
        return new([], user);
    }

    public async Task<UserChangeResult> UpdateRightsAsync(ActingUser manager, Guid id, UserRights rights, CancellationToken ct)
    {
        var user = await FindAsync(manager, id, ct);
        if (user is null || !manager.CanManage)
        {
            return new([UserRules.ReadOnlyText]);
        }

        if (!UserRules.MayChangeRightsOf(manager.UserId, user.Id))
        {
            return new([UserRules.OwnRightsText], user);
        }

        var processes = (await SubscribedProcessesAsync(manager.OrganizationId, ct)).Select(p => p.Code).ToList();
        // Habilitations to a démarche the organisation left stay as they were; only the subscribed ones are offered and checked.
        var errors = UserRules.CheckRights(rights with { Habilitations = rights.Habilitations.Where(h => !user.Habilitations.Contains(h)).ToList() }, manager.ActorType, processes);
        if (errors.Count > 0)
        {
            return new(errors, user);
        }

        var roles = UserRules.AllRoles.Where(rights.Roles.Contains).ToList();
        var habilitations = UserRules.TakesHabilitations(rights.ActorType!) ? rights.Habilitations.Distinct().Order(StringComparer.Ordinal).ToList() : [];
        if (user.ActorType != rights.ActorType)
        {
            audit.Add(user.OrganizationId, manager.Label, "ACCOUNT_ACTOR_TYPE_CHANGED", user.Email, $"{user.ActorType} -> {rights.ActorType}");
            user.ActorType = rights.ActorType!;
        }

        if (Changes(user.Roles, roles) is { } roleChanges)
        {
            audit.Add(user.OrganizationId, manager.Label, "ACCOUNT_ROLES_CHANGED", user.Email, roleChanges);
            user.Roles = roles;
        }

        if (Changes(user.Habilitations, habilitations) is { } habilitationChanges)
        {
            audit.Add(user.OrganizationId, manager.Label, "ACCOUNT_HABILITATIONS_CHANGED", user.Email, habilitationChanges);
            user.Habilitations = habilitations;
        }

        await users.UpdateAsync(user);
        return new([], user);
    }

    public async Task<UserChangeResult> SetActiveAsync(ActingUser manager, Guid id, bool active, CancellationToken ct)
    {
        var user = await FindAsync(manager, id, ct);
        if (user is null || !manager.CanManage)
        {
            return new([UserRules.ReadOnlyText]);
        }

        if (!UserRules.MayChangeRightsOf(manager.UserId, user.Id))
        {
            return new([UserRules.OwnRightsText], user);
        }

        if (!active && !UserRules.MayDeactivate(manager.ActorType, manager.UserId, user))
        {
            return new([UserRules.DelegateDeactivationText], user);
        }

        if (user.IsActive == active)
        {
            return new([], user);
        }

        user.IsActive = active;
        if (active)
        {
            // A reactivated person starts afresh: no lockout left from before.
            user.AccessFailedCount = 0;
            user.LockoutEnd = null;
        }

        audit.Add(user.OrganizationId, manager.Label, active ? "ACCOUNT_REACTIVATED" : "ACCOUNT_DEACTIVATED", user.Email);
        await users.UpdateAsync(user);
        return new([], user);
    }

    private static string? Changes(IReadOnlyCollection<string> before, IReadOnlyCollection<string> after)
    {
        var added = after.Except(before).ToList();
        var removed = before.Except(after).ToList();
        if (added.Count == 0 && removed.Count == 0)
        {
            return null;
        }

        return string.Join("; ", new[]
        {
            added.Count > 0 ? "ajout : " + string.Join(", ", added) : null,
            removed.Count > 0 ? "retrait : " + string.Join(", ", removed) : null,
        }.Where(s => s is not null));
    }
}
