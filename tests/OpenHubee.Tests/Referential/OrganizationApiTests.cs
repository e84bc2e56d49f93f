using System.Net;
using System.Text.Json;
using OpenHubee.Tests.Infrastructure;
using static OpenHubee.Tests.Infrastructure.ReferentialHelpers;

namespace OpenHubee.Tests.Referential;

/// <summary>/referential/v1/organizations as DataPass (look up, then create the commune) and the national administration use it.</summary>
public sealed class OrganizationApiTests : IClassFixture<HubFactory>
{
    private const string Path = "/referential/v1/organizations";
    private readonly HubFactory hub;

    public OrganizationApiTests(HubFactory hub) => this.hub = hub;

    private static string OrganizationJson(string type, string siret, string branch, string name = "COMMUNE DE CLAMART") =>
        $$"""{"type":"{{type}}","companyRegister":"{{siret}}","branchCode":"{{branch}}","email":"admin@yopmail.com","name":"{{name}}","country":"France","postalCode":"92140","territory":"92023","phoneNumber":"0123456789","status":"Actif"}""";

    private static string NewSiret() => "2" + Random.Shared.NextInt64(1_000_000_000_000, 9_999_999_999_999).ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Datapass_looks_up_a_commune_then_creates_it()
    {
        var datapass = await hub.DatapassAsync();
        var siret = NewSiret();
        await (await datapass.GetAsync($"{Path}/SI-{siret}-92023")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "Organization is not found");
        var created = await datapass.PostAsync(Path, HubApi.Json(OrganizationJson("SI", siret, "92023")));
        created.StatusCode.ShouldBe(HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var body = await created.JsonAsync();
        body.GetProperty("type").GetString().ShouldBe("SI");
        body.GetProperty("name").GetString().ShouldBe("COMMUNE DE CLAMART");
        body.GetProperty("phoneNumber").GetString().ShouldBe("0123456789");
        body.GetProperty("status").GetString().ShouldBe("Actif");
        body.GetProperty("createDateTime").ValueKind.ShouldBe(JsonValueKind.String);
        body.GetProperty("updateDateTime").ValueKind.ShouldBe(JsonValueKind.Null);

        var read = await (await datapass.GetAsync($"{Path}/SI-{siret}-92023")).JsonAsync();
        read.GetProperty("territory").GetString().ShouldBe("92023");

        // The original hub's duplicate message, which DataPass recognises.
        await (await datapass.PostAsync(Path, HubApi.Json(OrganizationJson("SI", siret, "92023")))).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            $"Organization SI-{siret}-92023 already exists");
    }

    [Fact]
    public async Task Invalid_bodies_and_identifiers_say_bad_request()
    {
        var admin = await hub.AdminAsync();
        foreach (var body in new[]
                 {
                     """{"type":"SI","companyRegister":"123","branchCode":"1","name":"X","postalCode":"1","territory":"T","status":"Actif"}""",
                     """{"type":"SI","companyRegister":"21000000000001","branchCode":"1"}""",
                     OrganizationJson("SI", NewSiret(), "12345678901"),
                     OrganizationJson("SI", NewSiret(), "1").Replace("admin@yopmail.com", "not-an-email"),
                     OrganizationJson("SI", NewSiret(), "1").Replace("0123456789", "01 23 45"),
                     "not json",
                 })
        {
            await (await admin.PostAsync(Path, HubApi.Json(body))).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "bad request");
        }

