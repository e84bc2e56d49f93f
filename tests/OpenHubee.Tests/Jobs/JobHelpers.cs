using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenHubee.Data;
using OpenHubee.Domain;
using OpenHubee.Jobs;
using OpenHubee.Tests.Infrastructure;

namespace OpenHubee.Tests.Jobs;

/// <summary>A hub with extra settings (SMTP server, shared data folder…).</summary>
public class ConfiguredHub(IDictionary<string, string?> settings) : HubFactory
{
    protected override IDictionary<string, string?> Settings => settings;
}

public static class JobHelpers
{
    public static JobRunner Jobs(this HubFactory hub) => hub.Services.GetRequiredService<JobRunner>();

    /// <summary>The instant of a Paris wall-clock time, <paramref name="days"/> days after the clock's Paris day.</summary>
    public static DateTimeOffset ParisAt(HubFactory hub, int days, int hour, int minute = 0)
    {
        var day = SubscriptionLifecycle.ParisDay(hub.Clock.GetUtcNow()).AddDays(days);
        var local = DateTime.SpecifyKind(day.ToDateTime(new TimeOnly(hour, minute)), DateTimeKind.Unspecified);
        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, SubscriptionLifecycle.Paris), TimeSpan.Zero);
    }

    public static async Task WithDbAsync(this HubFactory hub, Func<HubDbContext, Task> action)
    {
        using var scope = hub.Services.CreateScope();
        await action(scope.ServiceProvider.GetRequiredService<HubDbContext>());
    }

    public static async Task<T> WithDbAsync<T>(this HubFactory hub, Func<HubDbContext, Task<T>> action)
    {
        using var scope = hub.Services.CreateScope();
        return await action(scope.ServiceProvider.GetRequiredService<HubDbContext>());
    }

    public static Task SetSubscriptionAsync(this HubFactory hub, string processCode, string frequency, string email) =>
        hub.WithDbAsync(async db =>
        {
            var limoges = await db.Organizations.SingleAsync(o => o.Type == "SI" && o.BranchCode == "87085");
            var s = await db.Subscriptions.SingleAsync(x => x.SubscriberOrganizationId == limoges.Id && x.ProcessCode == processCode);
            s.NotificationFrequency = frequency;
            s.Email = email;
            await db.SaveChangesAsync();
        });

    public const string Password = "Un-mot-de-passe-solide-2026";

    /// <summary>A portal account of the commune of Limoges, with a password, that logged in now.</summary>
    public static async Task<Guid> CreateUserAsync(this HubFactory hub, string email, string actorType = PortalActorType.Agent)
    {
        using var scope = hub.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var limoges = await db.Organizations.SingleAsync(o => o.Type == "SI" && o.BranchCode == "87085");
        var now = hub.Clock.GetUtcNow();
        var user = new PortalUser
        {
            Id = Guid.NewGuid(), Email = email, UserName = email, EmailConfirmed = true, OrganizationId = limoges.Id, ActorType = actorType,
            FirstName = "Claire", LastName = "MARTIN", CreateDateTime = now, LastLoginDateTime = now, PasswordChangedDateTime = now,
            Roles = [.. PortalRole.DefaultsFor(actorType)],
        };
        (await users.CreateAsync(user, Password)).Succeeded.ShouldBeTrue();
        return user.Id;
    }

    public static async Task<int> PendingMailsAsync(this HubFactory hub) =>
        await hub.WithDbAsync(db => db.MailOutbox.CountAsync(m => m.State == MailOutboxState.Pending));
}
