using System.Text.Encodings.Web;
using System.Text.Unicode;
using Microsoft.Extensions.WebEncoders;

namespace OpenHubee.Portal;

/// <summary>The portal: server-rendered Razor Pages in French (a later issue dresses them in the DSFR).</summary>
public static class PortalRegistration
{
    public static IServiceCollection AddPortal(this IServiceCollection services)
    {
        services.AddRazorPages(o => o.RootDirectory = "/Portal/Pages");
        // French text stays readable in the HTML source (the default encoder escapes every accent).
        services.Configure<WebEncoderOptions>(o => o.TextEncoderSettings = new TextEncoderSettings(UnicodeRanges.All));
        return services;
    }

    public static IEndpointRouteBuilder MapPortal(this IEndpointRouteBuilder app)
    {
        app.MapRazorPages();
        return app;
    }
}
