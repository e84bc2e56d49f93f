using System.Net;
using OpenHubee.Data;
using OpenHubee.Tests.Infrastructure;

namespace OpenHubee.Tests.Jobs;

/// <summary>Notification e-mails of each frequency (portal.md §C 4.6), through a real SMTP server.</summary>
public sealed class NotificationMailTests
{
    [Fact]
    public async Task Unitaire_sends_one_mail_per_notification_even_when_the_SI_deleted_it_first()
    {
        await using var smtp = new SmtpTestServer();
        smtp.Start();
        await using var hub = new ConfiguredHub(smtp.Settings());
        var osl = await hub.DilaAsync();
        var (_, caseId, _, _) = await HubApi.SendFolderAsync(osl, "UNI-0001");

        // The SI collects and deletes its notification before any mail went out: the mail is not lost.
        var si = await hub.LimogesEtatCivilAsync();
        var notifications = await (await si.GetAsync("/teledossiers/v1/notifications?maxResult=100")).JsonAsync();
        foreach (var n in notifications.EnumerateArray().Where(n => n.GetProperty("caseId").GetGuid() == caseId))
        {
            (await si.DeleteAsync($"/teledossiers/v1/notifications/{n.GetProperty("id").GetGuid()}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        }

        smtp.Messages.ShouldBeEmpty(); // nothing is sent inside the request
        (await hub.Jobs().DispatchMailsAsync()).ShouldBe(1);
        (await hub.Jobs().DispatchMailsAsync()).ShouldBe(0);

        var mail = smtp.To("teledossiers@limoges.example").ShouldHaveSingleItem();
        mail.From.Mailboxes.Single().Address.ShouldBe("ne-pas-repondre@hub.example");
        mail.Subject.ShouldBe("HubEE – Nouveau télédossier n° UNI-0001-01");
        mail.TextBody!.ShouldContain("Démarche : Demande d'acte d'état civil");
        mail.TextBody!.ShouldContain("Numéro du télédossier : UNI-0001-01");
        mail.TextBody!.ShouldContain("https://hub.example/portail/teledossiers");
        mail.TextBody!.ShouldNotContain("DUBOIS");
        mail.TextBody!.ShouldNotContain("George");
        mail.TextBody!.ShouldNotContain("george.dubois@example.org");

        // An event addressed to the SI mails it too (decision 14); one addressed to the operator does not.
        var ev = await osl.PostAsync($"/teledossiers/v1/cases/{caseId}/events", HubApi.Json(
            """{"actionType":"SENDING_MESSAGE","message":"Merci de confirmer la réception","notification":true,"author":"DILA"}"""));
        ev.StatusCode.ShouldBe(HttpStatusCode.Created, await ev.Content.ReadAsStringAsync());
        var back = await si.PostAsync($"/teledossiers/v1/cases/{caseId}/events", HubApi.Json(
            """{"actionType":"STATUS_UPDATE","caseCurrentStatus":"HUBEE_NOTIFIED","caseNewStatus":"SI_RECEIVED","notification":true,"author":"Mairie"}"""));
        back.StatusCode.ShouldBe(HttpStatusCode.Created, await back.Content.ReadAsStringAsync());
        (await hub.Jobs().DispatchMailsAsync()).ShouldBe(1);
        smtp.To("teledossiers@limoges.example").Select(m => m.Subject)
            .ShouldBe(["HubEE – Nouveau télédossier n° UNI-0001-01", "HubEE – Télédossier n° UNI-0001-01 modifié"]);
        smtp.Messages.Count.ShouldBe(2);
    }

    [Fact]
    public async Task Digests_count_the_teledossiers_of_each_period_and_nothing_is_sent_for_Aucune_or_an_empty_period()
    {
        await using var smtp = new SmtpTestServer();
        smtp.Start();
        var settings = smtp.Settings();
        settings["OpenHubee:Jobs:DailyDigestTimes"] = "08:00";
        settings["OpenHubee:Jobs:TwiceDailyDigestTimes"] = "08:00, 14:00";
        await using var hub = new ConfiguredHub(settings);
        _ = hub.Services;
        await hub.SetSubscriptionAsync("EtatCivil", NotificationFrequency.Biquotidienne, "etatcivil@limoges.example");
        await hub.SetSubscriptionAsync("depotDossierPACS", NotificationFrequency.Quotidienne, "pacs@limoges.example");
        await hub.SetSubscriptionAsync("recensementCitoyen", NotificationFrequency.Aucune, "recensement@limoges.example");
        var jobs = hub.Jobs();

        // Tomorrow 08:30: the first slots pass with nothing transmitted, so no mail.
        hub.Clock.SetUtcNow(JobHelpers.ParisAt(hub, 1, 8, 30));
        (await jobs.DigestsAsync()).ShouldBe(0);

        hub.Clock.SetUtcNow(JobHelpers.ParisAt(hub, 0, 9, 0));
        var osl = await hub.DilaAsync();
        await HubApi.SendFolderAsync(osl, "BIQ-0001");
        await HubApi.SendFolderAsync(osl, "BIQ-0002");
        await HubApi.SendFolderAsync(osl, "QUO-0001", processCode: "depotDossierPACS");
        await HubApi.SendFolderAsync(osl, "AUC-0001", processCode: "recensementCitoyen");
        (await jobs.DigestsAsync()).ShouldBe(0); // the 08:00 slots are done
        (await jobs.DispatchMailsAsync()).ShouldBe(0); // no Unitaire mail for these frequencies

        // 14:05: the second slot of the twice-daily digest.
        hub.Clock.SetUtcNow(JobHelpers.ParisAt(hub, 0, 14, 5));
        (await jobs.DigestsAsync()).ShouldBe(1);
        (await jobs.DigestsAsync()).ShouldBe(0);
        (await jobs.DispatchMailsAsync()).ShouldBe(1);
        var twice = smtp.To("etatcivil@limoges.example").ShouldHaveSingleItem();
        twice.Subject.ShouldBe("HubEE – Des télédossiers vous ont été transmis");
        twice.TextBody!.ShouldContain("- Demande d'acte d'état civil : 2 télédossiers");
        twice.TextBody!.ShouldContain("notification biquotidienne");
        twice.TextBody!.ShouldNotContain("BIQ-0001"); // only Unitaire mails carry numbers
        twice.TextBody!.ShouldNotContain("DUBOIS");
        twice.From.Mailboxes.Single().Address.ShouldBe("ne-pas-repondre@hub.example");

        // Next day 08:00: the daily digest counts its télédossier; the twice-daily one has nothing new.
        hub.Clock.SetUtcNow(JobHelpers.ParisAt(hub, 1, 8, 0));
        (await jobs.DigestsAsync()).ShouldBe(1);
        (await jobs.DispatchMailsAsync()).ShouldBe(1);
        var daily = smtp.To("pacs@limoges.example").ShouldHaveSingleItem();
        daily.TextBody!.ShouldContain("- Déclaration conjointe de PACS : 1 télédossier");
        daily.TextBody!.ShouldNotContain("1 télédossiers");
        daily.TextBody!.ShouldContain("notification quotidienne");
        smtp.To("etatcivil@limoges.example").Count.ShouldBe(1);
        smtp.To("recensement@limoges.example").ShouldBeEmpty();
        smtp.Messages.Count.ShouldBe(2);
    }

    [Fact]
    public async Task An_SMTP_outage_delays_mails_without_losing_or_duplicating_them()
    {
        await using var smtp = new SmtpTestServer();
        await using var hub = new ConfiguredHub(smtp.Settings());
        var osl = await hub.DilaAsync();
        await HubApi.SendFolderAsync(osl, "OUT-0001");
        await HubApi.SendFolderAsync(osl, "OUT-0002");
        var jobs = hub.Jobs();

        // The relay is down: nothing is sent, nothing is lost.
        (await jobs.DispatchMailsAsync()).ShouldBe(0);
        (await hub.PendingMailsAsync()).ShouldBe(2);
        hub.Clock.Advance(TimeSpan.FromSeconds(30));
        (await jobs.DispatchMailsAsync()).ShouldBe(0); // backing off: not retried yet
        hub.Clock.Advance(TimeSpan.FromSeconds(31));
        (await jobs.DispatchMailsAsync()).ShouldBe(0); // second failure: next try 2 minutes later
        (await hub.WithDbAsync(db => Task.FromResult(db.MailOutbox.Select(m => m.Attempts).ToList()))).ShouldAllBe(a => a == 2);

        smtp.Start();
        hub.Clock.Advance(TimeSpan.FromMinutes(1));
        (await jobs.DispatchMailsAsync()).ShouldBe(0);
        hub.Clock.Advance(TimeSpan.FromMinutes(1));
        (await jobs.DispatchMailsAsync()).ShouldBe(2);
        hub.Clock.Advance(TimeSpan.FromMinutes(10));
        (await jobs.DispatchMailsAsync()).ShouldBe(0);
        smtp.To("teledossiers@limoges.example").Select(m => m.Subject).Order()
            .ShouldBe(["HubEE – Nouveau télédossier n° OUT-0001-01", "HubEE – Nouveau télédossier n° OUT-0002-01"]);
        (await hub.PendingMailsAsync()).ShouldBe(0);
    }
}
