using System.Net;
using MimeKit;
using OpenHubee.Data;
using OpenHubee.Jobs;
using OpenHubee.Tests.Infrastructure;

namespace OpenHubee.Tests.Jobs;

/// <summary>quality.md R6: two nodes on one database run every job, and each unit of work happens exactly once.</summary>
public sealed class TwoNodeTests
{
    [Fact]
    public async Task Two_nodes_sharing_one_database_do_every_scheduled_unit_exactly_once()
    {
        var shared = Path.Combine(Path.GetTempPath(), "openhubee-tests", "shared-" + Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?> { ["OpenHubee:DataDirectory"] = shared, ["OpenHubee:Jobs:DailyDigestTimes"] = "08:00", ["OpenHubee:DemoData:PortalAccounts"] = "false" };
        if (Environment.GetEnvironmentVariable("OPENHUBEE_TEST_POSTGRES") is { Length: > 0 } postgres)
        {
            settings["ConnectionStrings:OpenHubee"] = $"{postgres};Database=openhubee_{Path.GetFileName(shared)}";
        }

        try
        {
            await using var a = new ConfiguredHub(settings);
            _ = a.Services;
            await using var b = new ConfiguredHub(settings);
            _ = b.Services;
            // Start at noon Paris time, so that the day boundaries the test relies on never depend on the wall clock.
            var noon = JobHelpers.ParisAt(a, 1, 12, 0);
            a.Clock.SetUtcNow(noon);
            b.Clock.SetUtcNow(noon);

            await a.SetSubscriptionAsync("depotDossierPACS", NotificationFrequency.Quotidienne, "pacs@limoges.example");
            await a.CreateUserAsync("agent@limoges.example");
            await a.CreateUserAsync("admin.local@limoges.example", PortalActorType.LocalAdministrator);
            var osl = await a.DilaAsync();
            await HubApi.SendFolderAsync(osl, "TWO-0001");
            await HubApi.SendFolderAsync(osl, "TWO-0002", processCode: "depotDossierPACS");
            var (_, closed, _, _) = await HubApi.SendFolderAsync(osl, "TWO-0003");
            (await osl.PatchAsync($"/teledossiers/v1/cases/{closed}", HubApi.Json("""{"status":"CLOSED"}"""))).StatusCode.ShouldBe(HttpStatusCode.NoContent);

            void At(DateTimeOffset instant)
            {
                a.Clock.SetUtcNow(instant);
                b.Clock.SetUtcNow(instant);
            }

            // Each job runs on both nodes at once, twice; the sum over nodes and rounds counts the units done.
            async Task<int> Both(Func<JobRunner, Task<int>> job)
            {
                var total = 0;
                for (var round = 0; round < 2; round++)
                {
                    total += (await Task.WhenAll(job(a.Jobs()), job(b.Jobs()))).Sum();
                }

                return total;
            }

            // Day 1, 08:00 Paris: the daily digest and the Unitaire mails of the two état civil cases.
            At(JobHelpers.ParisAt(a, 1, 8, 0));
            (await Both(j => j.DigestsAsync())).ShouldBe(1);
            (await Both(j => j.UncollectedAlertsAsync())).ShouldBe(0);
            (await Both(j => j.AccountsAsync())).ShouldBe(0);
            (await Both(j => j.DispatchMailsAsync())).ShouldBe(3);

            // Day 61: uncollected alerts (2 démarches × 2 addresses), 2 inactivity reminders, 1 binary purge.
            At(JobHelpers.ParisAt(a, 60, 8, 0));
            (await Both(j => j.DigestsAsync())).ShouldBe(0); // nothing new for the digest
            (await Both(j => j.UncollectedAlertsAsync())).ShouldBe(4);
            (await Both(j => j.AccountsAsync())).ShouldBe(2);
            (await Both(async j => (await j.RetentionAsync()).BinariesPurged)).ShouldBe(1);
            (await Both(async j => await j.SweepOrphanBlobsAsync() is null ? 0 : 1)).ShouldBe(1); // a daily job: one node runs it
            (await Both(j => j.DispatchMailsAsync())).ShouldBe(6);

            var mails = Directory.GetFiles(Path.Combine(shared, "mail"), "*.eml").Select(f => MimeMessage.Load(f))
                .Select(m => (To: m.To.Mailboxes.Single().Address, m.Subject)).ToList();
            mails.Count.ShouldBe(9);
            mails.Distinct().Count().ShouldBe(9, string.Join("\n", mails));
            mails.Count(m => m.To == "admin.local@limoges.example" && m.Subject!.Contains("non récupérés", StringComparison.Ordinal)).ShouldBe(2);
            mails.Count(m => m.Subject!.Contains("inactif depuis 60 jours", StringComparison.Ordinal)).ShouldBe(2);
            mails.Count(m => m.To == "pacs@limoges.example").ShouldBe(2); // the digest and the alert
        }
        finally
        {
            try
            {
                Directory.Delete(shared, recursive: true);
            }
            catch (IOException)
            {
                // Throw-away temp folder.
            }
        }
    }
}
