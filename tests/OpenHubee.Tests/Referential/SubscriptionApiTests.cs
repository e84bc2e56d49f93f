using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using OpenHubee.Tests.Infrastructure;
using static OpenHubee.Tests.Infrastructure.ReferentialHelpers;

namespace OpenHubee.Tests.Referential;

/// <summary>/referential/v1/subscriptions as DataPass, the portal back-end (ADMIN) and operators use it.</summary>
public sealed class SubscriptionApiTests : IClassFixture<HubFactory>
{
    private const string Path = "/referential/v1/subscriptions";
    private readonly HubFactory hub;

    public SubscriptionApiTests(HubFactory hub) => this.hub = hub;

    [Fact]
    public async Task Datapass_creates_an_inactive_subscription_and_gets_the_contacts_back()
    {
        var datapass = await hub.DatapassAsync();
        var (commune, siret, branch) = await NewCommuneAsync(datapass);
        var response = await datapass.PostAsync(Path, HubApi.Json(SubscriptionJson(commune, datapassId: 14632)));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var created = await response.JsonAsync();
        created.GetProperty("status").GetString().ShouldBe("Inactif");
        created.GetProperty("datapassId").GetInt64().ShouldBe(14632);
        created.GetProperty("processCode").GetString().ShouldBe("EtatCivil");
        created.GetProperty("notificationFrequency").GetString().ShouldBe("Unitaire");
        created.GetProperty("accessMode").ValueKind.ShouldBe(JsonValueKind.Null);
        created.GetProperty("activateDateTime").ValueKind.ShouldBe(JsonValueKind.Null);
        created.GetProperty("validateDateTime").GetDateTimeOffset().ShouldBe(DateTimeOffset.Parse("2026-01-15T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        created.GetProperty("subscriber").GetProperty("companyRegister").GetString().ShouldBe(siret);
        created.GetProperty("subscriber").GetProperty("branchCode").GetString().ShouldBe(branch);
        var admin = created.GetProperty("localAdministrator");
        admin.GetProperty("firstName").GetString().ShouldBe("Marie");
        admin.GetProperty("mobileNumber").GetString().ShouldBe("0612345678");
        created.GetProperty("delegationActor").GetProperty("email").GetString().ShouldBe("George.DUBOIS@editeur.fr");
        created.TryGetProperty("suspendDateTime", out _).ShouldBeFalse();
        created.TryGetProperty("editor", out _).ShouldBeFalse();

        // Read back: the Subscription schema carries only the e-mails of the contacts.
        var read = await (await (await hub.AdminAsync()).GetAsync($"{Path}/{created.GetProperty("id").GetGuid()}")).JsonAsync();
        read.GetProperty("localAdministrator").GetProperty("email").GetString().ShouldBe("marie.curie@mairie.fr");
        read.GetProperty("localAdministrator").TryGetProperty("firstName", out _).ShouldBeFalse();
        read.GetProperty("status").GetString().ShouldBe("Inactif");
    }

    [Fact]
    public async Task A_refused_request_is_kept_with_its_reason_and_date()
    {
        var datapass = await hub.DatapassAsync();
        var (commune, _, _) = await NewCommuneAsync(datapass);
        var response = await datapass.PostAsync(Path, HubApi.Json(SubscriptionJson(commune, "CERTDC").Replace("\"status\":\"Inactif\"", "\"status\":\"Refusé\",\"rejectionReason\":\"Commune hors périmètre\"")));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var created = await response.JsonAsync();
        created.GetProperty("status").GetString().ShouldBe("Refusé");
        created.GetProperty("rejectionReason").GetString().ShouldBe("Commune hors périmètre");
        created.GetProperty("rejectDateTime").ValueKind.ShouldBe(JsonValueKind.String);

        // A refusal does not prevent a later request for the same process.
        await CreateSubscriptionAsync(datapass, commune, "CERTDC");
    }

    [Fact]
    public async Task Invalid_bodies_are_answered_in_the_json_schema_style()
    {
        var datapass = await hub.DatapassAsync();
        var (commune, _, _) = await NewCommuneAsync(datapass);
        var body = SubscriptionJson(commune).Replace("\"processCode\":\"EtatCivil\",", "").Replace("\"status\":\"Inactif\"", "\"email\":\"not-an-address\"");
        await (await datapass.PostAsync(Path, HubApi.Json(body))).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            "#:processCode required key not found, #/email: String is not a valid email value");

        body = SubscriptionJson(commune).Replace("marie.curie@mairie.fr", "marie curie").Replace("\"datapassId\":4242", "\"datapassId\":\"x\"")
            .Replace("\"phoneNumber\":\"+33123456789\"", "\"phoneNumber\":\"01 23\"");
        await (await datapass.PostAsync(Path, HubApi.Json(body))).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            "#/datapassId: String is not a valid Integer value, #/localAdministrator/email: String is not a valid email value, "
            + "#/localAdministrator/phoneNumber: string [01 23] does not match pattern ^\\+[0-9]{10,20}$|^[0-9]{10,20}$");

        await (await datapass.PostAsync(Path, HubApi.Json("""{"datapassId":1}"""))).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            "#:processCode required key not found, #:subscriber required key not found, #:localAdministrator required key not found");
        await (await datapass.PostAsync(Path, HubApi.Json("[1,2]"))).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "#: Body is not a valid JSON object");
        await (await datapass.PostAsync(Path, HubApi.Json("{"))).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "#: Body is not a valid JSON object");
    }

    [Fact]
    public async Task Unknown_process_or_subscriber_and_duplicates_are_refused()
    {
        var datapass = await hub.DatapassAsync();
        var (commune, siret, branch) = await NewCommuneAsync(datapass);
        await (await datapass.PostAsync(Path, HubApi.Json(SubscriptionJson(commune, "NOPE")))).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            "#/processCode: Process is not found");
        var unknown = """{"type":"SI","companyRegister":"21000000000000","branchCode":"00000"}""";
        await (await datapass.PostAsync(Path, HubApi.Json(SubscriptionJson(unknown)))).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            "#/subscriber: Organization SI-21000000000000-00000 is not found");
        var operatorAsSubscriber = """{"type":"OSL","companyRegister":"13000918600011","branchCode":"-"}""";
        await (await datapass.PostAsync(Path, HubApi.Json(SubscriptionJson(operatorAsSubscriber)))).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            "#/subscriber: Organization is not an instructing service (SI)");

        await CreateSubscriptionAsync(datapass, commune, "recensementCitoyen");
        // DataPass recognises "already exists" and then looks the subscription up.
        await (await datapass.PostAsync(Path, HubApi.Json(SubscriptionJson(commune, "recensementCitoyen")))).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            $"Subscription recensementCitoyen for organization SI-{siret}-{branch} already exists");
        var admin = await hub.AdminAsync();
        var found = await (await admin.GetAsync($"{Path}?companyRegister={siret}&processCode=recensementCitoyen")).JsonAsync();
        found.GetArrayLength().ShouldBe(1);
    }

    [Fact]
    public async Task Only_datapass_and_admin_create_and_only_admin_updates()
    {
        var admin = await hub.AdminAsync();
        var (commune, _, _) = await NewCommuneAsync(admin);
        var id = await CreateSubscriptionAsync(admin, commune, "JeChangeDeCoordonnees");
        var dila = await hub.DilaAsync();
        var si = await hub.LimogesEtatCivilAsync();
        var datapass = await hub.DatapassAsync();
        foreach (var client in new[] { dila, si })
        {
            await (await client.PostAsync(Path, HubApi.Json(SubscriptionJson(commune)))).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        }

        foreach (var client in new[] { dila, si, datapass })
        {
            await (await client.PutAsync($"{Path}/{id}", HubApi.Json("""{"accessMode":"API"}"""))).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        }

        await (await si.GetAsync(Path)).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        await (await datapass.GetAsync($"{Path}/{id}")).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        var anonymous = hub.CreateClient();
        await (await anonymous.GetAsync(Path)).ShouldBeErrorAsync(HttpStatusCode.Unauthorized,
            "Invalid Credentials : Invalid Credentials. Make sure you have given the correct access token", 900901);
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "expired-or-forged");
        await (await anonymous.PostAsync(Path, HubApi.Json(SubscriptionJson(commune)))).ShouldBeErrorAsync(HttpStatusCode.Unauthorized,
            "Invalid Credentials : Invalid Credentials. Make sure you have given the correct access token", 900901);
    }

    [Fact]
    public async Task Get_by_id_checks_the_uuid_the_existence_and_the_operator()
    {
        var admin = await hub.AdminAsync();
        await (await admin.GetAsync($"{Path}/23133")).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            "Bad Request : Validation failed.\n[ERROR][REQUEST][GET /referential/v1/subscriptions/23133 @path.subscriptionId] Input string \"23133\" is not a valid UUID");
        await (await admin.PutAsync($"{Path}/23133", HubApi.Json("{}"))).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            "Bad Request : Validation failed.\n[ERROR][REQUEST][PUT /referential/v1/subscriptions/23133 @path.subscriptionId] Input string \"23133\" is not a valid UUID");
        await (await admin.GetAsync($"{Path}/{Guid.NewGuid()}")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "Subscription is not found");
        await (await admin.PutAsync($"{Path}/{Guid.NewGuid()}", HubApi.Json("""{"accessMode":"API"}"""))).ShouldBeErrorAsync(HttpStatusCode.NotFound, "Subscription is not found");

        var (commune, _, _) = await NewCommuneAsync(admin);
        var id = await CreateSubscriptionAsync(admin, commune, "CERTDC");
        (await (await hub.DgsAsync()).GetAsync($"{Path}/{id}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        await (await (await hub.DilaAsync()).GetAsync($"{Path}/{id}")).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
    }

    [Fact]
    public async Task The_list_filters_orders_and_pages_with_a_content_range()
    {
        var admin = await hub.AdminAsync();
        var (commune, siret, _) = await NewCommuneAsync(admin);
        var etatCivil = await CreateSubscriptionAsync(admin, commune, "EtatCivil", datapassId: 3);
        var jcc = await CreateSubscriptionAsync(admin, commune, "JeChangeDeCoordonnees", datapassId: 1);
        var certdc = await CreateSubscriptionAsync(admin, commune, "CERTDC", datapassId: 2);
        (await admin.PutAsync($"{Path}/{certdc}", HubApi.Json(
            """{"accessMode":"PORTAIL","email":"teledossiers@mairie.fr","activateDateTime":"2000-01-01","status":"Actif"}"""))).StatusCode
            .ShouldBe(HttpStatusCode.BadRequest);
        var activated = await admin.PutAsync($"{Path}/{certdc}", HubApi.Json("""{"accessMode":"PORTAIL","email":"teledossiers@mairie.fr","status":"Actif"}"""));
        activated.StatusCode.ShouldBe(HttpStatusCode.OK, await activated.Content.ReadAsStringAsync());

        async Task<Guid[]> Ids(string query, string? expectedRange = null)
        {
            var response = await admin.GetAsync($"{Path}?companyRegister={siret}&{query}");
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            if (expectedRange is not null)
            {
                response.Content.Headers.GetValues("Content-Range").Single().ShouldBe(expectedRange);
            }

            return (await response.JsonAsync()).EnumerateArray().Select(s => s.GetProperty("id").GetGuid()).ToArray();
        }

        (await Ids("orderBy=asc(datapass_id)", "Susbscriptions 0-2/3")).ShouldBe(new[] { jcc, certdc, etatCivil });
        (await Ids("orderBy=desc(datapass_id)")).ShouldBe(new[] { etatCivil, certdc, jcc });
        (await Ids("orderBy=desc(process_code)")).ShouldBe(new[] { jcc, etatCivil, certdc });
        (await Ids("orderBy=asc(status)"))[0].ShouldBe(certdc);
        (await Ids("orderBy=desc(status)"))[2].ShouldBe(certdc);
        (await Ids("orderBy=asc(datapass_id)&offSet=1&maxResult=1", "Susbscriptions 1-1/3")).ShouldBe(new[] { certdc });
        (await Ids("orderBy=asc(datapass_id)&offSet=5", "Susbscriptions 5-5/3")).ShouldBeEmpty();
        (await Ids("processCode=EtatCivil&processCode=CERTDC&orderBy=asc(datapass_id)")).ShouldBe(new[] { certdc, etatCivil });
        (await Ids("status=Actif")).ShouldBe(new[] { certdc });
        (await Ids("status=Inactif&orderBy=asc(datapass_id)")).ShouldBe(new[] { jcc, etatCivil });
        (await Ids("status=Suspendu")).ShouldBeEmpty();
        (await Ids("delegationActorEmail=george.dubois@editeur.fr")).Length.ShouldBe(3);
        (await Ids("delegationActorEmail=someone.else@editeur.fr")).ShouldBeEmpty();
    }

    [Fact]
    public async Task The_list_rejects_unexpected_or_malformed_parameters()
    {
        var admin = await hub.AdminAsync();
        await (await admin.GetAsync($"{Path}?processType=CERTDC")).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            "Bad Request : Validation failed.\n[ERROR][REQUEST][GET /referential/v1/subscriptions @query.processType] Query parameter 'processType' is unexpected on path \"/subscriptions\"");
        await (await admin.GetAsync($"{Path}?maxResult=abc")).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            "Bad Request : Validation failed.\n[ERROR][REQUEST][GET /referential/v1/subscriptions @query.maxResult] Instance type (string) does not match any allowed primitive type (allowed: [\"integer\"])");
        await (await admin.GetAsync($"{Path}?companyRegister=123")).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            "Bad Request : Validation failed.\n[ERROR][REQUEST][GET /referential/v1/subscriptions @query.companyRegister] ECMA 262 regex \"[0-9]{14}\" does not match input string \"123\"");
        await (await admin.GetAsync($"{Path}?orderBy=asc(nothing)")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "#/orderBy: String is not a valid value");
        await (await admin.GetAsync($"{Path}?offSet=-1")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "#/offSet: Integer is not a valid value");
    }

    [Fact]
    public async Task An_operator_sees_only_the_subscriptions_of_its_own_processes()
    {
        var admin = await hub.AdminAsync();
        var (commune, siret, _) = await NewCommuneAsync(admin);
        var certdc = await CreateSubscriptionAsync(admin, commune, "CERTDC");
        await CreateSubscriptionAsync(admin, commune, "EtatCivil");
        var dgs = await hub.DgsAsync();
        var seen = await (await dgs.GetAsync($"{Path}?companyRegister={siret}")).JsonAsync();
        seen.EnumerateArray().Select(s => s.GetProperty("id").GetGuid()).ShouldBe(new[] { certdc });
        (await (await dgs.GetAsync($"{Path}?processCode=EtatCivil")).JsonAsync()).GetArrayLength().ShouldBe(0);
        var all = await (await dgs.GetAsync($"{Path}?maxResult=1000")).JsonAsync();
        all.EnumerateArray().ShouldAllBe(s => s.GetProperty("processCode").GetString() == "CERTDC");
    }

    [Fact]
    public async Task Put_changes_access_mode_notifications_delegate_and_editor()
    {
        var admin = await hub.AdminAsync();
        var (commune, _, _) = await NewCommuneAsync(admin);
        var id = await CreateSubscriptionAsync(admin, commune, "HebergementTourisme");
        async Task<JsonElement> Put(string json)
        {
            var response = await admin.PutAsync($"{Path}/{id}", HubApi.Json(json));
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            return await response.JsonAsync();
        }

        var updated = await Put("""{"accessMode":"portail","notificationFrequency":"QUOTIDIENNE","email":"td@mairie.fr"}""");
        updated.GetProperty("accessMode").GetString().ShouldBe("PORTAIL");
        updated.GetProperty("notificationFrequency").GetString().ShouldBe("Quotidienne");
        updated.GetProperty("email").GetString().ShouldBe("td@mairie.fr");
        updated.GetProperty("updateDateTime").ValueKind.ShouldBe(JsonValueKind.String);

        // The address is required unless the frequency is Aucune.
        await (await admin.PutAsync($"{Path}/{id}", HubApi.Json("""{"email":null}"""))).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "#:email required key not found");
        (await Put("""{"notificationFrequency":"aucune","email":null}""")).GetProperty("email").ValueKind.ShouldBe(JsonValueKind.Null);
        await (await admin.PutAsync($"{Path}/{id}", HubApi.Json("""{"notificationFrequency":"Hebdomadaire"}"""))).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            "#/notificationFrequency: String is not a valid value");
        await (await admin.PutAsync($"{Path}/{id}", HubApi.Json("""{"accessMode":"SFTP"}"""))).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            "#/accessMode: String is not a valid enum value");

        // An editor only in API mode; it is dropped when the subscription goes back to the portal.
        var editor = """{"type":"OSL","companyRegister":"13000918600011","branchCode":"-"}""";
        await (await admin.PutAsync($"{Path}/{id}", HubApi.Json($$"""{"editor":{{editor}}}"""))).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            "#/editor: An editor can be named only in API access mode");
        updated = await Put($$$"""{"accessMode":"API","editor":{{{editor}}},"delegationActor":{"email":"tech@syndicat.fr"}}""");
        updated.GetProperty("editor").GetProperty("companyRegister").GetString().ShouldBe("13000918600011");
        updated.GetProperty("delegationActor").GetProperty("email").GetString().ShouldBe("tech@syndicat.fr");
        updated = await Put("""{"accessMode":"PORTAIL","delegationActor":null}""");
        updated.TryGetProperty("editor", out _).ShouldBeFalse();
        updated.GetProperty("delegationActor").ValueKind.ShouldBe(JsonValueKind.Null);

        // What identifies the subscription cannot change; the same values may be sent back.
        var current = await (await admin.GetAsync($"{Path}/{id}")).JsonAsync();
        (await Put(current.GetRawText())).GetProperty("id").GetGuid().ShouldBe(id);
        await (await admin.PutAsync($"{Path}/{id}", HubApi.Json("""{"processCode":"CERTDC","datapassId":1}"""))).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            "#/datapassId: Value cannot be modified, #/processCode: Value cannot be modified");
        await (await admin.PutAsync($"{Path}/{id}", HubApi.Json("""{"email":"x@"}"""))).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            "#/email: String is not a valid email value");
    }

    [Fact]
    public async Task Datapass_create_then_activate_flow_of_the_real_client_works()
    {
        // The sequence of DataPass's HubEE bridge: create Inactif with frequency Aucune, then PUT the same
        // payload back with status Actif, activateDateTime now and accessMode API.
        var datapass = await hub.DatapassAsync();
        var admin = await hub.AdminAsync();
        var (commune, _, _) = await NewCommuneAsync(datapass);
        var created = await (await datapass.PostAsync(Path, HubApi.Json(
            $$"""{"datapassId":777,"notificationFrequency":"Aucune","processCode":"depotDossierPACS","subscriber":{{commune}},"email":"demandeur@mairie.fr","status":"Inactif","localAdministrator":{"email":"demandeur@mairie.fr","firstName":"Jean","lastName":"Dupont"},"validateDateTime":"2026-03-01T10:00:00+01:00","updateDateTime":"2026-03-01T10:00:00+01:00"}"""))).JsonAsync();
        var id = created.GetProperty("id").GetGuid();
        var payload = System.Text.Json.Nodes.JsonNode.Parse(created.GetRawText())!.AsObject();
        payload.Remove("id");
        payload.Remove("creationDateTime");
        payload["status"] = "Actif";
        payload["activateDateTime"] = hub.Clock.GetUtcNow().ToString("O");
        payload["accessMode"] = "API";
        var response = await admin.PutAsync($"{Path}/{id}", HubApi.Json(payload.ToJsonString()));
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var active = await response.JsonAsync();
        active.GetProperty("status").GetString().ShouldBe("Actif");
        active.GetProperty("accessMode").GetString().ShouldBe("API");
    }
}
