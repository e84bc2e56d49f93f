using System.Globalization;
using System.Net;

namespace OpenHubee.Tests.Infrastructure;

/// <summary>Helpers that speak the referential API as DataPass and the national administration do.</summary>
public static class ReferentialHelpers
{
    public static Task<HttpClient> AdminAsync(this HubFactory hub) => hub.ClientForAsync("demo-admin", "demo-admin-secret", "ADMIN");

    public static Task<HttpClient> DatapassAsync(this HubFactory hub) => hub.ClientForAsync("demo-datapass", "demo-datapass-secret", "DATAPASS");

    public static Task<HttpClient> DgsAsync(this HubFactory hub) => hub.ClientForAsync("demo-dgs", "demo-dgs-secret", "OSL");

    /// <summary>A new commune (SI) created through POST /organizations; returns its OrganizationIdentifier JSON, SIRET and branch code.</summary>
    public static async Task<(string Json, string Siret, string Branch)> NewCommuneAsync(HttpClient client, string name = "COMMUNE DE TEST")
    {
        var siret = "2" + Random.Shared.NextInt64(1_000_000_000_000, 9_999_999_999_999).ToString(CultureInfo.InvariantCulture);
        var branch = Random.Shared.Next(10000, 99999).ToString(CultureInfo.InvariantCulture);
        var created = await client.PostAsync("/referential/v1/organizations", HubApi.Json(
            $$"""{"type":"SI","companyRegister":"{{siret}}","branchCode":"{{branch}}","name":"{{name}}","country":"France","postalCode":"87000","territory":"Haute-Vienne","email":"mairie@test.example","status":"Actif"}"""));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        return ($$"""{"type":"SI","companyRegister":"{{siret}}","branchCode":"{{branch}}"}""", siret, branch);
    }

    public static string SubscriptionJson(string subscriber, string processCode = "EtatCivil", long datapassId = 4242, string extra = "") =>
        $$"""
        {"datapassId":{{datapassId}},"processCode":"{{processCode}}","subscriber":{{subscriber}},"notificationFrequency":"unitaire",
         "status":"Inactif","validateDateTime":"2026-01-15T10:00:00+01:00",
         "localAdministrator":{"firstName":"Marie","lastName":"CURIE","email":"marie.curie@mairie.fr","function":"DGS","phoneNumber":"+33123456789","mobileNumber":"0612345678"},
         "delegationActor":{"firstName":"George","lastName":"DUBOIS","email":"George.DUBOIS@editeur.fr","function":null,"phoneNumber":null,"mobileNumber":null}{{extra}}}
        """;

    /// <summary>POSTs a subscription and returns its id.</summary>
    public static async Task<Guid> CreateSubscriptionAsync(HttpClient client, string subscriber, string processCode = "EtatCivil", long datapassId = 4242, string extra = "")
    {
        var response = await client.PostAsync("/referential/v1/subscriptions", HubApi.Json(SubscriptionJson(subscriber, processCode, datapassId, extra)));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.JsonAsync()).GetProperty("id").GetGuid();
    }
}
