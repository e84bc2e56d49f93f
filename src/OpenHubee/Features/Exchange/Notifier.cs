using Microsoft.EntityFrameworkCore;
using OpenHubee.Data;
using OpenHubee.Domain;

namespace OpenHubee.Features.Exchange;

/// <summary>
/// Creates notification rows in the same unit of work as the change that causes them (api.md §3.5).
/// An e-mail, when due, is derived from the row afterwards (outbox), so a rolled-back change never mails.
/// </summary>
public sealed class Notifier(HubDbContext db, TimeProvider clock)
{
    public const string MailPending = "PENDING";

    /// <summary>Completion: one notification per case for its recipient; cases and folder become HUBEE_NOTIFIED.</summary>
    public async Task NotifyCompletedFolderAsync(Folder folder, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        // The SI hears from the process's operator, also when the administrator created the folder for it.
        var operatorId = await db.Processes.AsNoTracking().Where(p => p.Code == folder.ProcessCode).Select(p => p.OslOrganizationId).FirstAsync(ct);
        var recipients = folder.Cases.Select(c => c.RecipientOrganizationId).Distinct().ToList();
        var subscriptions = await db.Subscriptions.AsNoTracking()
            .Where(s => s.ProcessCode == folder.ProcessCode && recipients.Contains(s.SubscriberOrganizationId) && s.Status != SubscriptionStatus.Refuse)
            .ToListAsync(ct);

        foreach (var @case in folder.Cases)
        {
            var subscription = PreferActive(subscriptions.Where(s => s.SubscriberOrganizationId == @case.RecipientOrganizationId), now);
            // The case stays bound to the channel in force now (decision 17).
            @case.AccessMode ??= subscription?.AccessMode ?? AccessMode.Portail;
            SetStatus(@case, CaseStatus.HubeeNotified, now);
            @case.TransmissionDateTime = now;
            db.Notifications.Add(new Notification
            {
                Id = Guid.NewGuid(),
                RecipientOrganizationId = @case.RecipientOrganizationId,
                TransmitterOrganizationId = operatorId,
                ProcessCode = folder.ProcessCode,
                CaseId = @case.Id,
                DateTime = now,
                MailState = IsUnitaire(subscription) ? MailPending : null,
            });
        }

        folder.GlobalStatus = CaseStatus.HubeeNotified;
        folder.UpdateDateTime = now;
    }

    /// <summary>An event for the other party (SI ↔ operator).</summary>
    public async Task NotifyEventAsync(Event ev, Case @case, Guid recipientOrganizationId, bool recipientIsSi, bool mailToSi, CancellationToken ct)
    {
        Subscription? subscription = null;
        if (recipientIsSi && mailToSi)
        {
            subscription = await db.Subscriptions.AsNoTracking()
                .FirstOrDefaultAsync(s => s.ProcessCode == @case.ProcessCode && s.SubscriberOrganizationId == recipientOrganizationId && s.Status != SubscriptionStatus.Refuse, ct);
        }

        db.Notifications.Add(new Notification
        {
            Id = Guid.NewGuid(),
            RecipientOrganizationId = recipientOrganizationId,
            TransmitterOrganizationId = ev.TransmitterOrganizationId,
            ProcessCode = @case.ProcessCode,
            CaseId = @case.Id,
            EventId = ev.Id,
            DateTime = clock.GetUtcNow(),
            MailState = IsUnitaire(subscription) ? MailPending : null,
        });
    }

    /// <summary>The acknowledgement goes back to the event's creator (SEQ-E, decision 27).</summary>
    public void NotifyReceived(Event ev, Case @case, Guid acknowledgingOrganizationId) =>
        db.Notifications.Add(new Notification
        {
            Id = Guid.NewGuid(),
            RecipientOrganizationId = ev.TransmitterOrganizationId,
            TransmitterOrganizationId = acknowledgingOrganizationId,
            ProcessCode = @case.ProcessCode,
            CaseId = @case.Id,
            EventId = ev.Id,
            DateTime = clock.GetUtcNow(),
        });

    public static void SetStatus(Case @case, string status, DateTimeOffset now)
    {
        if (@case.Status != status)
        {
            @case.Status = status;
            @case.StatusDateTime = now;
        }

        @case.UpdateDateTime = now;
        if (status == CaseStatus.Closed)
        {
            @case.CloseDateTime ??= now;
        }
    }

    private static bool IsUnitaire(Subscription? s) =>
        s is { NotificationFrequency: NotificationFrequency.Unitaire, Email: { Length: > 0 } };

    private static Subscription? PreferActive(IEnumerable<Subscription> candidates, DateTimeOffset now)
    {
        var list = candidates.ToList();
        return list.FirstOrDefault(s => SubscriptionLifecycle.StatusAt(s, now) == SubscriptionStatus.Actif) ?? list.FirstOrDefault();
    }
}
