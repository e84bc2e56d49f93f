using System.Globalization;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenHubee.Api;
using OpenHubee.Data;
using OpenHubee.Domain;
using OpenHubee.Features.Referential;
using OpenHubee.Tests.Infrastructure;
using static OpenHubee.Tests.Infrastructure.ReferentialHelpers;

namespace OpenHubee.Tests.Referential;

/// <summary>The subscription lifecycle (api.md §4, portal.md §C 4.1–4.5): the rules alone, then end to end on a clock the test moves.</summary>
public sealed class SubscriptionLifecycleTests
{
    // 2026-07-15 00:30 in Paris (UTC+2): the Paris day is already the 15th while UTC is still the 14th.
    private static readonly DateTimeOffset Now = new(2026, 7, 14, 22, 30, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = new(2026, 7, 15);

    private static Subscription NewSubscription(string status = SubscriptionStatus.Inactif) => new()
    {
        Id = Guid.NewGuid(), DatapassId = 1, ProcessCode = "EtatCivil", LocalAdministratorEmail = "admin@mairie.fr", Status = status, CreateDateTime = Now,
    };

    private static List<RuleViolation> Apply(Subscription s, SubscriptionChange change, DateTimeOffset? now = null, string effect = SubscriptionRules.SuspensionImmediately,
        Organization? editor = null, List<SubscriptionAuditAction>? audit = null) =>
        SubscriptionRules.Apply(s, change, editor, now ?? Now, effect, requireEmail: false, audit ?? []);

    [Fact]
    public void Activation_takes_effect_at_midnight_paris_and_needs_an_access_mode()
    {
        var s = NewSubscription();
        Apply(s, new SubscriptionChange { ActivateDay = Today.AddDays(1) }).Single().ShouldBe(new RuleViolation("accessMode", "An access mode is required to activate the subscription"));
        s.ActivateDateTime.ShouldBeNull();

        Apply(s, new SubscriptionChange { ActivateDay = Today.AddDays(-1), AccessMode = "api" }).Single().ToApiMessage()
            .ShouldBe("#/activateDateTime: The activation date must be today or later");

        var audit = new List<SubscriptionAuditAction>();
        Apply(s, new SubscriptionChange { ActivateDay = Today.AddDays(1), AccessMode = "api" }, audit: audit).ShouldBeEmpty();
        s.AccessMode.ShouldBe(AccessMode.Api);
        s.ActivateDateTime.ShouldBe(new DateTimeOffset(2026, 7, 15, 22, 0, 0, TimeSpan.Zero));
        audit.Select(a => a.Action).ShouldBe(new[] { "SUBSCRIPTION_ACCESS_MODE_CHANGED", "SUBSCRIPTION_ACTIVATION_SET" });
        SubscriptionLifecycle.StatusAt(s, Now).ShouldBe(SubscriptionStatus.Inactif);
        SubscriptionLifecycle.StatusAt(s, new DateTimeOffset(2026, 7, 15, 21, 59, 59, TimeSpan.Zero)).ShouldBe(SubscriptionStatus.Inactif);
        SubscriptionLifecycle.StatusAt(s, new DateTimeOffset(2026, 7, 15, 22, 0, 0, TimeSpan.Zero)).ShouldBe(SubscriptionStatus.Actif);

        // Today (in Paris) is accepted and immediate.
        var today = NewSubscription();
        Apply(today, new SubscriptionChange { ActivateDay = Today, AccessMode = "PORTAIL" }).ShouldBeEmpty();
        SubscriptionLifecycle.StatusAt(today, Now).ShouldBe(SubscriptionStatus.Actif);
    }

    [Fact]
    public void A_refused_subscription_never_becomes_active()
    {
        var s = NewSubscription(SubscriptionStatus.Refuse);
        Apply(s, new SubscriptionChange { Status = "Actif" }).Single().ToApiMessage().ShouldBe("#/status: A refused subscription cannot be activated");
        Apply(s, new SubscriptionChange { ActivateDay = Today, AccessMode = "API" }).ShouldContain(new RuleViolation("activateDateTime", "A refused subscription cannot be activated"));
        Apply(s, new SubscriptionChange { Status = "Refusé", NotificationFrequency = "aucune" }).ShouldBeEmpty();
        s.ActivateDateTime = Now.AddDays(-1); // even with a date written behind the rules' back
        SubscriptionLifecycle.StatusAt(s, Now).ShouldBe(SubscriptionStatus.Refuse);
        var (created, violations) = SubscriptionRules.Create(
            new NewSubscription(1, "EtatCivil", new OrganizationIdentifierDto("SI", "21870850100018", "87085"), new ContactDto(null, null, "a@b.fr"), null,
                Status: "refuse", AccessMode: "API"),
            new Process { Code = "EtatCivil", Name = "x" }, new Organization { Type = "SI", CompanyRegister = "21870850100018", BranchCode = "87085", Name = "x" }, Now);
        violations.Select(v => v.ToApiMessage()).ShouldBe(new[] { "#:rejectionReason required key not found", "#/status: A refused subscription cannot be activated" });
        created.Status.ShouldBe(SubscriptionStatus.Refuse);
    }

    [Fact]
    public void Suspension_reactivation_and_the_round_trip_of_a_full_object()
    {
        var s = NewSubscription();
        Apply(s, new SubscriptionChange { AccessMode = "API", Status = "Actif" }).ShouldBeEmpty();
        s.ActivateDateTime.ShouldBe(SubscriptionLifecycle.StartOfParisDay(Today));
        SubscriptionLifecycle.StatusAt(s, Now).ShouldBe(SubscriptionStatus.Actif);

        // Re-sending today's date keeps the activation; a later date would deactivate it and is refused; so is going back to Inactif.
        Apply(s, new SubscriptionChange { ActivateDay = Today, Status = "Actif" }).ShouldBeEmpty();
        Apply(s, new SubscriptionChange { ActivateDay = Today.AddDays(3) }).Single().Problem.ShouldBe("The subscription is already active");
        Apply(s, new SubscriptionChange { Status = "Inactif" }).Single().Field.ShouldBe("status");

        // A suspension scheduled for a later day; sending back status Actif with that date keeps it.
        Apply(s, new SubscriptionChange { Status = "Suspendu", SuspendDay = Today.AddDays(2) }).ShouldBeEmpty();
        s.SuspendDateTime.ShouldBe(SubscriptionLifecycle.StartOfParisDay(Today.AddDays(2)));
        SubscriptionLifecycle.StatusAt(s, Now).ShouldBe(SubscriptionStatus.Actif);
        Apply(s, new SubscriptionChange { Status = "Actif", SuspendDay = Today.AddDays(2) }).ShouldBeEmpty();
        s.SuspendDateTime.ShouldNotBeNull();
        var later = SubscriptionLifecycle.StartOfParisDay(Today.AddDays(2));
        SubscriptionLifecycle.StatusAt(s, later).ShouldBe(SubscriptionStatus.Suspendu);

        // Once suspended, status Actif reactivates at once.
        var audit = new List<SubscriptionAuditAction>();
        Apply(s, new SubscriptionChange { Status = "actif" }, now: later.AddHours(1), audit: audit).ShouldBeEmpty();
        s.SuspendDateTime.ShouldBeNull();
        audit.Single().Action.ShouldBe("SUBSCRIPTION_REACTIVATED");
        SubscriptionLifecycle.StatusAt(s, later.AddHours(1)).ShouldBe(SubscriptionStatus.Actif);

        // Without a date: immediately, or from the next day when so configured (decision 16).
        Apply(s, new SubscriptionChange { Status = "Suspendu" }).ShouldBeEmpty();
        s.SuspendDateTime.ShouldBe(Now);
        var next = NewSubscription();
        Apply(next, new SubscriptionChange { AccessMode = "API", Status = "Actif" }).ShouldBeEmpty();
        Apply(next, new SubscriptionChange { Status = "Suspendu" }, effect: SubscriptionRules.SuspensionNextDay).ShouldBeEmpty();
        next.SuspendDateTime.ShouldBe(SubscriptionLifecycle.StartOfParisDay(Today.AddDays(1)));
        Apply(next, new SubscriptionChange { Status = "Suspendu", SuspendDay = Today.AddDays(-1) }).Single().ToApiMessage()
            .ShouldBe("#/suspendDateTime: The suspension date must be today or later");
    }

    [Fact]
    public void Editor_only_in_api_mode_and_frequency_is_canonical()
    {
        var s = NewSubscription();
        var editor = new Organization { Id = Guid.NewGuid(), Type = "EDITOR", CompanyRegister = "12345678901234", BranchCode = "-", Name = "Éditeur" };
        var reference = new OrganizationIdentifierDto("EDITOR", "12345678901234", "-");
        Apply(s, new SubscriptionChange { Editor = reference }, editor: editor).Single().Field.ShouldBe("editor");
        Apply(s, new SubscriptionChange { Editor = reference, AccessMode = "API", NotificationFrequency = "BIQUOTIDIENNE" }, editor: editor).ShouldBeEmpty();
        s.EditorOrganizationId.ShouldBe(editor.Id);
        s.NotificationFrequency.ShouldBe(NotificationFrequency.Biquotidienne);
        Apply(s, new SubscriptionChange { AccessMode = "PORTAIL" }).ShouldBeEmpty();
        s.EditorOrganizationId.ShouldBeNull();
        Apply(s, new SubscriptionChange { AccessMode = null }).Single().Field.ShouldBe("accessMode");
        SubscriptionRules.Apply(s, new SubscriptionChange { Email = null }, null, Now, SubscriptionRules.SuspensionImmediately, requireEmail: true, [])
            .Single().ToApiMessage().ShouldBe("#:email required key not found");
    }

    [Fact]
    public async Task From_datapass_to_delivery_with_activation_suspension_and_credentials()
    {
        await using var hub = new HubFactory();
        var datapass = await hub.DatapassAsync();
        var admin = await hub.AdminAsync();
        var dila = await hub.DilaAsync();
        var (commune, siret, branch) = await NewCommuneAsync(datapass, "COMMUNE DE SAINT-JUNIEN");
        var id = await CreateSubscriptionAsync(datapass, commune, "EtatCivil");
        var pacsId = await CreateSubscriptionAsync(datapass, commune, "depotDossierPACS", datapassId: 4243);
        var refusedMessage = $"Case recipient SI-{siret}-{branch} does not suscribed to EtatCivil";

        // Inactif: the operator's folders are refused.
        await (await dila.PostAsync("/teledossiers/v1/folders", HubApi.Json(HubApi.FolderJson("DILA-AEC-2000000000001", 10, commune))))
            .ShouldBeErrorAsync(HttpStatusCode.BadRequest, refusedMessage);

        // The local administrator (through the portal back-end, ADMIN) chooses API and activates from tomorrow.
        var tomorrow = SubscriptionLifecycle.ParisDay(hub.Clock.GetUtcNow()).AddDays(1);
        var put = await admin.PutAsync($"/referential/v1/subscriptions/{id}", HubApi.Json(
            $$"""{"accessMode":"API","notificationFrequency":"Unitaire","email":"etat-civil@saint-junien.fr","activateDateTime":"{{tomorrow:yyyy-MM-dd}}"}"""));
        put.StatusCode.ShouldBe(HttpStatusCode.OK, await put.Content.ReadAsStringAsync());
        var scheduled = await put.JsonAsync();
        scheduled.GetProperty("status").GetString().ShouldBe("Inactif");
        scheduled.GetProperty("activateDateTime").GetDateTimeOffset().ShouldBe(SubscriptionLifecycle.StartOfParisDay(tomorrow));
        (await admin.PutAsync($"/referential/v1/subscriptions/{pacsId}", HubApi.Json(
            $$"""{"accessMode":"API","email":"pacs@saint-junien.fr","activateDateTime":"{{tomorrow:yyyy-MM-dd}}T09:30:00+02:00"}"""))).StatusCode.ShouldBe(HttpStatusCode.OK);

        // The first save in API mode created one client per subscription; switching modes keeps it.
        (await admin.PutAsync($"/referential/v1/subscriptions/{id}", HubApi.Json("""{"accessMode":"PORTAIL"}"""))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await admin.PutAsync($"/referential/v1/subscriptions/{id}", HubApi.Json("""{"accessMode":"API"}"""))).StatusCode.ShouldBe(HttpStatusCode.OK);
        (string ClientId, string Secret) credentials;
        using (var scope = hub.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            (await db.ApiClients.CountAsync(c => c.SubscriptionId == id)).ShouldBe(1);
            credentials = (await scope.ServiceProvider.GetRequiredService<SubscriptionService>().RevealCredentialsAsync(id, "test:local-admin"))!.Value;
        }

        // Still refused before the date, even at 23:59 Paris the day before.
        hub.Clock.SetUtcNow(SubscriptionLifecycle.StartOfParisDay(tomorrow).AddMinutes(-1));
        dila = await hub.DilaAsync();
        await (await dila.PostAsync("/teledossiers/v1/folders", HubApi.Json(HubApi.FolderJson("DILA-AEC-2000000000002", 10, commune))))
            .ShouldBeErrorAsync(HttpStatusCode.BadRequest, refusedMessage);

        // From 00:00 Europe/Paris on the day, without any job: Actif, and folders are delivered.
        hub.Clock.SetUtcNow(SubscriptionLifecycle.StartOfParisDay(tomorrow).AddMinutes(1));
        dila = await hub.DilaAsync();
        admin = await hub.AdminAsync();
        (await (await admin.GetAsync($"/referential/v1/subscriptions/{id}")).JsonAsync()).GetProperty("status").GetString().ShouldBe("Actif");
        var (_, caseId, _, _) = await HubApi.SendFolderAsync(dila, "DILA-AEC-2000000000003", commune);
        await HubApi.SendFolderAsync(dila, "DILA-PACS-2000000000001", commune, "depotDossierPACS");
        await HubApi.SendFolderAsync(dila, "DILA-AEC-2000000000004", HubApi.Limoges);

        // The credentials work at the token endpoint and give an SI token limited to this subscription's process.
        var si = await hub.ClientForAsync(credentials.ClientId, credentials.Secret, "SI");
        var notifications = await (await si.GetAsync("/teledossiers/v1/notifications?maxResult=100")).JsonAsync();
        notifications.EnumerateArray().Select(n => n.GetProperty("processCode").GetString()).Distinct().ShouldBe(new[] { "EtatCivil" });
        notifications.EnumerateArray().Select(n => n.GetProperty("caseId").GetGuid()).ShouldBe(new[] { caseId });
        (await si.GetAsync($"/teledossiers/v1/cases/{caseId}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        var limogesCase = (await (await (await hub.LimogesEtatCivilAsync()).GetAsync("/teledossiers/v1/notifications?maxResult=100")).JsonAsync())
            .EnumerateArray().First().GetProperty("caseId").GetGuid();
        await (await si.GetAsync($"/teledossiers/v1/cases/{limogesCase}")).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");
        await (await si.GetAsync("/referential/v1/subscriptions")).ShouldBeErrorAsync(HttpStatusCode.Forbidden, "Unauthorized user");

        // Suspension from the day after: still active until then, refused from 00:00 Paris, earlier cases go on.
        var dayAfter = tomorrow.AddDays(1);
        var suspended = await admin.PutAsync($"/referential/v1/subscriptions/{id}", HubApi.Json($$"""{"status":"Suspendu","suspendDateTime":"{{dayAfter:yyyy-MM-dd}}"}"""));
        suspended.StatusCode.ShouldBe(HttpStatusCode.OK, await suspended.Content.ReadAsStringAsync());
        (await suspended.JsonAsync()).GetProperty("status").GetString().ShouldBe("Actif");
        hub.Clock.SetUtcNow(SubscriptionLifecycle.StartOfParisDay(dayAfter).AddMinutes(1));
        dila = await hub.DilaAsync();
        admin = await hub.AdminAsync();
        await (await dila.PostAsync("/teledossiers/v1/folders", HubApi.Json(HubApi.FolderJson("DILA-AEC-2000000000005", 10, commune))))
            .ShouldBeErrorAsync(HttpStatusCode.BadRequest, refusedMessage);
        var listed = await (await admin.GetAsync($"/referential/v1/subscriptions?companyRegister={siret}&status=Suspendu")).JsonAsync();
        listed.EnumerateArray().Select(s => s.GetProperty("id").GetGuid()).ShouldBe(new[] { id });
        listed[0].GetProperty("suspendDateTime").GetDateTimeOffset().ShouldBe(SubscriptionLifecycle.StartOfParisDay(dayAfter));
        si = await hub.ClientForAsync(credentials.ClientId, credentials.Secret, "SI");
        var ev = await si.PostAsync($"/teledossiers/v1/cases/{caseId}/events", HubApi.Json(
            """{"actionType":"STATUS_UPDATE","caseNewStatus":"SI_RECEIVED","notification":true,"author":"Mairie"}"""));
        ev.StatusCode.ShouldBe(HttpStatusCode.Created, await ev.Content.ReadAsStringAsync());
        // The other process of the same commune is not affected.
        await HubApi.SendFolderAsync(dila, "DILA-PACS-2000000000002", commune, "depotDossierPACS");

        // Reactivation: delivered again at once.
        var reactivated = await admin.PutAsync($"/referential/v1/subscriptions/{id}", HubApi.Json("""{"status":"Actif"}"""));
        (await reactivated.JsonAsync()).GetProperty("status").GetString().ShouldBe("Actif");
        await HubApi.SendFolderAsync(dila, "DILA-AEC-2000000000006", commune);

        // Regenerating the secret stops the old one at once.
        using (var scope = hub.Services.CreateScope())
        {
            (await scope.ServiceProvider.GetRequiredService<SubscriptionService>().RegenerateSecretAsync(id, "test:local-admin")).ShouldNotBeNull();
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var actions = await db.AuditEntries.Where(a => a.Target == id.ToString()).Select(a => a.Action).ToListAsync();
            actions.ShouldBe(new[]
            {
                "SUBSCRIPTION_CREATED", "SUBSCRIPTION_ACCESS_MODE_CHANGED", "SUBSCRIPTION_NOTIFICATIONS_CHANGED", "SUBSCRIPTION_ACTIVATION_SET",
                "SUBSCRIPTION_ACCESS_MODE_CHANGED", "SUBSCRIPTION_ACCESS_MODE_CHANGED", "SUBSCRIPTION_SUSPENDED", "SUBSCRIPTION_REACTIVATED",
            }, ignoreOrder: true);
        }

        var stale = await hub.CreateClient().PostAsync("/oauth2/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "client_credentials", ["scope"] = "SI", ["client_id"] = credentials.ClientId, ["client_secret"] = credentials.Secret,
        }));
        stale.StatusCode.ShouldBe(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_refused_subscription_is_never_delivered()
    {
        await using var hub = new HubFactory();
        var datapass = await hub.DatapassAsync();
        var admin = await hub.AdminAsync();
        var (commune, siret, branch) = await NewCommuneAsync(datapass);
        var created = await datapass.PostAsync("/referential/v1/subscriptions", HubApi.Json(SubscriptionJson(commune)
            .Replace("\"status\":\"Inactif\"", "\"status\":\"Refusé\",\"rejectionReason\":\"Pas de service d'état civil\"")));
        var id = (await created.JsonAsync()).GetProperty("id").GetGuid();
        var today = SubscriptionLifecycle.ParisDay(hub.Clock.GetUtcNow());
        await (await admin.PutAsync($"/referential/v1/subscriptions/{id}", HubApi.Json(
            $$"""{"accessMode":"API","email":"x@mairie.fr","activateDateTime":"{{today:yyyy-MM-dd}}","status":"Actif"}"""))).ShouldBeErrorAsync(HttpStatusCode.BadRequest,
            "#/activateDateTime: A refused subscription cannot be activated, #/status: A refused subscription cannot be activated");
        hub.Clock.Advance(TimeSpan.FromDays(2));
        var dila = await hub.DilaAsync();
        await (await dila.PostAsync("/teledossiers/v1/folders", HubApi.Json(HubApi.FolderJson("DILA-AEC-3000000000001", 10, commune))))
            .ShouldBeErrorAsync(HttpStatusCode.BadRequest, $"Case recipient SI-{siret}-{branch} does not suscribed to EtatCivil");
        admin = await hub.AdminAsync();
        (await (await admin.GetAsync($"/referential/v1/subscriptions/{id}")).JsonAsync()).GetProperty("status").GetString().ShouldBe("Refusé");
        using var scope = hub.Services.CreateScope();
        (await scope.ServiceProvider.GetRequiredService<HubDbContext>().ApiClients.AnyAsync(c => c.SubscriptionId == id)).ShouldBeFalse();
    }
}
