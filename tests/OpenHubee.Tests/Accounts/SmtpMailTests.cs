using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using OpenHubee.Tests.Infrastructure;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace OpenHubee.Tests.Accounts;

/// <summary>The scale-out mail path: MailKit talking to a real SMTP server in the test process.</summary>
public sealed class SmtpMailTests
{
    private sealed class Inbox : MessageStore
    {
        public ConcurrentQueue<MimeMessage> Messages { get; } = new();

        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            Messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }

    private sealed class SmtpHubFactory(int port) : HubFactory
    {
        protected override IDictionary<string, string?> Settings => new Dictionary<string, string?>
        {
            ["OpenHubee:Smtp:Host"] = "127.0.0.1",
            ["OpenHubee:Smtp:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["OpenHubee:Smtp:Security"] = "None",
            ["OpenHubee:Smtp:Sender"] = "ne-pas-repondre@hub.example",
            ["OpenHubee:PublicBaseUrl"] = "https://hub.example/portail",
        };
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    [Fact]
    public async Task The_password_creation_mail_goes_through_the_configured_relay()
    {
        var port = FreePort();
        var inbox = new Inbox();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(inbox);
        var server = new SmtpServer.SmtpServer(new SmtpServerOptionsBuilder().ServerName("localhost").Port(port).Build(), services);
        using var stop = new CancellationTokenSource();
        var running = server.StartAsync(stop.Token);
        await using var hub = new SmtpHubFactory(port);
        try
        {
            await DataPassAccountTests.DataPassSubscriptionAsync(hub, new("anne.roux@limoges.example", "Anne", "ROUX"));

            var mail = inbox.Messages.ShouldHaveSingleItem();
            mail.From.Mailboxes.Single().Address.ShouldBe("ne-pas-repondre@hub.example");
            mail.To.Mailboxes.Single().Address.ShouldBe("anne.roux@limoges.example");
            mail.Subject.ShouldBe("OpenHubEE – Création de mot de passe");
            mail.TextBody!.ShouldContain("Bonjour Anne ROUX");
            mail.TextBody!.ShouldContain("https://hub.example/portail/compte/mot-de-passe?email=anne.roux%40limoges.example&token=");
            Mailbox.Read(hub, "anne.roux@limoges.example").ShouldBeEmpty(); // nothing written to the folder
        }
        finally
        {
            await stop.CancelAsync();
            // The server ends its listening task when cancelled; how it ends does not matter here.
            await Task.WhenAny(running, Task.Delay(TimeSpan.FromSeconds(10)));
        }
    }
}
