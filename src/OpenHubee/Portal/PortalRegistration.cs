namespace OpenHubee.Portal;

/// <summary>The portal: server-rendered Razor Pages in French (a later issue dresses them in the DSFR).</summary>
public static class PortalRegistration
{
    public static IServiceCollection AddPortal(this IServiceCollection services)
    {
        services.AddRazorPages(o => o.RootDirectory = "/Portal/Pages");
        return services;
    }

    public static IEndpointRouteBuilder MapPortal(this IEndpointRouteBuilder app)
    {
        app.MapRazorPages();
        return app;
    }
}
