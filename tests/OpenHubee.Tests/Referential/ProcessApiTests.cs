using System.Net;
using System.Text.Json;
using OpenHubee.Tests.Infrastructure;
using static OpenHubee.Tests.Infrastructure.ReferentialHelpers;

namespace OpenHubee.Tests.Referential;

/// <summary>/referential/v1/processes: the national administration's catalogue of démarches.</summary>
public sealed class ProcessApiTests : IClassFixture<HubFactory>
{
    private const string Path = "/referential/v1/processes";
    private const string Dgs = """{"type":"OSL","companyRegister":"13001653800014","branchCode":"-"}""";
    private readonly HubFactory hub;

    public ProcessApiTests(HubFactory hub) => this.hub = hub;

    private static string ProcessJson(string code, string osl = Dgs, string name = "Certificat de décès électronique", string extra = "") =>
        $$"""
        {"code":"{{code}}","name":"{{name}}","description":"Transmission électronique","isActivated":true,"osl":{{osl}},
         "attachmentFormatsEnabled":["application/pdf","application/xml"],"siAttachmentFormatsEnabled":[],
         "attachmentTypesEnabled":["VA_CertificatdeDeces","DD_Certificatdedeces"],"attachmentMaxSizeEnabled":1024,
         "statusBeforeFileDeletion":"IN_PROGRESS","timeBeforeFileDeletion":1,"timeBeforeArchiving":1,"timeBeforeFolderDeletion":30,
         "messageToTransmitter":false,"subscriptionValidation":"Manual","messageWithStatus":true,"authorizedAwaiting":false,
         "legalJustification":"Décret n° 2017-602","creationDateTime":"2020-01-01T00:00:00Z"{{extra}}}
        """;

