using System.Net;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenHubee.Data;
using OpenHubee.Tests.Infrastructure;

namespace OpenHubee.Tests.Jobs;

/// <summary>Retention, accounts and alerts act on the right day and not before (api.md §3.6, portal.md §B and §C 4.7).</summary>
public sealed class ScheduledWorkTests
{
    [Fact]
    public async Task Binary_purge_archiving_and_folder_deletion_follow_the_process_delays()
    {
        await using var hub = new HubFactory();
        var osl = await hub.DilaAsync();
        var (folderId, caseId, attachmentIds, _) = await HubApi.SendFolderAsync(osl, "RET-0001");
        var attachmentId = attachmentIds.Single();
        (await osl.PatchAsync($"/teledossiers/v1/cases/{caseId}", HubApi.Json("""{"status":"CLOSED"}"""))).StatusCode.ShouldBe(HttpStatusCode.NoContent);
        var closedAt = hub.Clock.GetUtcNow();
        var blobKey = await hub.WithDbAsync(db => db.Attachments.Where(a => a.Id == attachmentId).Select(a => a.BlobKey!).SingleAsync());
        var blobPath = Path.Combine(hub.DataDirectory, "blobs", blobKey[..2], blobKey[2..4], blobKey);
        var jobs = hub.Jobs();

        // EtatCivil: timeBeforeFileDeletion 30 → the binary goes 31 days after CLOSED, not a minute before.
        hub.Clock.SetUtcNow(closedAt.AddDays(31).AddMinutes(-1));
        (await jobs.RetentionAsync()).ShouldBe((0, 0, 0));
        var si = await hub.LimogesEtatCivilAsync();
        (await si.GetAsync($"/teledossiers/v1/cases/{caseId}/attachments/{attachmentId}")).StatusCode.ShouldBe(HttpStatusCode.OK);
        File.Exists(blobPath).ShouldBeTrue();

        hub.Clock.SetUtcNow(closedAt.AddDays(31));
        (await jobs.RetentionAsync()).ShouldBe((0, 0, 1));
        (await jobs.RetentionAsync()).ShouldBe((0, 0, 0));
        si = await hub.LimogesEtatCivilAsync();
        await (await si.GetAsync($"/teledossiers/v1/cases/{caseId}/attachments/{attachmentId}")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "File is not found");
        File.Exists(blobPath).ShouldBeFalse();
        (await hub.WithDbAsync(db => db.Attachments.Where(a => a.Id == attachmentId).Select(a => a.Status).SingleAsync())).ShouldBe(AttachmentStatus.Deleted);

        // Archiving: CLOSED for timeBeforeArchiving (90) days.
        hub.Clock.SetUtcNow(closedAt.AddDays(90).AddMinutes(-1));
        (await jobs.RetentionAsync()).Archived.ShouldBe(0);
        hub.Clock.SetUtcNow(closedAt.AddDays(90));
        (await jobs.RetentionAsync()).Archived.ShouldBe(1);
        var archivedAt = hub.Clock.GetUtcNow();
        osl = await hub.DilaAsync();
        (await (await osl.GetAsync($"/teledossiers/v1/cases/{caseId}?lite=true")).JsonAsync()).GetProperty("status").GetString().ShouldBe("ARCHIVED");
        (await hub.WithDbAsync(db => db.Folders.Where(f => f.Id == folderId).Select(f => f.GlobalStatus).SingleAsync())).ShouldBe("ARCHIVED");

        // Deletion: ARCHIVED for timeBeforeFolderDeletion (365) days.
        hub.Clock.SetUtcNow(archivedAt.AddDays(365).AddMinutes(-1));
        (await jobs.RetentionAsync()).FoldersDeleted.ShouldBe(0);
        hub.Clock.SetUtcNow(archivedAt.AddDays(365));
        (await jobs.RetentionAsync()).FoldersDeleted.ShouldBe(1);
        (await jobs.RetentionAsync()).FoldersDeleted.ShouldBe(0);
        osl = await hub.DilaAsync();
        await (await osl.GetAsync($"/teledossiers/v1/cases/{caseId}")).ShouldBeErrorAsync(HttpStatusCode.NotFound, "Case is not found");
        (await hub.WithDbAsync(db => db.Folders.AnyAsync(f => f.Id == folderId))).ShouldBeFalse();
    }

