using System.Linq.Expressions;
using OpenHubee.Data;

namespace OpenHubee.Domain;

/// <summary>
/// The status of a subscription is computed from what people decided (refused or not) and the dates
/// they set, so that an activation or a suspension takes effect at 00:00 Europe/Paris on its day
/// even before any job has run (api.md §4, portal.md §C 4.1–4.3).
/// </summary>
public static class SubscriptionLifecycle
{
    public static readonly TimeZoneInfo Paris = TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris");

    /// <summary>00:00 Europe/Paris of the given calendar day, as an instant.</summary>
    public static DateTimeOffset StartOfParisDay(DateOnly day)
    {
        var local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, Paris.GetUtcOffset(local)).ToUniversalTime();
    }

    public static DateOnly ParisDay(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, Paris).DateTime);

    public static string StatusAt(Subscription s, DateTimeOffset now) => StatusAt(s.Status, s.ActivateDateTime, s.SuspendDateTime, now);

    public static string StatusAt(string decided, DateTimeOffset? activate, DateTimeOffset? suspend, DateTimeOffset now)
    {
        if (decided == SubscriptionStatus.Refuse)
        {
            return SubscriptionStatus.Refuse;
        }

        if (suspend is { } s && s <= now)
        {
            return SubscriptionStatus.Suspendu;
        }

        return activate is { } a && a <= now ? SubscriptionStatus.Actif : SubscriptionStatus.Inactif;
    }

    /// <summary>The same rule as a query predicate, so that filters and folder checks agree with what readers see.</summary>
    public static Expression<Func<Subscription, bool>> IsActiveAt(DateTimeOffset now) =>
        s => s.Status != SubscriptionStatus.Refuse && s.ActivateDateTime != null && s.ActivateDateTime <= now
             && (s.SuspendDateTime == null || s.SuspendDateTime > now);

    public static Expression<Func<Subscription, bool>> HasStatusAt(string status, DateTimeOffset now) => status switch
    {
        SubscriptionStatus.Refuse => s => s.Status == SubscriptionStatus.Refuse,
        SubscriptionStatus.Suspendu => s => s.Status != SubscriptionStatus.Refuse && s.SuspendDateTime != null && s.SuspendDateTime <= now,
        SubscriptionStatus.Actif => IsActiveAt(now),
        SubscriptionStatus.Inactif => s => s.Status != SubscriptionStatus.Refuse && (s.SuspendDateTime == null || s.SuspendDateTime > now)
                                           && (s.ActivateDateTime == null || s.ActivateDateTime > now),
        _ => s => false,
    };
}