    private static string NewCode() => "T" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Admin_creates_reads_and_updates_a_process()
    {
        var admin = await hub.AdminAsync();
        var code = NewCode();
        var response = await admin.PostAsync(Path, HubApi.Json(ProcessJson(code)));
        response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var created = await response.JsonAsync();
        created.GetProperty("code").GetString().ShouldBe(code);
        created.GetProperty("osl").GetProperty("companyRegister").GetString().ShouldBe("13001653800014");
        created.GetProperty("siAttachmentFormatsEnabled").GetArrayLength().ShouldBe(0);
        created.GetProperty("attachmentTypesEnabled")[1].GetString().ShouldBe("DD_Certificatdedeces");
        created.GetProperty("messageWithStatus").GetBoolean().ShouldBeTrue();
        created.GetProperty("authorizedAwaiting").GetBoolean().ShouldBeFalse();
        created.GetProperty("subscriptionValidation").GetString().ShouldBe("Manual");
        created.GetProperty("creationDateTime").GetDateTimeOffset().Year.ShouldBeGreaterThan(2020);

        var read = await (await admin.GetAsync($"{Path}/{code}")).JsonAsync();
        read.GetProperty("legalJustification").GetString().ShouldBe("Décret n° 2017-602");
        read.GetProperty("updateDateTime").ValueKind.ShouldBe(JsonValueKind.Null);

        var updated = await admin.PutAsync($"{Path}/{code}", HubApi.Json(ProcessJson(code, name: "Nouveau nom").Replace("\"authorizedAwaiting\":false", "\"authorizedAwaiting\":true")
            .Replace("\"siAttachmentFormatsEnabled\":[]", "\"siAttachmentFormatsEnabled\":[\"application/pdf\"]").Replace("\"isActivated\":true", "\"isActivated\":false")));
        updated.StatusCode.ShouldBe(HttpStatusCode.OK, await updated.Content.ReadAsStringAsync());
        var body = await updated.JsonAsync();
        body.GetProperty("name").GetString().ShouldBe("Nouveau nom");
        body.GetProperty("authorizedAwaiting").GetBoolean().ShouldBeTrue();
        body.GetProperty("isActivated").GetBoolean().ShouldBeFalse();
        body.GetProperty("siAttachmentFormatsEnabled")[0].GetString().ShouldBe("application/pdf");
        body.GetProperty("updateDateTime").ValueKind.ShouldBe(JsonValueKind.String);

        // A deactivated process takes no new subscription (a refusal is still recorded).
        var (commune, _, _) = await NewCommuneAsync(admin);
        await (await admin.PostAsync("/referential/v1/subscriptions", HubApi.Json(SubscriptionJson(commune, code)))).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            "#/processCode: Process is not activated");
    }

    [Fact]
    public async Task Invalid_bodies_are_answered_in_the_json_schema_style()
    {
        var admin = await hub.AdminAsync();
        var code = NewCode();
        var body = ProcessJson(code).Replace("\"messageWithStatus\":true,", "").Replace("\"authorizedAwaiting\":false,", "\"authorizedAwaiting\":\"no\",");
        await (await admin.PostAsync(Path, HubApi.Json(body))).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            "#:messageWithStatus required key not found, #/authorizedAwaiting: String is not a valid Boolean value");
        body = ProcessJson(code).Replace("\"subscriptionValidation\":\"Manual\"", "\"subscriptionValidation\":\"Never\"")
            .Replace("\"timeBeforeArchiving\":1", "\"timeBeforeArchiving\":\"1\"").Replace("13001653800014", "13001653800099");
        await (await admin.PostAsync(Path, HubApi.Json(body))).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            "#/timeBeforeArchiving: String is not a valid Integer value, #/subscriptionValidation: String is not a valid enum value, "
            + "#/osl: Organization OSL-13001653800099-- is not found");
        await (await admin.PostAsync(Path, HubApi.Json(ProcessJson("CERTDC")))).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "#/code: Process CERTDC already exists");
        await (await admin.PutAsync($"{Path}/{code}", HubApi.Json(ProcessJson(code)))).ShouldBeErrorAsync(HttpStatusCode.NotFound, "Process is not found");
        await (await admin.PutAsync($"{Path}/CERTDC", HubApi.Json(ProcessJson("CERTDC").Replace("\"messageWithStatus\":true,", ""))))
            .ShouldBeErrorAsync(HttpStatusCode.BadRequest, "#:messageWithStatus required key not found");
        await (await admin.PutAsync($"{Path}/CERTDC", HubApi.Json(ProcessJson("OTHER")))).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "#/code: Value cannot be modified");
    }

    [Fact]
    public async Task Get_by_code_for_admin_and_the_owning_operator_only()
    {
        var admin = await hub.AdminAsync();
        (await (await admin.GetAsync($"{Path}/CERTDC")).JsonAsync()).GetProperty("name").GetString().ShouldBe("Certificat de décès électronique");
        await (await admin.GetAsync($"{Path}/UNKNOWN")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "Process is not found");
        await (await admin.GetAsync($"{Path}/{new string('X', 31)}")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "#/processId: String is not a valid Integer value");
        (await (await hub.DgsAsync()).GetAsync($"{Path}/CERTDC")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var dila = await hub.DilaAsync();
        await (await dila.GetAsync($"{Path}/CERTDC")).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        await (await dila.GetAsync(Path)).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        await (await dila.PostAsync(Path, HubApi.Json(ProcessJson(NewCode())))).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        var si = await hub.LimogesEtatCivilAsync();
        await (await si.GetAsync($"{Path}/EtatCivil")).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        await (await (await hub.DatapassAsync()).PutAsync($"{Path}/CERTDC", HubApi.Json(ProcessJson("CERTDC")))).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        await (await hub.CreateClient().GetAsync($"{Path}/CERTDC")).ShouldBeErrorAsync(HttpStatusCode.Unauthorized,
            "Invalid Credentials : Invalid Credentials. Make sure you have given the correct access token", 900901);
    }

    [Fact]
    public async Task The_list_filters_on_the_operator_and_orders()
    {
        var admin = await hub.AdminAsync();
        async Task<string[]> Codes(string query)
        {
            var response = await admin.GetAsync($"{Path}?{query}");
            response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
            return (await response.JsonAsync()).EnumerateArray().Select(p => p.GetProperty("code").GetString()!).ToArray();
        }

        var dila = await Codes("companyRegister=13000918600011");
        dila.ShouldBe(new[] { "EtatCivil", "HebergementTourisme", "JeChangeDeCoordonnees", "depotDossierPACS", "recensementCitoyen" });
        (await Codes("companyRegister=13000918600011&orderBy=desc(code)")).ShouldBe(dila.Reverse().ToArray());
        (await Codes("companyRegister=18006501200014&orderBy=name")).ShouldBe(new[] { "RSABEI-RSABAI" });
        var all = await admin.GetAsync($"{Path}?orderBy=asc(osl_company_register)");
        var count = (await all.JsonAsync()).GetArrayLength();
        all.Content.Headers.GetValues("Content-Range").Single().ShouldBe($"Processes 0-{count - 1}/{count}");
        await (await admin.GetAsync($"{Path}?companyRegister=abc")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "#/processType: Integer is not a valid value");
        await (await admin.GetAsync($"{Path}?orderBy=colour")).ShouldBeErrorAsync(HttpStatusCode.BadRequest, "#/processType: Integer is not a valid value");
    }
}
