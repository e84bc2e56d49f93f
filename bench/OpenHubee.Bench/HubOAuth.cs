using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace OpenHubee.Bench;

/// <summary>The OAuth2 part every benchmark client needs: a client-credentials token, then bearer requests.</summary>
public static class HubOAuth
{
    /// <summary>POST /oauth2/token with HTTP Basic, as HubEE clients do; throws unless 200.</summary>
    /// <param name="baseAddress">The service's address when <paramref name="http"/> has no BaseAddress of its own.</param>
    public static async Task<string> TokenAsync(HttpClient http, string clientId, string secret, string scope, Uri? baseAddress = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, baseAddress is null ? new Uri("/oauth2/token", UriKind.Relative) : new Uri(baseAddress, "oauth2/token"))
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = scope }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        using var response = await http.SendAsync(request);
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"token for {clientId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>The demo clients' secret is their id + "-secret" (DemoData).</summary>
    public static Task<string> DemoTokenAsync(HttpClient http, string clientId, string scope) => TokenAsync(http, clientId, clientId + "-secret", scope);

    public static HttpRequestMessage Authorized(string token, HttpRequestMessage request)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }
}

/// <summary>What every benchmark's options share.</summary>
public abstract class BenchOptions
{
    public bool WriteReport { get; set; } = true;
    public bool Build { get; set; } = true;
    public bool Keep { get; set; }
    public string CommandLine { get; set; } = "";
}
