using OpenHubee.Tests.Infrastructure;

namespace OpenHubee.Tests.Jobs;

/// <summary>The Quartz wiring itself: with the scheduler on, the outbox is sent without anyone calling JobRunner.</summary>
public sealed class SchedulerTests
{
    [Fact]
    public async Task The_scheduler_sends_the_outbox_by_itself()
    {
        await using var smtp = new SmtpTestServer();
        smtp.Start();
        var settings = smtp.Settings();
        settings["OpenHubee:Jobs:Enabled"] = "true";
        settings["OpenHubee:Jobs:MailDispatchInterval"] = "00:00:01";
        await using var hub = new ConfiguredHub(settings);
        var osl = await hub.DilaAsync();
        await HubApi.SendFolderAsync(osl, "QRZ-0001");

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (smtp.To("teledossiers@limoges.example").Count == 0 && DateTime.UtcNow < deadline)
        {
            // Quartz 4 reads time from the registered TimeProvider: here the test's clock.
            hub.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        smtp.To("teledossiers@limoges.example").ShouldHaveSingleItem().Subject.ShouldBe("HubEE – Nouveau télédossier n° QRZ-0001-01");
        for (var i = 0; i < 5; i++)
        {
            hub.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(200, TestContext.Current.CancellationToken);
        }

        smtp.To("teledossiers@limoges.example").Count.ShouldBe(1); // sent once, not at every run
    }
}
