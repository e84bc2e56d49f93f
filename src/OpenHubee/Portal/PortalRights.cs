using System.Security.Claims;
using OpenHubee.Data;

namespace OpenHubee.Portal;

/// <summary>What a signed-in person may see in the portal, from the roles held in their session (portal.md §C roles).</summary>
public sealed record PortalRights(IReadOnlySet<string> Roles, string? ActorType)
{
    public const string ActorTypeClaim = "hubee:actor_type";
    public const string OrganizationClaim = "hubee:organization";

    public bool CanSeeCases => Roles.Contains(PortalRole.CaseConsultation) || Roles.Contains(PortalRole.CaseManagement);
    public bool CanManageCases => Roles.Contains(PortalRole.CaseManagement);
    public bool CanSeeUsers => Roles.Contains(PortalRole.UserConsultation) || Roles.Contains(PortalRole.UserManagement);
    public bool CanManageUsers => Roles.Contains(PortalRole.UserManagement);
    public bool CanSeeSubscriptions => Roles.Contains(PortalRole.SubscriptionConsultation) || Roles.Contains(PortalRole.SubscriptionManagement);
    public bool CanManageSubscriptions => Roles.Contains(PortalRole.SubscriptionManagement);
    public bool CanReadAudit => ActorType is PortalActorType.LocalAdministrator or PortalActorType.NationalAdministrator;
    public bool IsNationalAdministrator => ActorType == PortalActorType.NationalAdministrator;

    public static PortalRights Of(ClaimsPrincipal user) =>
        new(user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal), user.FindFirst(ActorTypeClaim)?.Value);
}
