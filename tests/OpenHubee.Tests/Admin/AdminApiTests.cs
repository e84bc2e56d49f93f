using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenHubee.Data;
using OpenHubee.Features.Admin;
using OpenHubee.Hosting;
using OpenHubee.Tests.Infrastructure;

namespace OpenHubee.Tests.Admin;

/// <summary>/admin/v1: API clients of organisations and subscriptions' credentials (architecture.md §4).</summary>
public sealed class AdminApiTests : IClassFixture<HubFactory>
{
    private const string DilaIdentifier = "OSL-" + DemoData.DilaSiret + "--";
    private readonly HubFactory hub;

    public AdminApiTests(HubFactory hub) => this.hub = hub;

    private Task<HttpClient> AdminAsync() => hub.ClientForAsync("demo-admin", "demo-admin-secret", "ADMIN");

    private async Task<Guid> SubscriptionIdAsync(string siret, string processCode)
    {
        using var scope = hub.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        return await db.Subscriptions.Where(s => s.Subscriber!.CompanyRegister == siret && s.ProcessCode == processCode).Select(s => s.Id).SingleAsync();
    }

    private async Task<HttpStatusCode> TokenStatusAsync(string clientId, string secret, string scope)
    {
        using var response = await hub.CreateClient().PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["scope"] = scope, ["client_id"] = clientId, ["client_secret"] = secret,
        }));
        return response.StatusCode;
    }

    [Fact]
    public async Task An_osl_client_created_with_given_credentials_gets_tokens_with_them()
    {
        var admin = await AdminAsync();
        var created = await admin.PostAsync($"/admin/v1/organizations/{DilaIdentifier}/clients",
            HubApi.Json("""{"scope":"osl","clientId":"legacy-dila-prod","clientSecret":"Legacy-Secret-From-HubEE-1"}"""));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var json = await created.JsonAsync();
        json.GetProperty("clientId").GetString().ShouldBe("legacy-dila-prod");
        json.GetProperty("clientSecret").GetString().ShouldBe("Legacy-Secret-From-HubEE-1");
        json.GetProperty("scope").GetString().ShouldBe("OSL");
        json.GetProperty("organization").GetString().ShouldBe(DilaIdentifier);

        var osl = await hub.ClientForAsync("legacy-dila-prod", "Legacy-Secret-From-HubEE-1", "OSL");
        (await osl.GetAsync("/teledossiers/v1/notifications")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // Listed with the organisation's other clients, never with a secret.
        var list = await (await admin.GetAsync($"/admin/v1/organizations/{DilaIdentifier}/clients")).JsonAsync();
        var ids = list.EnumerateArray().Select(c => c.GetProperty("clientId").GetString()).ToList();
        ids.ShouldContain("demo-dila");
        ids.ShouldContain("legacy-dila-prod");
        foreach (var client in list.EnumerateArray())
        {
            client.TryGetProperty("clientSecret", out var listedSecret).ShouldBeFalse(listedSecret.ToString());
        }

        // The same id twice is a conflict, not a silent replacement.
        var again = await admin.PostAsync($"/admin/v1/organizations/{DilaIdentifier}/clients",
            HubApi.Json("""{"scope":"OSL","clientId":"legacy-dila-prod","clientSecret":"Another-Secret-123"}"""));
        await again.ShouldBeErrorAsync(HttpStatusCode.Conflict, AdminApi.ClientIdTaken("legacy-dila-prod"));
    }

    [Fact]
    public async Task A_generated_client_secret_is_returned_once_and_works()
    {
        var admin = await AdminAsync();
        var dinum = await (await admin.PostAsync($"/admin/v1/organizations/ADMIN-{Bootstrap.HubOrganizationSiret}--/clients", HubApi.Json("""{"scope":"DATAPASS"}"""))).JsonAsync();
        var clientId = dinum.GetProperty("clientId").GetString()!;
        var secret = dinum.GetProperty("clientSecret").GetString()!;
        secret.Length.ShouldBeGreaterThanOrEqualTo(32);
        (await TokenStatusAsync(clientId, secret, "DATAPASS")).ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("""{"scope":"SI"}""", AdminApi.ScopeInvalid)]
    [InlineData("""{"scope":"BOSS"}""", AdminApi.ScopeInvalid)]
    [InlineData("""{}""", AdminApi.ScopeInvalid)]
    [InlineData("""{"scope":"ADMIN"}""", "A ADMIN client must belong to an organization of type ADMIN, not OSL")]
    [InlineData("""{"scope":"OSL","clientId":"bad id"}""", AdminApi.ClientIdInvalid)]
    [InlineData("""{"scope":"OSL","clientSecret":"short"}""", AdminApi.ClientSecretInvalid)]
    public async Task Invalid_client_requests_get_a_clear_message(string body, string message)
    {
        var admin = await AdminAsync();
        var response = await admin.PostAsync($"/admin/v1/organizations/{DilaIdentifier}/clients", HubApi.Json(body));
        await response.ShouldBeErrorAsync(HttpStatusCode.BadRequest, message);
    }

    [Fact]
    public async Task Unknown_organization_and_subscription_are_404()
    {
        var admin = await AdminAsync();
        await (await admin.GetAsync($"/admin/v1/organizations/{Guid.NewGuid()}/clients")).ShouldBeErrorAsync(HttpStatusCode.NotFound, AdminApi.OrganizationNotFound);
        await (await admin.GetAsync($"/admin/v1/subscriptions/{Guid.NewGuid()}/credentials")).ShouldBeErrorAsync(HttpStatusCode.NotFound, AdminApi.SubscriptionNotFound);
    }

    [Fact]
    public async Task Regenerating_a_subscription_secret_revokes_the_old_secret_and_its_tokens()
    {
        var limoges = await hub.LimogesEtatCivilAsync();
        (await limoges.GetAsync("/teledossiers/v1/notifications")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var subscription = await SubscriptionIdAsync(DemoData.LimogesSiret, "EtatCivil");

        var admin = await AdminAsync();
        var regenerated = await admin.PostAsync($"/admin/v1/subscriptions/{subscription}/credentials/regenerate", null);
        regenerated.StatusCode.ShouldBe(HttpStatusCode.OK, await regenerated.Content.ReadAsStringAsync());
        var json = await regenerated.JsonAsync();
        json.GetProperty("clientId").GetString().ShouldBe("demo-limoges-etatcivil");
        var secret = json.GetProperty("clientSecret").GetString()!;
        secret.ShouldNotBe("demo-limoges-etatcivil-secret");

        (await TokenStatusAsync("demo-limoges-etatcivil", "demo-limoges-etatcivil-secret", "SI")).ShouldBe(HttpStatusCode.Unauthorized);
        await (await limoges.GetAsync("/teledossiers/v1/notifications")).ShouldBeErrorAsync(HttpStatusCode.Unauthorized, Api.ApiMessages.InvalidCredentials, 900901);
        var renewed = await hub.ClientForAsync("demo-limoges-etatcivil", secret, "SI");
        (await renewed.GetAsync("/teledossiers/v1/notifications")).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The portal's « Copier » equivalent reads the same secret, and the read is audited.
        var read = await (await admin.GetAsync($"/admin/v1/subscriptions/{subscription}/credentials")).JsonAsync();
        read.GetProperty("clientSecret").GetString().ShouldBe(secret);
        using var scope = hub.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        (await db.AuditEntries.AnyAsync(a => a.Action == "API_SECRET_RETRIEVED" && a.Target == "demo-limoges-etatcivil" && a.Actor == "api:demo-admin")).ShouldBeTrue();
        (await db.AuditEntries.AnyAsync(a => a.Action == "API_SECRET_REGENERATED" && a.Target == "demo-limoges-etatcivil" && a.Actor == "api:demo-admin")).ShouldBeTrue();

        // A second regeneration at the same instant (the test clock has not moved) revokes the tokens of the first.
        var again = await admin.PostAsync($"/admin/v1/subscriptions/{subscription}/credentials/regenerate", null);
        again.StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await renewed.GetAsync("/teledossiers/v1/notifications")).ShouldBeErrorAsync(HttpStatusCode.Unauthorized, Api.ApiMessages.InvalidCredentials, 900901);
        var third = await hub.ClientForAsync("demo-limoges-etatcivil", (await again.JsonAsync()).GetProperty("clientSecret").GetString()!, "SI");
        (await third.GetAsync("/teledossiers/v1/notifications")).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Imported_credentials_replace_the_current_ones_and_work_unchanged()
    {
        var oldToken = await hub.ClientForAsync("demo-limoges-pacs", "demo-limoges-pacs-secret", "SI");
        var subscription = await SubscriptionIdAsync(DemoData.LimogesSiret, "depotDossierPACS");
        var admin = await AdminAsync();

        var imported = await admin.PutAsync($"/admin/v1/subscriptions/{subscription}/credentials",
            HubApi.Json("""{"clientId":"hubee-limoges-pacs-2019","clientSecret":"Ancien_Secret_HubEE_42"}"""));
        imported.StatusCode.ShouldBe(HttpStatusCode.OK, await imported.Content.ReadAsStringAsync());
        (await imported.JsonAsync()).GetProperty("clientId").GetString().ShouldBe("hubee-limoges-pacs-2019");

        var si = await hub.ClientForAsync("hubee-limoges-pacs-2019", "Ancien_Secret_HubEE_42", "SI");
        (await si.GetAsync("/teledossiers/v1/notifications")).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await TokenStatusAsync("demo-limoges-pacs", "demo-limoges-pacs-secret", "SI")).ShouldBe(HttpStatusCode.Unauthorized);
        (await oldToken.GetAsync("/teledossiers/v1/notifications")).StatusCode.ShouldBe(HttpStatusCode.Unauthorized);

        var read = await (await admin.GetAsync($"/admin/v1/subscriptions/{subscription}/credentials")).JsonAsync();
        read.GetProperty("clientId").GetString().ShouldBe("hubee-limoges-pacs-2019");
        read.GetProperty("clientSecret").GetString().ShouldBe("Ancien_Secret_HubEE_42");

        // Importing the same id with another secret only changes the secret.
        (await admin.PutAsync($"/admin/v1/subscriptions/{subscription}/credentials",
            HubApi.Json("""{"clientId":"hubee-limoges-pacs-2019","clientSecret":"Nouveau_Secret_HubEE_43"}"""))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await TokenStatusAsync("hubee-limoges-pacs-2019", "Ancien_Secret_HubEE_42", "SI")).ShouldBe(HttpStatusCode.Unauthorized);
        (await TokenStatusAsync("hubee-limoges-pacs-2019", "Nouveau_Secret_HubEE_43", "SI")).ShouldBe(HttpStatusCode.OK);

        // An id held by another client cannot be imported.
        var taken = await admin.PutAsync($"/admin/v1/subscriptions/{subscription}/credentials",
            HubApi.Json("""{"clientId":"demo-dila","clientSecret":"Whatever-Secret-1"}"""));
        await taken.ShouldBeErrorAsync(HttpStatusCode.Conflict, AdminApi.ClientIdTaken("demo-dila"));
        await (await admin.PutAsync($"/admin/v1/subscriptions/{subscription}/credentials", HubApi.Json("{}")))
            .ShouldBeErrorAsync(HttpStatusCode.BadRequest, AdminApi.ImportBodyInvalid);
    }

    [Fact]
    public async Task A_subscription_without_credentials_gets_them_on_regenerate_or_import()
    {
        var admin = await AdminAsync();
        var census = await SubscriptionIdAsync(DemoData.LimogesSiret, "recensementCitoyen");
        await (await admin.GetAsync($"/admin/v1/subscriptions/{census}/credentials")).ShouldBeErrorAsync(HttpStatusCode.NotFound, AdminApi.CredentialsNotFound);
        var created = await (await admin.PostAsync($"/admin/v1/subscriptions/{census}/credentials/regenerate", null)).JsonAsync();
        var si = await hub.ClientForAsync(created.GetProperty("clientId").GetString()!, created.GetProperty("clientSecret").GetString()!, "SI");
        (await si.GetAsync("/teledossiers/v1/notifications")).StatusCode.ShouldBe(HttpStatusCode.OK);

        var moves = await SubscriptionIdAsync(DemoData.LimogesSiret, "JeChangeDeCoordonnees");
        (await admin.PutAsync($"/admin/v1/subscriptions/{moves}/credentials",
            HubApi.Json("""{"clientId":"legacy-limoges-jcc","clientSecret":"Legacy-Jcc-Secret"}"""))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await TokenStatusAsync("legacy-limoges-jcc", "Legacy-Jcc-Secret", "SI")).ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("demo-dila", "demo-dila-secret", "OSL")]
    [InlineData("demo-bordeaux-etatcivil", "demo-bordeaux-etatcivil-secret", "SI")]
    [InlineData("demo-datapass", "demo-datapass-secret", "DATAPASS")]
    public async Task Other_scopes_are_refused(string clientId, string secret, string scope)
    {
        var caller = await hub.ClientForAsync(clientId, secret, scope);
        var subscription = await SubscriptionIdAsync(DemoData.BordeauxSiret, "EtatCivil");
        await (await caller.GetAsync($"/admin/v1/subscriptions/{subscription}/credentials")).ShouldBeErrorAsync(HttpStatusCode.Forbidden, Api.ApiMessages.UnauthorizedUser);
        await (await caller.PostAsync($"/admin/v1/subscriptions/{subscription}/credentials/regenerate", null)).ShouldBeErrorAsync(HttpStatusCode.Forbidden, Api.ApiMessages.UnauthorizedUser);
        await (await caller.PostAsync($"/admin/v1/organizations/{DilaIdentifier}/clients", HubApi.Json("""{"scope":"OSL"}""")))
            .ShouldBeErrorAsync(HttpStatusCode.Forbidden, Api.ApiMessages.UnauthorizedUser);
        await (await hub.CreateClient().GetAsync($"/admin/v1/organizations/{DilaIdentifier}/clients"))
            .ShouldBeErrorAsync(HttpStatusCode.Unauthorized, Api.ApiMessages.InvalidCredentials, 900901);
    }

    [Fact]
    public async Task The_administration_api_is_in_the_openapi_document()
    {
        var document = await hub.CreateClient().GetStringAsync("/openapi/v1.json");
        document.ShouldContain("/admin/v1/organizations/{organization}/clients");
        document.ShouldContain("/admin/v1/subscriptions/{subscriptionId}/credentials/regenerate");
        document.ShouldContain("OpenHubEE administration");
    }
}
