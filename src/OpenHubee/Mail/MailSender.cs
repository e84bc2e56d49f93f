using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;
using MimeKit.Text;
using OpenHubee.Hosting;

namespace OpenHubee.Mail;

/// <summary>An e-mail as the hub writes it: one recipient, French text, an optional HTML twin.</summary>
public sealed record OutgoingMail(string To, string? ToName, string Subject, string TextBody, string? HtmlBody = null);

/// <summary>The mail seam: an SMTP relay at scale, a folder of .eml files in the embedded default.</summary>
public interface IMailSender
{
    Task SendAsync(OutgoingMail mail, CancellationToken ct = default);
}

/// <summary>Mail settings (section OpenHubee:Smtp, plus OpenHubee:PublicBaseUrl for the links mails carry).</summary>
public sealed class MailOptions
{
    public const string DefaultSender = "ne-pas-repondre@openhubee.local";

    /// <summary>No host means no relay: mails are written to HubOptions.MailDirectory.</summary>
    public string? Host { get; init; }
    public int Port { get; init; } = 25;
    /// <summary>MailKit's SecureSocketOptions: None, Auto, SslOnConnect, StartTls, StartTlsWhenAvailable.</summary>
    public SecureSocketOptions Security { get; init; } = SecureSocketOptions.Auto;
    public string? User { get; init; }
    public string? Password { get; init; }
    public string Sender { get; init; } = DefaultSender;
    public string SenderName { get; init; } = "OpenHubEE";
    public Uri PublicBaseUrl { get; init; } = new("http://localhost:5080/");

    public static MailOptions From(IConfiguration configuration)
    {
        var smtp = configuration.GetSection("OpenHubee:Smtp");
        var security = smtp["Security"];
        var baseUrl = configuration["OpenHubee:PublicBaseUrl"];
        return new MailOptions
        {
            Host = string.IsNullOrWhiteSpace(smtp["Host"]) ? null : smtp["Host"]!.Trim(),
            Port = smtp.GetValue("Port", 25),
            Security = string.IsNullOrWhiteSpace(security) ? SecureSocketOptions.Auto
                : Enum.TryParse<SecureSocketOptions>(security, ignoreCase: true, out var parsed) ? parsed
                : throw new InvalidOperationException($"OpenHubee:Smtp:Security '{security}' is not one of {string.Join(", ", Enum.GetNames<SecureSocketOptions>())}."),
            User = string.IsNullOrWhiteSpace(smtp["User"]) ? null : smtp["User"],
            Password = smtp["Password"],
            Sender = string.IsNullOrWhiteSpace(smtp["Sender"]) ? DefaultSender : smtp["Sender"]!.Trim(),
            SenderName = smtp["SenderName"] ?? "OpenHubEE",
            // A trailing slash makes relative links resolve under a path prefix (reverse proxy).
            PublicBaseUrl = new Uri(string.IsNullOrWhiteSpace(baseUrl) ? "http://localhost:5080/" : baseUrl.TrimEnd('/') + "/"),
        };
    }

    /// <summary>An absolute link for a mail, e.g. Link("compte/mot-de-passe?…").</summary>
    public string Link(string relative) => new Uri(PublicBaseUrl, relative.TrimStart('/')).AbsoluteUri;

    internal MimeMessage Compose(OutgoingMail mail, DateTimeOffset now)
    {
        var message = new MimeMessage { Subject = mail.Subject, Date = now };
        message.From.Add(new MailboxAddress(SenderName, Sender));
        message.To.Add(new MailboxAddress(mail.ToName ?? "", mail.To));
        // 8bit keeps the .eml readable in a text editor and the link on one line; MailKit
        // re-encodes on the wire if a relay lacks 8BITMIME.
        var text = new TextPart(TextFormat.Plain) { Text = mail.TextBody, ContentTransferEncoding = ContentEncoding.EightBit };
        if (mail.HtmlBody is null)
        {
            message.Body = text;
        }
        else
        {
            var html = new TextPart(TextFormat.Html) { Text = mail.HtmlBody, ContentTransferEncoding = ContentEncoding.EightBit };
            message.Body = new MultipartAlternative { text, html };
        }

        return message;
    }
}

/// <summary>The embedded default: each mail becomes an .eml file that a newcomer can open and follow.</summary>
public sealed class FileMailSender(MailOptions options, HubOptions hub, TimeProvider clock, ILogger<FileMailSender> logger) : IMailSender
{
    public async Task SendAsync(OutgoingMail mail, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var message = options.Compose(mail, now);
        Directory.CreateDirectory(hub.MailDirectory);
        var name = $"{now:yyyyMMdd-HHmmss}-{Guid.NewGuid():N}.eml";
        var temporary = Path.Combine(hub.MailDirectory, "." + name + ".tmp");
        // Written aside then renamed, so a reader (or a test) never sees half a mail.
        await using (var stream = File.Create(temporary))
        {
            await message.WriteToAsync(stream, ct);
        }

        File.Move(temporary, Path.Combine(hub.MailDirectory, name));
        logger.LogInformation("Mail « {Subject} » to {To} written to {File}", mail.Subject, mail.To, name);
    }
}

/// <summary>Any SMTP relay, through MailKit; one connection per mail keeps every node stateless.</summary>
public sealed class SmtpMailSender(MailOptions options, TimeProvider clock, ILogger<SmtpMailSender> logger) : IMailSender
{
    public async Task SendAsync(OutgoingMail mail, CancellationToken ct = default)
    {
        var message = options.Compose(mail, clock.GetUtcNow());
        using var client = new SmtpClient { Timeout = 30_000 };
        await client.ConnectAsync(options.Host!, options.Port, options.Security, ct);
        if (options.User is not null)
        {
            await client.AuthenticateAsync(options.User, options.Password ?? "", ct);
        }

        await client.SendAsync(message, ct);
        await client.DisconnectAsync(quit: true, ct);
        logger.LogInformation("Mail « {Subject} » sent to {To} through {Host}", mail.Subject, mail.To, options.Host);
    }
}

public static class MailRegistration
{
    public static IServiceCollection AddMail(this IServiceCollection services, IConfiguration configuration)
    {
        var options = MailOptions.From(configuration);
        services.AddSingleton(options);
        if (options.Host is null)
        {
            services.AddSingleton<IMailSender, FileMailSender>();
        }
        else
        {
            services.AddSingleton<IMailSender, SmtpMailSender>();
        }

        return services;
    }
}