        await (await admin.GetAsync($"{Path}/SI-123-45")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "bad request");
        await (await admin.GetAsync($"{Path}/nothing")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "bad request");
        await (await admin.PutAsync($"{Path}/SI-123-45", HubApi.Json("{}"))).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "bad request");
        await (await admin.GetAsync($"{Path}?maxResult=many")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "bad request");
        await (await admin.GetAsync($"{Path}?orderBy=salary")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "bad request");
    }

    [Fact]
    public async Task The_branch_code_may_be_a_dash()
    {
        var admin = await hub.AdminAsync();
        var dila = await (await admin.GetAsync($"{Path}/OSL-13000918600011--")).JsonAsync();
        dila.GetProperty("code").GetString().ShouldBe("DILA");
        dila.GetProperty("branchCode").GetString().ShouldBe("-");
    }

    [Fact]
    public async Task Rights_follow_the_permission_matrix()
    {
        var datapass = await hub.DatapassAsync();
        // DataPass declares instructing services only.
        await (await datapass.PostAsync(Path, HubApi.Json(OrganizationJson("OSL", NewSiret(), "-")))).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        var (_, siret, branch) = await NewCommuneAsync(datapass);
        await (await datapass.PutAsync($"{Path}/SI-{siret}-{branch}", HubApi.Json("""{"name":"X"}"""))).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        foreach (var client in new[] { await hub.DilaAsync(), await hub.LimogesEtatCivilAsync() })
        {
            await (await client.GetAsync(Path)).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
            await (await client.GetAsync($"{Path}/SI-{siret}-{branch}")).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
            await (await client.PostAsync(Path, HubApi.Json(OrganizationJson("SI", NewSiret(), "1")))).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        }

        await (await hub.CreateClient().GetAsync(Path)).ShouldBeErrorAsync(HttpStatusCode.Unauthorized,
            "Invalid Credentials : Invalid Credentials. Make sure you have given the correct access token", 900901);
    }

    [Fact]
    public async Task The_list_filters_orders_and_pages()
    {
        var admin = await hub.AdminAsync();
        var siret = NewSiret();
        foreach (var (branch, name) in new[] { ("00003", "B"), ("00001", "C"), ("00002", "A") })
        {
            (await admin.PostAsync(Path, HubApi.Json(OrganizationJson("SI", siret, branch, name)))).StatusCode.ShouldBe(HttpStatusCode.Created);
        }

        async Task<string[]> Branches(string query)
        {
            var response = await admin.GetAsync($"{Path}?{query}");
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            return (await response.JsonAsync()).EnumerateArray().Select(o => o.GetProperty("branchCode").GetString()!).ToArray();
        }

        (await Branches($"type=SI&company_register={siret}")).ShouldBe(new[] { "00001", "00002", "00003" });
        (await Branches($"companyRegister={siret}&orderBy=name")).ShouldBe(new[] { "00002", "00003", "00001" });
        (await Branches($"company_register={siret}&orderBy=desc(branche_code)")).ShouldBe(new[] { "00003", "00002", "00001" });
        (await Branches($"company_register={siret}&orderBy=branche_code&offSet=1&maxResult=1")).ShouldBe(new[] { "00002" });
        var paged = await admin.GetAsync($"{Path}?company_register={siret}&orderBy=branche_code&offSet=1&maxResult=1");
        paged.Content.Headers.GetValues("Content-Range").Single().ShouldBe("Organizations 1-1/3");
        (await Branches("type=OSL&orderBy=code")).Length.ShouldBeGreaterThanOrEqualTo(3);
        await (await admin.GetAsync($"{Path}?type=OSL&company_register={siret}")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "Organization is not found");
    }

    [Fact]
    public async Task Put_updates_the_description_but_not_the_identifier()
    {
        var admin = await hub.AdminAsync();
        var (_, siret, branch) = await NewCommuneAsync(admin);
        var response = await admin.PutAsync($"{Path}/SI-{siret}-{branch}", HubApi.Json(
            $$"""{"type":"SI","companyRegister":"{{siret}}","branchCode":"{{branch}}","name":"COMMUNE NOUVELLE","postalCode":"87100","territory":"Haute-Vienne","status":"Inactif","email":null}"""));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var updated = await response.JsonAsync();
        updated.GetProperty("name").GetString().ShouldBe("COMMUNE NOUVELLE");
        updated.GetProperty("status").GetString().ShouldBe("Inactif");
        updated.GetProperty("email").ValueKind.ShouldBe(JsonValueKind.Null);
        updated.GetProperty("country").GetString().ShouldBe("France");
        updated.GetProperty("updateDateTime").ValueKind.ShouldBe(JsonValueKind.String);

        await (await admin.PutAsync($"{Path}/SI-{siret}-{branch}", HubApi.Json($$"""{"companyRegister":"{{NewSiret()}}"}"""))).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "bad request");
        await (await admin.PutAsync($"{Path}/SI-{NewSiret()}-{branch}", HubApi.Json("""{"name":"X"}"""))).ShouldBeErrorAsync(HttpStatusCode.NotFound, "Organization is not found");
    }
}
