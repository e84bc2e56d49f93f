using System.Net;
using Microsoft.AspNetCore.HttpOverrides;

namespace OpenHubee.Hosting;

/// <summary>
/// TLS is terminated by a reverse proxy or load balancer in front of the nodes (docs/operations.md). When
/// <c>OpenHubee:ReverseProxy:Enabled</c> is set, the X-Forwarded-For and X-Forwarded-Proto headers of the
/// trusted proxies are applied, so that portal cookies are marked Secure, rate limits and the audit log see the
/// citizen's or agent's address rather than the proxy's. Trusted by default: loopback (a proxy on the same
/// host); others are listed in <c>KnownProxies</c> (addresses) and <c>KnownNetworks</c> (CIDR). Headers from
/// anyone else are ignored, so a client cannot forge its address.
/// </summary>
public static class ReverseProxy
{
    public static void AddReverseProxySupport(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection("OpenHubee:ReverseProxy");
        if (!section.GetValue("Enabled", false))
        {
            return;
        }

        builder.Services.Configure<ForwardedHeadersOptions>(o =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // One proxy hop by default; a CDN in front of a load balancer needs 2.
            o.ForwardLimit = section.GetValue("ForwardLimit", 1);
            foreach (var address in List(section, "KnownProxies"))
            {
                o.KnownProxies.Add(IPAddress.Parse(address));
            }

            foreach (var network in List(section, "KnownNetworks"))
            {
                o.KnownIPNetworks.Add(System.Net.IPNetwork.Parse(network));
            }
        });
    }

    public static void UseReverseProxySupport(this WebApplication app)
    {
        if (app.Configuration.GetValue("OpenHubee:ReverseProxy:Enabled", false))
        {
            app.UseForwardedHeaders();
        }
    }

    // Accepts both an array section (appsettings.json) and one comma-separated value (environment variable).
    private static IEnumerable<string> List(IConfigurationSection section, string key)
    {
        var child = section.GetSection(key);
        var values = child.Value is { } single ? single.Split(',') : child.GetChildren().Select(c => c.Value ?? "");
        return values.Select(v => v.Trim()).Where(v => v.Length > 0);
    }
}
