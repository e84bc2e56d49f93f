using Microsoft.AspNetCore.Identity;

namespace OpenHubee.Data;

/// <summary>A person with a portal account. A user belongs to exactly one organisation (portal.md §C).</summary>
public sealed class PortalUser : IdentityUser<Guid>
{
    public Guid OrganizationId { get; set; }
    public Organization? Organization { get; set; }
    /// <summary>Administrateur national, Administrateur local, Agent, Délégué technique, Éditeur.</summary>
    public string ActorType { get; set; } = PortalActorType.Agent;
    public string? Civility { get; set; }
    public string FirstName { get; set; } = "";
    public string LastName { get; set; } = "";
    public string? Function { get; set; }
    public string? SecondaryPhoneNumber { get; set; }
    public bool IsActive { get; set; } = true;
    /// <summary>« Compte DataPass »: created by the subscription flow.</summary>
    public bool IsDataPassAccount { get; set; }
    public List<string> Roles { get; set; } = [];
    /// <summary>Process codes this user is habilitated to (télédossier roles only).</summary>
    public List<string> Habilitations { get; set; } = [];
    public DateTimeOffset CreateDateTime { get; set; }
    public DateTimeOffset? LastLoginDateTime { get; set; }
    public DateTimeOffset? PasswordChangedDateTime { get; set; }
    /// <summary>How many times the account was locked in a row: each new lock lasts twice as long (15 min, 30, 60…).</summary>
    public int ConsecutiveLockouts { get; set; }
}

public static class PortalActorType
{
    public const string NationalAdministrator = "Administrateur national";
    public const string LocalAdministrator = "Administrateur local";
    public const string Agent = "Agent";
    public const string TechnicalDelegate = "Délégué technique";
    public const string Editor = "Éditeur";
}

public static class PortalRole
{
    public const string CaseConsultation = "Consultation des télédossiers";
    public const string CaseManagement = "Gestion des télédossiers";
    public const string SubscriptionConsultation = "Consultation des abonnements";
    public const string SubscriptionManagement = "Gestion des abonnements";
    public const string UserConsultation = "Consultation des utilisateurs";
    public const string UserManagement = "Gestion des utilisateurs";

    public static IReadOnlyList<string> DefaultsFor(string actorType) => actorType switch
    {
        PortalActorType.LocalAdministrator => [SubscriptionManagement, UserManagement],
        PortalActorType.TechnicalDelegate => [SubscriptionManagement],
        PortalActorType.Editor => [SubscriptionManagement],
        PortalActorType.NationalAdministrator => [CaseConsultation, SubscriptionManagement, UserManagement],
        _ => [CaseManagement],
    };
}
