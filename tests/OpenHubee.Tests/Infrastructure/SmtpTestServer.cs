using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace OpenHubee.Tests.Infrastructure;

/// <summary>A real SMTP server in the test process, on a fixed port, that can be stopped and started again (outage).</summary>
public sealed class SmtpTestServer : IAsyncDisposable
{
    private CancellationTokenSource? stop;
    private Task? running;

    public int Port { get; } = FreePort();

    public ConcurrentQueue<MimeMessage> Messages { get; } = new();

    public IReadOnlyList<MimeMessage> To(string address) =>
        Messages.Where(m => m.To.Mailboxes.Any(a => string.Equals(a.Address, address, StringComparison.OrdinalIgnoreCase))).ToList();

    public void Start()
    {
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(Messages));
        var server = new SmtpServer.SmtpServer(new SmtpServerOptionsBuilder().ServerName("localhost").Port(Port).Build(), services);
        stop = new CancellationTokenSource();
        running = server.StartAsync(stop.Token);
    }

    public async Task StopAsync()
    {
        if (stop is null)
        {
            return;
        }

        await stop.CancelAsync();
        await Task.WhenAny(running!, Task.Delay(TimeSpan.FromSeconds(10)));
        stop.Dispose();
        stop = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>Settings that point a hub at this server.</summary>
    public Dictionary<string, string?> Settings() => new()
    {
        ["OpenHubee:Smtp:Host"] = "127.0.0.1",
        ["OpenHubee:Smtp:Port"] = Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["OpenHubee:Smtp:Security"] = "None",
        ["OpenHubee:Smtp:Sender"] = "ne-pas-repondre@hub.example",
        ["OpenHubee:PublicBaseUrl"] = "https://hub.example/portail",
    };

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private sealed class Store(ConcurrentQueue<MimeMessage> messages) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction, ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            using var stream = new MemoryStream(buffer.ToArray());
            messages.Enqueue(await MimeMessage.LoadAsync(stream, cancellationToken));
            return SmtpResponse.Ok;
        }
    }
}
