using OpenHubee.Tests.Infrastructure;
using OpenHubee.Tests.Jobs;

namespace OpenHubee.Tests.Accounts;

/// <summary>The scale-out mail path: MailKit talking to a real SMTP server in the test process.</summary>
public sealed class SmtpMailTests
{
    [Fact]
    public async Task The_password_creation_mail_goes_through_the_configured_relay()
    {
        await using var smtp = new SmtpTestServer();
        smtp.Start();
        await using var hub = new ConfiguredHub(smtp.Settings());
        await DataPassAccountTests.DataPassSubscriptionAsync(hub, new("anne.roux@limoges.example", "Anne", "ROUX"));

        var mail = smtp.Messages.ShouldHaveSingleItem();
        mail.From.Mailboxes.Single().Address.ShouldBe("ne-pas-repondre@hub.example");
        mail.To.Mailboxes.Single().Address.ShouldBe("anne.roux@limoges.example");
        mail.Subject.ShouldBe("OpenHubEE – Création de mot de passe");
        mail.TextBody!.ShouldContain("Bonjour Anne ROUX");
        mail.TextBody!.ShouldContain("https://hub.example/portail/compte/mot-de-passe?email=anne.roux%40limoges.example&token=");
        Mailbox.Read(hub, "anne.roux@limoges.example").ShouldBeEmpty(); // nothing written to the folder
    }
}