    [Fact]
    public async Task The_daily_sweep_deletes_blobs_no_attachment_references_and_keeps_the_others()
    {
        await using var hub = new HubFactory();
        var osl = await hub.DilaAsync();
        var (_, caseId, attachmentIds, content) = await HubApi.SendFolderAsync(osl, "ORPH-0001");
        // What a crash between storing the bytes and recording them leaves: a committed blob nobody references.
        var blobs = hub.Services.GetRequiredService<OpenHubee.Storage.IBlobStore>();
        var orphan = await blobs.StageAsync(new MemoryStream([1, 2, 3]), 3, TestContext.Current.CancellationToken);
        await blobs.CommitAsync(orphan, TestContext.Current.CancellationToken);
        var jobs = hub.Jobs();

        // Younger than a day: possibly an upload being recorded right now, so not touched.
        (await jobs.SweepOrphanBlobsAsync()).ShouldBe(0);
        hub.Clock.Advance(TimeSpan.FromDays(2));
        (await jobs.SweepOrphanBlobsAsync()).ShouldBe(1);
        (await jobs.SweepOrphanBlobsAsync()).ShouldBeNull(); // once a day for the cluster
        (await blobs.OpenReadAsync(orphan.Key, TestContext.Current.CancellationToken)).ShouldBeNull();

        var si = await hub.LimogesEtatCivilAsync();
        var download = await si.GetAsync($"/teledossiers/v1/cases/{caseId}/attachments/{attachmentIds.Single()}");
        download.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await download.Content.ReadAsByteArrayAsync()).ShouldBe(content);
    }

    [Fact]
    public async Task Inactive_accounts_get_reminders_at_60_and_90_days_and_are_deactivated_at_120()
    {
        await using var hub = new HubFactory();
        _ = hub.Services;
        var start = hub.Clock.GetUtcNow();
        var userId = await hub.CreateUserAsync("claire.martin@limoges.example");
        var jobs = hub.Jobs();

        async Task<string[]> Subjects()
        {
            await jobs.DispatchMailsAsync();
            return Mailbox.Read(hub, "claire.martin@limoges.example").Select(m => m.Subject!).ToArray();
        }

        hub.Clock.SetUtcNow(start.AddDays(60).AddMinutes(-1));
        await jobs.AccountsAsync();
        (await Subjects()).ShouldBeEmpty();

        hub.Clock.SetUtcNow(start.AddDays(60));
        await jobs.AccountsAsync();
        await jobs.AccountsAsync();
        (await Subjects()).ShouldBe(["HubEE – Votre compte est inactif depuis 60 jours"]);
        Mailbox.Read(hub, "claire.martin@limoges.example").Single().TextBody!.ShouldContain("désactivé au bout de 120 jours");

        hub.Clock.SetUtcNow(start.AddDays(90).AddMinutes(-1));
        await jobs.AccountsAsync();
        (await Subjects()).Length.ShouldBe(1);
        hub.Clock.SetUtcNow(start.AddDays(90));
        await jobs.AccountsAsync();
        await jobs.AccountsAsync();
        (await Subjects()).ShouldBe(["HubEE – Votre compte est inactif depuis 60 jours", "HubEE – Votre compte est inactif depuis 90 jours"]);

        hub.Clock.SetUtcNow(start.AddDays(120).AddMinutes(-1));
        await jobs.AccountsAsync();
        (await hub.WithDbAsync(db => db.Users.Where(u => u.Id == userId).Select(u => u.IsActive).SingleAsync())).ShouldBeTrue();
        hub.Clock.SetUtcNow(start.AddDays(120));
        await jobs.AccountsAsync();
        (await hub.WithDbAsync(db => db.Users.Where(u => u.Id == userId).Select(u => u.IsActive).SingleAsync())).ShouldBeFalse();
        (await hub.WithDbAsync(db => db.AuditEntries.CountAsync(a => a.Action == "ACCOUNT_DEACTIVATED" && a.Target == "claire.martin@limoges.example"))).ShouldBe(1);
        (await Subjects()).Length.ShouldBe(2);
    }

    [Fact]
    public async Task A_password_older_than_6_months_must_be_changed_at_the_next_login()
    {
        await using var hub = new HubFactory();
        _ = hub.Services;
        var start = hub.Clock.GetUtcNow();
        await hub.CreateUserAsync("paul.durand@limoges.example");
        var browser = hub.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

        // The day before: a normal login (which also keeps the account active).
        hub.Clock.SetUtcNow(start.AddMonths(6).AddDays(-1));
        var before = await SignInAsync(browser, "paul.durand@limoges.example", JobHelpers.Password);
        before.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        before.Headers.Location!.OriginalString.ShouldBe("/");

        hub.Clock.SetUtcNow(start.AddMonths(6));
        browser = hub.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var expired = await SignInAsync(browser, "paul.durand@limoges.example", JobHelpers.Password);
        expired.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        var link = expired.Headers.Location!.OriginalString;
        link.ShouldStartWith("/compte/mot-de-passe?email=paul.durand%40limoges.example&token=");
        link.ShouldEndWith("&expire=true");
        (await (await browser.GetAsync(link)).Content.ReadAsStringAsync()).ShouldContain("Votre mot de passe a plus de 6 mois");
        (await Mailbox.SubmitPasswordAsync(browser, link, "Un-autre-mot-de-passe-2027")).StatusCode.ShouldBe(HttpStatusCode.Redirect);

        browser = hub.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var after = await SignInAsync(browser, "paul.durand@limoges.example", "Un-autre-mot-de-passe-2027");
        after.Headers.Location!.OriginalString.ShouldBe("/");
    }

    private static async Task<HttpResponseMessage> SignInAsync(HttpClient browser, string email, string password)
    {
        var page = await Mailbox.PageAsync(await browser.GetAsync("/connexion"));
        var token = page.QuerySelector("form input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
        return await browser.PostAsync("/connexion", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token, ["Email"] = email, ["Password"] = password,
        }));
    }

    [Fact]
    public async Task Uncollected_teledossiers_raise_one_alert_after_3_days_to_the_subscription_and_the_local_administrators()
    {
        // Without the demo portal accounts, so that the only local administrator is the one created here.
        await using var hub = new ConfiguredHub(new Dictionary<string, string?> { ["OpenHubee:DemoData:PortalAccounts"] = "false" });
        var osl = await hub.DilaAsync();
        await hub.CreateUserAsync("admin.local@limoges.example", PortalActorType.LocalAdministrator);
        var (_, _, _, _) = await HubApi.SendFolderAsync(osl, "UNC-0001");
        var (_, collected, _, _) = await HubApi.SendFolderAsync(osl, "UNC-0002");
        var sentAt = hub.Clock.GetUtcNow();
        var si = await hub.LimogesEtatCivilAsync();
        (await si.PostAsync($"/teledossiers/v1/cases/{collected}/events", HubApi.Json(
            """{"actionType":"STATUS_UPDATE","caseCurrentStatus":"HUBEE_NOTIFIED","caseNewStatus":"SI_RECEIVED","notification":true,"author":"Mairie"}""")))
            .StatusCode.ShouldBe(HttpStatusCode.Created);
        var jobs = hub.Jobs();

        IReadOnlyList<MimeKit.MimeMessage> Alerts(string to) => Mailbox.Read(hub, to).Where(m => (m.Subject ?? "").Contains("non récupérés", StringComparison.Ordinal)).ToList();

        hub.Clock.SetUtcNow(sentAt.AddDays(3).AddMinutes(-1));
        (await jobs.UncollectedAlertsAsync()).ShouldBe(0);
        hub.Clock.SetUtcNow(sentAt.AddDays(3));
        (await jobs.UncollectedAlertsAsync()).ShouldBe(2);
        (await jobs.UncollectedAlertsAsync()).ShouldBe(0);
        hub.Clock.Advance(TimeSpan.FromDays(1));
        (await jobs.UncollectedAlertsAsync()).ShouldBe(0);
        await jobs.DispatchMailsAsync();

        foreach (var to in new[] { "teledossiers@limoges.example", "admin.local@limoges.example" })
        {
            var alert = Alerts(to).ShouldHaveSingleItem();
            alert.Subject.ShouldBe("HubEE – Télédossiers non récupérés (Demande d'acte d'état civil)");
            alert.TextBody!.ShouldContain("- UNC-0001-01");
            alert.TextBody!.ShouldNotContain("UNC-0002");
            alert.TextBody!.ShouldContain("plus de 3 jours");
            alert.TextBody!.ShouldNotContain("DUBOIS");
        }
    }
}
