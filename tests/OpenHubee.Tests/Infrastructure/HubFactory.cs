using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace OpenHubee.Tests.Infrastructure;

/// <summary>
/// The real service over the real pipeline, on a throw-away data folder (SQLite file, blobs, mails)
/// with the demo data, and a clock the test can move.
/// </summary>
public class HubFactory : WebApplicationFactory<Program>
{
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "openhubee-tests", Guid.NewGuid().ToString("N"));

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected virtual IDictionary<string, string?> Settings => new Dictionary<string, string?>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        builder.UseSetting("OpenHubee:DataDirectory", DataDirectory);
        builder.UseSetting("OpenHubee:DemoData", "true");
        builder.UseSetting("OpenHubee:DemoBanner", "false");
        builder.UseSetting("Logging:LogLevel:Default", "Warning");
        // The same suite runs on PostgreSQL when CI gives a server (OPENHUBEE_TEST_POSTGRES = a connection string
        // without database); each hub then gets a database of its own.
        if (Environment.GetEnvironmentVariable("OPENHUBEE_TEST_POSTGRES") is { Length: > 0 } postgres)
        {
            builder.UseSetting("OpenHubee:Database:Provider", "Postgres");
            builder.UseSetting("ConnectionStrings:OpenHubee", $"{postgres};Database=openhubee_{Path.GetFileName(DataDirectory)}");
        }

        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
        });
    }

    /// <summary>An HTTP client holding a token obtained at the token endpoint with the given credentials.</summary>
    public async Task<HttpClient> ClientForAsync(string clientId, string secret, string scope)
    {
        var client = CreateClient();
        var token = await TokenAsync(client, clientId, secret, scope);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    public static async Task<string> TokenAsync(HttpClient http, string clientId, string secret, string scope)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = scope }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var json = await response.Content.ReadFromJsonAsync<JsonElement>();
        return json.GetProperty("access_token").GetString()!;
    }

    /// <summary>A demo client of DemoData (its secret is the client id + "-secret"), with a token of its scope.</summary>
    public Task<HttpClient> ClientAsync(string clientId, string scope) => ClientForAsync(clientId, clientId + "-secret", scope);

    public Task<HttpClient> DilaAsync() => ClientForAsync("demo-dila", "demo-dila-secret", "OSL");

    public Task<HttpClient> LimogesEtatCivilAsync() => ClientForAsync("demo-limoges-etatcivil", "demo-limoges-etatcivil-secret", "SI");

    public Task<HttpClient> BordeauxEtatCivilAsync() => ClientAsync("demo-bordeaux-etatcivil", "SI");

    public Task<HttpClient> AdminAsync() => ClientAsync("demo-admin", "ADMIN");

    /// <summary>Attachment binaries currently committed in the blob store (the staging area excluded).</summary>
    public IReadOnlyList<string> StoredBlobs()
    {
        var root = Path.Combine(DataDirectory, "blobs");
        return Directory.Exists(root)
            ? Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Where(f => !f.Contains(Path.Combine(root, ".staging"), StringComparison.Ordinal)).ToList()
            : [];
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // SQLite may still hold the file a moment; the temp folder is throw-away anyway.
        }
    }
}
