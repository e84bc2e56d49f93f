using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.WebEncoders;

namespace OpenHubee.Portal;

/// <summary>The portal: server-rendered Razor Pages in French, styled with the DSFR.</summary>
public static class PortalSetup
{
    public static IServiceCollection AddPortal(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPortalAuthentication(configuration);
        services.AddScoped<Features.Accounts.PortalSignIn>();
        services.AddScoped<PortalDesk>();
        services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Portal/Pages";
            // Anti-forgery on every form post of the portal.
            o.Conventions.ConfigureFilter(new Microsoft.AspNetCore.Mvc.AutoValidateAntiforgeryTokenAttribute());
            // Everything needs a session but the ways in.
            o.Conventions.AuthorizeFolder("/");
            o.Conventions.AllowAnonymousToPage("/Index");
            o.Conventions.AllowAnonymousToPage("/Connexion");
            o.Conventions.AllowAnonymousToPage("/ConnexionCode");
            o.Conventions.AllowAnonymousToPage("/AccesRefuse");
            o.Conventions.AllowAnonymousToFolder("/Compte");
        });
        // French text stays readable in the HTML source (the default encoder escapes every accent).
        services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "hubee.af";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        return services;
    }

    public static WebApplication MapPortal(this WebApplication app)
    {
        app.UseWhen(c => !Api.ApiErrorMiddleware.IsApiPath(c.Request.Path), portal => portal.Use(async (context, next) =>
        {
            var headers = context.Response.Headers;
            // The DSFR needs no inline script or style; everything is served from this origin.
            // The API reference page (Scalar) boots with an inline module script of its own; it holds no form
            // and no session data, so it alone gets inline scripts and styles.
            headers.ContentSecurityPolicy = context.Request.Path.StartsWithSegments("/docs/api")
                ? "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; " +
                  "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
                : "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
                  "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = "same-origin";
            headers.XFrameOptions = "DENY";
            await next();
        }));
        app.UseStaticFiles();
        app.UseAuthorization();
        app.MapRazorPages();
        return app;
    }
}
