using Microsoft.EntityFrameworkCore;
using OpenHubee.Auth;
using OpenHubee.Data;
using OpenHubee.Domain;
using OpenHubee.Mail;
using OpenHubee.Storage;

namespace OpenHubee.Jobs;

/// <summary>
/// Every scheduled unit of work, callable directly (tests) or by Quartz (JobsRegistration). Each method is
/// safe when several nodes run it at once: a unit of work is claimed in the database (unique key inserted in
/// the same SaveChanges as its effect, or a conditional UPDATE whose row count says who won).
/// </summary>
public sealed class JobRunner(
    IServiceScopeFactory scopes,
    JobOptions options,
    MailOptions mailOptions,
    IBlobStore blobs,
    TimeProvider clock,
    ILogger<JobRunner> logger)
{
    /// <summary>Everything, in the order a day would run it (tests of two nodes).</summary>
    public async Task RunAllAsync(CancellationToken ct = default)
    {
        await DigestsAsync(ct);
        await UncollectedAlertsAsync(ct);
        await AccountsAsync(ct);
        await RetentionAsync(ct);
        await CleanStagingAsync(ct);
        await SweepOrphanBlobsAsync(ct);
        await DispatchMailsAsync(ct);
    }

    public async Task<int> DispatchMailsAsync(CancellationToken ct = default)
    {
        using var scope = scopes.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<MailDispatcher>().DispatchAsync(ct: ct);
    }

    // ---------------- digests (Quotidienne, Biquotidienne) ----------------

    /// <summary>The latest slot at or before <paramref name="now"/> and the one before it, as UTC instants.</summary>
    public static (DateTimeOffset Latest, DateTimeOffset Previous) Slots(IReadOnlyList<TimeOnly> times, DateTimeOffset now)
    {
        var today = SubscriptionLifecycle.ParisDay(now);
        var all = new List<DateTimeOffset>();
        foreach (var day in new[] { today.AddDays(-2), today.AddDays(-1), today })
        {
            foreach (var time in times)
            {
                var local = DateTime.SpecifyKind(day.ToDateTime(time), DateTimeKind.Unspecified);
                all.Add(new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, SubscriptionLifecycle.Paris), TimeSpan.Zero));
            }
        }

        var past = all.Where(s => s <= now).Order().ToList();
        return (past[^1], past[^2]);
    }

    /// <summary>One digest per subscription and slot, counting the télédossiers transmitted since the previous digest.</summary>
    public async Task<int> DigestsAsync(CancellationToken ct = default)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var now = clock.GetUtcNow();
        var subscriptions = await db.Subscriptions.AsNoTracking().Include(s => s.Process)
            .Where(s => (s.NotificationFrequency == NotificationFrequency.Quotidienne || s.NotificationFrequency == NotificationFrequency.Biquotidienne)
                        && s.Email != null && s.Email != "" && s.Status != SubscriptionStatus.Refuse)
            .ToListAsync(ct);
        var mails = 0;
        foreach (var s in subscriptions)
        {
            var times = s.NotificationFrequency == NotificationFrequency.Quotidienne ? options.DailyDigestTimes : options.TwiceDailyDigestTimes;
            var (slot, previous) = Slots(times, now);
            if (await db.DigestRuns.AnyAsync(r => r.SubscriptionId == s.Id && r.SlotDateTime == slot, ct))
            {
                continue;
            }

            var last = await db.DigestRuns.Where(r => r.SubscriptionId == s.Id).OrderByDescending(r => r.SlotDateTime)
                .Select(r => (DateTimeOffset?)r.SlotDateTime).FirstOrDefaultAsync(ct);
            var from = last is { } l && l < slot ? l : previous;
            var count = await db.Cases.CountAsync(c => c.RecipientOrganizationId == s.SubscriberOrganizationId && c.ProcessCode == s.ProcessCode
                                                       && c.TransmissionDateTime > from && c.TransmissionDateTime <= slot, ct);
            db.DigestRuns.Add(new DigestRun { Id = Guid.NewGuid(), SubscriptionId = s.Id, SlotDateTime = slot, Count = count, CreateDateTime = now });
            if (count > 0)
            {
                db.MailOutbox.Add(NotificationMails.Digest(mailOptions, s.Email!, s.Process?.Name ?? s.ProcessCode, count, s.NotificationFrequency, now));
            }

            if (await TrySaveAsync(db, ct) && count > 0)
            {
                mails++;
            }
        }

        return mails;
    }

    // ---------------- uncollected-files alert (portal.md §B) ----------------

    /// <summary>Cases notified <c>UncollectedAlertDays</c> ago and still not SENT: one alert per case, never repeated.</summary>
    public async Task<int> UncollectedAlertsAsync(CancellationToken ct = default)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var now = clock.GetUtcNow();
        var cutoff = now.AddDays(-options.UncollectedAlertDays);
        var cases = await db.Cases.AsNoTracking()
            .Where(c => c.Status == CaseStatus.HubeeNotified && c.StatusDateTime != null && c.StatusDateTime <= cutoff)
            .Select(c => new { c.Id, c.ExternalId, c.RecipientOrganizationId, c.ProcessCode })
            .ToListAsync(ct);
        var keys = cases.Select(c => ClaimKey(c.Id)).ToList();
        var claimed = (await db.JobClaims.AsNoTracking().Where(j => keys.Contains(j.Key)).Select(j => j.Key).ToListAsync(ct)).ToHashSet();
        var mails = 0;
        foreach (var group in cases.Where(c => !claimed.Contains(ClaimKey(c.Id))).GroupBy(c => (c.RecipientOrganizationId, c.ProcessCode)))
        {
            var (organizationId, processCode) = group.Key;
            var subscription = await db.Subscriptions.AsNoTracking().Include(s => s.Process)
                .Where(s => s.SubscriberOrganizationId == organizationId && s.ProcessCode == processCode && s.Status != SubscriptionStatus.Refuse)
                .FirstOrDefaultAsync(ct);
            var admins = await db.Users.AsNoTracking()
                .Where(u => u.OrganizationId == organizationId && u.ActorType == PortalActorType.LocalAdministrator && u.IsActive && u.Email != null)
                .Select(u => u.Email!).ToListAsync(ct);
            var recipients = admins.Prepend(subscription?.Email).Where(e => !string.IsNullOrWhiteSpace(e))
                .Distinct(StringComparer.OrdinalIgnoreCase).ToList();
            var numbers = group.Select(c => c.ExternalId).Order(StringComparer.Ordinal).ToList();
            var processName = subscription?.Process?.Name ?? await db.Processes.Where(p => p.Code == processCode).Select(p => p.Name).FirstOrDefaultAsync(ct) ?? processCode;
            foreach (var c in group)
            {
                db.JobClaims.Add(new JobClaim { Key = ClaimKey(c.Id), ClaimDateTime = now });
            }

            foreach (var to in recipients)
            {
                db.MailOutbox.Add(NotificationMails.Uncollected(mailOptions, to!, processName, numbers, options.UncollectedAlertDays, now));
            }

            if (await TrySaveAsync(db, ct))
            {
                mails += recipients.Count;
            }
        }

        return mails;

        static string ClaimKey(Guid caseId) => $"uncollected:{caseId:N}";
    }

    // ---------------- portal accounts (portal.md §C 4.7) ----------------

    /// <summary>Reminders at 60 and 90 days without login, deactivation at 120 days.</summary>
    public async Task<int> AccountsAsync(CancellationToken ct = default)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var audit = scope.ServiceProvider.GetRequiredService<AuditLog>();
        var now = clock.GetUtcNow();
        var firstCutoff = now.AddDays(-options.FirstInactivityReminderDays);
        var users = await db.Users.AsNoTracking()
            .Where(u => u.IsActive && ((u.LastLoginDateTime != null && u.LastLoginDateTime <= firstCutoff) || (u.LastLoginDateTime == null && u.CreateDateTime <= firstCutoff)))
            .ToListAsync(ct);
        var actions = 0;
        foreach (var user in users)
        {
            var since = user.LastLoginDateTime ?? user.CreateDateTime;
            var days = (int)(now - since).TotalDays;
            if (days >= options.DeactivationDays)
            {
                var lastLogin = user.LastLoginDateTime;
                var done = await db.Users.Where(u => u.Id == user.Id && u.IsActive && u.LastLoginDateTime == lastLogin)
                    .ExecuteUpdateAsync(s => s.SetProperty(u => u.IsActive, false).SetProperty(u => u.ConcurrencyStamp, Guid.NewGuid().ToString()), ct);
                if (done == 1)
                {
                    audit.Add(user.OrganizationId, "system", "ACCOUNT_DEACTIVATED", user.Email, $"no login for {days} days");
                    await db.SaveChangesAsync(ct);
                    actions++;
                }

                continue;
            }

            if (user.Email is null)
            {
                continue;
            }

            var threshold = days >= options.SecondInactivityReminderDays ? options.SecondInactivityReminderDays : options.FirstInactivityReminderDays;
            // The key names the inactivity period (its start), so a new login starts new reminders.
            var key = $"inactivity{threshold}:{user.Id:N}:{since.UtcTicks}";
            if (await db.JobClaims.AnyAsync(j => j.Key == key, ct))
            {
                continue;
            }

            db.JobClaims.Add(new JobClaim { Key = key, ClaimDateTime = now });
            db.MailOutbox.Add(NotificationMails.Inactivity(mailOptions, user, threshold, options.DeactivationDays, now));
            if (await TrySaveAsync(db, ct))
            {
                actions++;
            }
        }

        return actions;
    }

    /// <summary>True when the password is older than the lifetime (6 months): the next login must change it.</summary>
    public static bool PasswordExpired(PortalUser user, DateTimeOffset now, int lifetimeMonths) =>
        user.PasswordHash is not null && (user.PasswordChangedDateTime ?? user.CreateDateTime).AddMonths(lifetimeMonths) <= now;

    // ---------------- retention (api.md §3.6) ----------------

    /// <summary>Archiving, folder deletion and binary purge, per process.</summary>
    public async Task<(int Archived, int FoldersDeleted, int BinariesPurged)> RetentionAsync(CancellationToken ct = default)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var now = clock.GetUtcNow();
        var processes = await db.Processes.AsNoTracking().ToListAsync(ct);
        int archived = 0, deleted = 0;
        foreach (var process in processes)
        {
            if (process.TimeBeforeArchiving > 0)
            {
                archived += await ArchiveAsync(db, process, now, ct);
            }

            if (process.TimeBeforeFolderDeletion > 0)
            {
                deleted += await DeleteFoldersAsync(db, process, now, ct);
            }
        }

        return (archived, deleted, await PurgeBinariesAsync(db, now, ct));
    }

    private static async Task<int> ArchiveAsync(HubDbContext db, Process process, DateTimeOffset now, CancellationToken ct)
    {
        var cutoff = now.AddDays(-process.TimeBeforeArchiving);
        var ids = await db.Cases.Where(c => c.ProcessCode == process.Code && c.Status == CaseStatus.Closed && c.StatusDateTime != null && c.StatusDateTime <= cutoff)
            .Select(c => c.Id).ToListAsync(ct);
        if (ids.Count == 0)
        {
            return 0;
        }

        // Archived cases lose their binaries: their links become purgeable now (the purge below deletes them).
        await db.CaseAttachments.Where(l => ids.Contains(l.CaseId) && l.PurgeState == "TO_DOWNLOAD")
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.PurgeState, "TO_DELETE").SetProperty(l => l.PurgeAfter, now), ct);
        await db.CaseAttachments.Where(l => ids.Contains(l.CaseId) && l.PurgeState == "TO_DELETE" && l.PurgeAfter > now)
            .ExecuteUpdateAsync(s => s.SetProperty(l => l.PurgeAfter, now), ct);
        var count = await db.Cases.Where(c => ids.Contains(c.Id) && c.Status == CaseStatus.Closed)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.Status, CaseStatus.Archived).SetProperty(c => c.StatusDateTime, now).SetProperty(c => c.UpdateDateTime, now), ct);
        var folderIds = await db.Cases.Where(c => ids.Contains(c.Id)).Select(c => c.FolderId).Distinct().ToListAsync(ct);
        await db.Folders.Where(f => folderIds.Contains(f.Id) && f.GlobalStatus != CaseStatus.Archived && f.Cases.All(c => c.Status == CaseStatus.Archived))
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.GlobalStatus, CaseStatus.Archived).SetProperty(f => f.UpdateDateTime, now), ct);
        return count;
    }

    private async Task<int> DeleteFoldersAsync(HubDbContext db, Process process, DateTimeOffset now, CancellationToken ct)
    {
        var cutoff = now.AddDays(-process.TimeBeforeFolderDeletion);
        var folders = await db.Folders.Where(f => f.ProcessCode == process.Code && f.Cases.Any()
                                                  && f.Cases.All(c => c.Status == CaseStatus.Archived && c.StatusDateTime != null && c.StatusDateTime <= cutoff))
            .Select(f => f.Id).ToListAsync(ct);
        var count = 0;
        foreach (var folderId in folders)
        {
            var caseIds = await db.Cases.Where(c => c.FolderId == folderId).Select(c => c.Id).ToListAsync(ct);
            var keys = await db.Attachments.Where(a => a.BlobKey != null && (a.FolderId == folderId || db.Events.Any(e => e.Id == a.EventId && caseIds.Contains(e.CaseId))))
                .Select(a => a.BlobKey!).ToListAsync(ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await db.Notifications.Where(n => n.CaseId != null && caseIds.Contains(n.CaseId.Value)).ExecuteDeleteAsync(ct);
            await db.Attachments.Where(a => db.Events.Any(e => e.Id == a.EventId && caseIds.Contains(e.CaseId))).ExecuteDeleteAsync(ct);
            var removed = await db.Folders.Where(f => f.Id == folderId).ExecuteDeleteAsync(ct);
            await transaction.CommitAsync(ct);
            if (removed == 1)
            {
                foreach (var key in keys)
                {
                    await blobs.DeleteAsync(key, ct);
                }

                count++;
                logger.LogInformation("Folder {FolderId} of {Process} deleted after {Days} days in ARCHIVED", folderId, process.Code, process.TimeBeforeFolderDeletion);
            }
        }

        return count;
    }

    private async Task<int> PurgeBinariesAsync(HubDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        // An attachment goes only when all its links are TO_DELETE and past their date (api.md §3.6).
        var due = await db.Attachments
            .Where(a => a.Status != AttachmentStatus.Deleted
                        && db.CaseAttachments.Any(l => l.AttachmentId == a.Id)
                        && !db.CaseAttachments.Any(l => l.AttachmentId == a.Id && (l.PurgeState != "TO_DELETE" || l.PurgeAfter == null || l.PurgeAfter > now)))
            .Select(a => new { a.Id, a.BlobKey }).ToListAsync(ct);
        var count = 0;
        foreach (var a in due)
        {
            // The blob first: deleting it twice is harmless, a DELETED row with its blob left would not be.
            if (a.BlobKey is not null)
            {
                await blobs.DeleteAsync(a.BlobKey, ct);
            }

            var done = await db.Attachments.Where(x => x.Id == a.Id && x.Status != AttachmentStatus.Deleted)
                .ExecuteUpdateAsync(s => s.SetProperty(x => x.Status, AttachmentStatus.Deleted), ct);
            await db.CaseAttachments.Where(l => l.AttachmentId == a.Id).ExecuteUpdateAsync(s => s.SetProperty(l => l.PurgeState, "DELETED"), ct);
            count += done;
        }

        return count;
    }

    // ---------------- housekeeping ----------------

    /// <summary>
    /// Staging older than a day is what interrupted uploads left (a local staging file, an S3 multipart upload
    /// never completed); each store knows its own. Safe on several nodes: removing twice is harmless.
    /// </summary>
    public Task<int> CleanStagingAsync(CancellationToken ct = default) =>
        blobs.CleanStagingAsync(clock.GetUtcNow().Subtract(options.StagingMaxAge), ct);

    /// <summary>
    /// Committed blobs that no attachment references: what a crash between storing the bytes and recording them
    /// leaves (quality target R1), or a deletion interrupted after its database change. Once a day for the cluster;
    /// only blobs older than the staging age are considered, so an upload being recorded right now is never taken.
    /// Returns how many blobs were deleted, or null when another node has the day's run.
    /// </summary>
    public async Task<int?> SweepOrphanBlobsAsync(CancellationToken ct = default)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var now = clock.GetUtcNow();
        if (!await TryClaimDayAsync(db, "sweep-blobs", now, ct))
        {
            return null;
        }

        var cutoff = now.Subtract(options.StagingMaxAge);
        var deleted = 0;
        var batch = new List<string>(500);
        async Task FlushAsync()
        {
            var referenced = await db.Attachments.AsNoTracking().Where(a => a.BlobKey != null && batch.Contains(a.BlobKey))
                .Select(a => a.BlobKey!).ToListAsync(ct);
            foreach (var orphan in batch.Except(referenced, StringComparer.Ordinal))
            {
                await blobs.DeleteAsync(orphan, ct);
                deleted++;
            }

            batch.Clear();
        }

        await foreach (var blob in blobs.ListAsync(ct))
        {
            if (blob.LastModified < cutoff)
            {
                batch.Add(blob.Key);
                if (batch.Count == 500)
                {
                    await FlushAsync();
                }
            }
        }

        if (batch.Count > 0)
        {
            await FlushAsync();
        }

        logger.LogInformation("Orphan blob sweep: {Deleted} blobs without an attachment deleted", deleted);
        return deleted;
    }

    /// <summary>Claims today's (Paris) run of a daily job for the cluster; false when it already ran or another node has it.</summary>
    private static async Task<bool> TryClaimDayAsync(HubDbContext db, string job, DateTimeOffset now, CancellationToken ct)
    {
        var key = $"{job}:{SubscriptionLifecycle.ParisDay(now):yyyy-MM-dd}";
        if (await db.JobClaims.AnyAsync(j => j.Key == key, ct))
        {
            return false;
        }

        db.JobClaims.Add(new JobClaim { Key = key, ClaimDateTime = now });
        return await TrySaveAsync(db, ct);
    }

    /// <summary>Saves the claim with its effects; false when another node claimed the same unit first.</summary>
    private static async Task<bool> TrySaveAsync(HubDbContext db, CancellationToken ct)
    {
        try
        {
            await db.SaveChangesAsync(ct);
            return true;
        }
        catch (DbUpdateException)
        {
            db.ChangeTracker.Clear();
            return false;
        }
    }
}
