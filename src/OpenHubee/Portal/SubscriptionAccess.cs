using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using OpenHubee.Data;

namespace OpenHubee.Portal;

/// <summary>
/// Which subscriptions a person sees in « Gestion des abonnements » (portal.md §C 4.4): those of their own
/// organisation; a technical delegate also those that name them; a user of an editor those that name the
/// editor; a national administrator all. Managing needs « Gestion des abonnements ».
/// </summary>
public static class SubscriptionAccess
{
    public const string EditorOrganizationType = "EDITEUR";

    public static IQueryable<Subscription> Visible(HubDbContext db, ClaimsPrincipal user)
    {
        var rights = PortalRights.Of(user);
        if (rights.IsNationalAdministrator)
        {
            return db.Subscriptions;
        }

        var organizationId = Guid.TryParse(user.FindFirstValue(PortalRights.OrganizationClaim), out var id) ? id : Guid.Empty;
        var email = user.FindFirstValue(ClaimTypes.Email) ?? "";
        return rights.ActorType switch
        {
            PortalActorType.TechnicalDelegate => db.Subscriptions.Where(s => s.SubscriberOrganizationId == organizationId || s.DelegationActorEmail == email),
            PortalActorType.Editor => db.Subscriptions.Where(s => s.SubscriberOrganizationId == organizationId || s.EditorOrganizationId == organizationId),
            _ => db.Subscriptions.Where(s => s.SubscriberOrganizationId == organizationId),
        };
    }

    public static Task<Subscription?> FindAsync(HubDbContext db, ClaimsPrincipal user, Guid id, CancellationToken ct) =>
        Visible(db, user).Include(s => s.Process!).ThenInclude(p => p.Osl).Include(s => s.Subscriber).Include(s => s.Editor)
            .FirstOrDefaultAsync(s => s.Id == id, ct);
}

/// <summary>Dates as the portal shows them: the calendar day in Europe/Paris.</summary>
public static class PortalFormat
{
    public static string Day(DateTimeOffset? instant) =>
        instant is { } i ? Domain.SubscriptionLifecycle.ParisDay(i).ToString("dd/MM/yyyy", System.Globalization.CultureInfo.InvariantCulture) : "—";

    public static string DayTime(DateTimeOffset? instant) =>
        instant is { } i ? TimeZoneInfo.ConvertTime(i, Domain.SubscriptionLifecycle.Paris).ToString("dd/MM/yyyy 'à' HH:mm", System.Globalization.CultureInfo.InvariantCulture) : "—";

    public static string AccessMode(string? mode) => mode switch
    {
        Data.AccessMode.Api => "API",
        Data.AccessMode.Portail => "Portail",
        _ => "Non choisie",
    };

    /// <summary>DSFR badge colour of a subscription status.</summary>
    public static string StatusBadge(string status) => status switch
    {
        SubscriptionStatus.Actif => "fr-badge--success",
        SubscriptionStatus.Suspendu => "fr-badge--warning",
        SubscriptionStatus.Refuse => "fr-badge--error",
        _ => "fr-badge--info",
    };
}
