using System.Net;
using OpenHubee.Tests.Infrastructure;

namespace OpenHubee.Tests.Hosting;

/// <summary>A hub on a real socket, behind a (simulated) TLS-terminating proxy on the same host.</summary>
public sealed class ProxiedHubFactory : HubFactory
{
    public ProxiedHubFactory() => UseKestrel(0);

    protected override IDictionary<string, string?> Settings => new Dictionary<string, string?> { ["OpenHubee:ReverseProxy:Enabled"] = "true" };
}

public sealed class ReverseProxyTests : IClassFixture<ProxiedHubFactory>, IClassFixture<KestrelHubFactory>
{
    private readonly ProxiedHubFactory proxied;
    private readonly KestrelHubFactory direct;

    public ReverseProxyTests(ProxiedHubFactory proxied, KestrelHubFactory direct)
    {
        this.proxied = proxied;
        this.direct = direct;
    }

    private static async Task<string> LoginPageCookiesAsync(HubFactory hub, bool forwardedHttps)
    {
        hub.StartServer();
        using var client = hub.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/connexion");
        if (forwardedHttps)
        {
            request.Headers.Add("X-Forwarded-Proto", "https");
            request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        }

        using var response = await client.SendAsync(request);
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        return string.Join("\n", response.Headers.GetValues("Set-Cookie"));
    }

    [Fact]
    public async Task Behind_a_trusted_proxy_that_terminated_TLS_the_portal_cookies_are_Secure()
    {
        (await LoginPageCookiesAsync(proxied, forwardedHttps: true)).ShouldContain("secure", Case.Insensitive);
        (await LoginPageCookiesAsync(proxied, forwardedHttps: false)).ShouldNotContain("secure", Case.Insensitive);
    }

    [Fact]
    public async Task Without_the_proxy_setting_forwarded_headers_are_ignored()
    {
        (await LoginPageCookiesAsync(direct, forwardedHttps: true)).ShouldNotContain("secure", Case.Insensitive);
    }
}
