using Microsoft.EntityFrameworkCore;
using OpenHubee.Data;
using OpenHubee.Features.Exchange;
using OpenHubee.Mail;

namespace OpenHubee.Jobs;

/// <summary>
/// Sends the outbox. Each row is claimed with one conditional UPDATE (lease), so that several nodes never
/// send the same mail together; a failure releases the row with a doubling delay, so nothing is lost.
/// A node that dies between the relay's acceptance and the SENT mark would let the lease expire and the
/// mail be sent again: at-least-once is the best any SMTP outbox can do.
/// </summary>
public sealed class MailDispatcher(HubDbContext db, IMailSender sender, JobOptions options, TimeProvider clock, ILogger<MailDispatcher> logger)
{
    /// <summary>Who holds a lease: one id per dispatcher (one per run), so two nodes never share one.</summary>
    private readonly string Node = Guid.NewGuid().ToString("N");

    /// <summary>Sends what is due; returns the number of mails sent.</summary>
    public async Task<int> DispatchAsync(int batch = 100, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var due = await db.MailOutbox.AsNoTracking()
            .Where(m => m.State == MailOutboxState.Pending && m.NextAttemptDateTime <= now && (m.LeaseUntil == null || m.LeaseUntil <= now))
            .OrderBy(m => m.NextAttemptDateTime).Select(m => m.Id).Take(batch).ToListAsync(ct);
        var sent = 0;
        foreach (var id in due)
        {
            var lease = now.Add(options.MailLease);
            var claimed = await db.MailOutbox
                .Where(m => m.Id == id && m.State == MailOutboxState.Pending && m.NextAttemptDateTime <= now && (m.LeaseUntil == null || m.LeaseUntil <= now))
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.LeaseUntil, lease).SetProperty(m => m.LeaseOwner, Node), ct);
            if (claimed != 1)
            {
                continue; // another node has it
            }

            var mail = await db.MailOutbox.AsNoTracking().SingleAsync(m => m.Id == id, ct);
            try
            {
                await sender.SendAsync(new OutgoingMail(mail.To, mail.ToName, mail.Subject, mail.TextBody), ct);
            }
#pragma warning disable CA1031 // any failure of the relay is retried later
            catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
#pragma warning restore CA1031
            {
                var attempts = mail.Attempts + 1;
                var delay = TimeSpan.FromTicks(Math.Min(options.MailRetryMax.Ticks, options.MailRetryBase.Ticks * (1L << Math.Min(attempts - 1, 20))));
                var next = clock.GetUtcNow().Add(delay);
                var error = e.Message.Length > 500 ? e.Message[..500] : e.Message;
                await db.MailOutbox.Where(m => m.Id == id && m.LeaseOwner == Node)
                    .ExecuteUpdateAsync(s => s.SetProperty(m => m.Attempts, attempts).SetProperty(m => m.NextAttemptDateTime, next)
                        .SetProperty(m => m.LeaseUntil, (DateTimeOffset?)null).SetProperty(m => m.LeaseOwner, (string?)null)
                        .SetProperty(m => m.LastError, error), CancellationToken.None);
                logger.LogWarning(e, "Mail « {Subject} » to {To} failed (attempt {Attempts}); next try at {Next:O}", mail.Subject, mail.To, attempts, next);
                continue;
            }

            var sentAt = clock.GetUtcNow();
            await db.MailOutbox.Where(m => m.Id == id)
                .ExecuteUpdateAsync(s => s.SetProperty(m => m.State, MailOutboxState.Sent).SetProperty(m => m.SentDateTime, sentAt)
                    .SetProperty(m => m.Attempts, mail.Attempts + 1).SetProperty(m => m.LeaseUntil, (DateTimeOffset?)null), CancellationToken.None);
            if (mail.NotificationId is { } notificationId)
            {
                // The notification may have been deleted by its SI meanwhile: then there is nothing to mark.
                await db.Notifications.Where(n => n.Id == notificationId && n.MailState == Notifier.MailPending)
                    .ExecuteUpdateAsync(s => s.SetProperty(n => n.MailState, MailOutboxState.Sent), CancellationToken.None);
            }

            sent++;
        }

        return sent;
    }
}
