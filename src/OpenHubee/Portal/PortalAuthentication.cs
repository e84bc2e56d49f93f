using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using OpenHubee.Data;

namespace OpenHubee.Portal;

/// <summary>
/// Portal sessions: an HttpOnly, SameSite cookie with a 60-minute sliding expiry (idle logout), checked at
/// every request against the account so that a deactivation or a change of rights takes effect at once.
/// A second, short cookie carries a login whose e-mailed code is still awaited.
/// </summary>
public static class PortalAuthentication
{
    public const string Scheme = "hubee.portal";
    public const string PendingCodeScheme = "hubee.code";
    private const string SecurityClaim = "hubee:security";
    private const string RightsClaim = "hubee:rights";

    public static IServiceCollection AddPortalAuthentication(this IServiceCollection services, IConfiguration configuration)
    {
        var idle = TimeSpan.FromMinutes(configuration.GetValue("OpenHubee:Portal:IdleMinutes", 60));
        services.AddAuthentication(Scheme)
            .AddCookie(Scheme, o =>
            {
                o.Cookie.Name = "hubee.session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = idle;
                o.SlidingExpiration = true;
                o.LoginPath = "/connexion";
                o.LogoutPath = "/deconnexion";
                o.AccessDeniedPath = "/acces-refuse";
                o.ReturnUrlParameter = "retour";
                o.Events.OnValidatePrincipal = ValidateAsync;
            })
            .AddCookie(PendingCodeScheme, o =>
            {
                o.Cookie.Name = "hubee.code";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                o.ExpireTimeSpan = TimeSpan.FromMinutes(10);
                o.SlidingExpiration = false;
                o.LoginPath = "/connexion";
            });
        services.AddAuthorization();
        return services;
    }

    public static ClaimsPrincipal PrincipalOf(PortalUser user)
    {
        var identity = new ClaimsIdentity(Scheme, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()));
        identity.AddClaim(new Claim(ClaimTypes.Name, $"{user.FirstName} {user.LastName}".Trim() is { Length: > 0 } name ? name : user.Email!));
        identity.AddClaim(new Claim(ClaimTypes.Email, user.Email!));
        identity.AddClaim(new Claim(PortalRights.ActorTypeClaim, user.ActorType));
        identity.AddClaim(new Claim(PortalRights.OrganizationClaim, user.OrganizationId.ToString()));
        identity.AddClaim(new Claim(SecurityClaim, user.SecurityStamp ?? ""));
        identity.AddClaim(new Claim(RightsClaim, RightsOf(user)));
        foreach (var role in user.Roles)
        {
            identity.AddClaim(new Claim(ClaimTypes.Role, role));
        }

        return new ClaimsPrincipal(identity);
    }

    public static Guid? UserId(ClaimsPrincipal principal) =>
        Guid.TryParse(principal.FindFirstValue(ClaimTypes.NameIdentifier), out var id) ? id : null;

    private static string RightsOf(PortalUser user) =>
        $"{user.ActorType}|{string.Join(',', user.Roles.Order(StringComparer.Ordinal))}|{string.Join(',', user.Habilitations.Order(StringComparer.Ordinal))}";

    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var users = context.HttpContext.RequestServices.GetRequiredService<UserManager<PortalUser>>();
        var user = UserId(context.Principal!) is { } id ? await users.FindByIdAsync(id.ToString()) : null;
        // A deactivated account, or a password changed elsewhere (new security stamp), ends the session.
        if (user is null || !user.IsActive || context.Principal!.FindFirstValue(SecurityClaim) != (user.SecurityStamp ?? ""))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(Scheme);
            return;
        }

        if (context.Principal!.FindFirstValue(RightsClaim) != RightsOf(user))
        {
            // Rights changed: refresh the session's view of them rather than keep stale ones.
            context.ReplacePrincipal(PrincipalOf(user));
            context.ShouldRenew = true;
        }
    }
}
