using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using OpenHubee.Tests.Infrastructure;

namespace OpenHubee.Tests;

public sealed class TokenEndpointTests : IClassFixture<HubFactory>
{
    private readonly HubFactory hub;

    public TokenEndpointTests(HubFactory hub) => this.hub = hub;

    [Theory]
    [InlineData("/oauth2/token", "OSL")]
    [InlineData("/token", "osl")]
    public async Task Client_credentials_in_basic_header_give_a_bearer_token_of_one_hour(string path, string scope)
    {
        var http = hub.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["scope"] = scope }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("demo-dila:demo-dila-secret"u8.ToArray()));
        var response = await http.SendAsync(request);
        var json = await response.JsonAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        json.GetProperty("access_token").GetString().ShouldNotBeNullOrEmpty();
        json.GetProperty("token_type").GetString().ShouldBe("Bearer");
        json.GetProperty("expires_in").GetInt32().ShouldBe(3600);
        json.GetProperty("scope").GetString().ShouldBe("OSL");
    }

    [Fact]
    public async Task Client_credentials_in_the_form_are_accepted()
    {
        var response = await hub.CreateClient().PostAsync("/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["scope"] = "SI", ["client_id"] = "demo-limoges-etatcivil", ["client_secret"] = "demo-limoges-etatcivil-secret",
        }));
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.JsonAsync()).GetProperty("scope").GetString().ShouldBe("SI");
    }

    [Theory]
    [InlineData("demo-dila", "wrong-secret")]
    [InlineData("nobody", "whatever")]
    public async Task Unknown_client_or_bad_secret_gets_the_wso2_invalid_client_body(string clientId, string secret)
    {
        var response = await hub.CreateClient().PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["scope"] = "OSL", ["client_id"] = clientId, ["client_secret"] = secret,
        }));
        response.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
        var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        json.GetProperty("error").GetString().ShouldBe("invalid_client");
        json.GetProperty("error_description").GetString().ShouldBe("A valid OAuth client could not be found for client_id: " + clientId);
    }

    [Fact]
    public async Task A_client_cannot_obtain_a_scope_it_does_not_hold()
    {
        var response = await hub.CreateClient().PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["scope"] = "ADMIN", ["client_id"] = "demo-dila", ["client_secret"] = "demo-dila-secret",
        }));
        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var json = await response.JsonAsync();
        json.TryGetProperty("access_token", out _).ShouldBeFalse();
        json.GetProperty("error").GetString().ShouldBeOneOf("invalid_scope", "invalid_request");
    }

    [Fact]
    public async Task Api_without_token_or_with_an_invalid_token_answers_900901()
    {
        var http = hub.CreateClient();
        await (await http.GetAsync("/teledossiers/v1/notifications")).ShouldBeErrorAsync(HttpStatusCode.Unauthorized,
            "Invalid Credentials : Invalid Credentials. Make sure you have given the correct access token", 900901);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-a-token");
        await (await http.GetAsync("/teledossiers/v1/notifications")).ShouldBeErrorAsync(HttpStatusCode.Unauthorized,
            "Invalid Credentials : Invalid Credentials. Make sure you have given the correct access token", 900901);
    }

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        // A hub of its own: this test moves the clock forward.
        await using var ownHub = new HubFactory();
        var http = await ownHub.ClientForAsync("demo-dgs", "demo-dgs-secret", "OSL");
        (await http.GetAsync("/teledossiers/v1/notifications")).StatusCode.ShouldBe(HttpStatusCode.OK);
        ownHub.Clock.Advance(TimeSpan.FromSeconds(3599));
        (await http.GetAsync("/teledossiers/v1/notifications")).StatusCode.ShouldBe(HttpStatusCode.OK);
        ownHub.Clock.Advance(TimeSpan.FromSeconds(2));
        await (await http.GetAsync("/teledossiers/v1/notifications")).ShouldBeErrorAsync(HttpStatusCode.Unauthorized,
            "Invalid Credentials : Invalid Credentials. Make sure you have given the correct access token", 900901);
    }
}
