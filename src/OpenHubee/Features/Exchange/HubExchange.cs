using Microsoft.EntityFrameworkCore;
using OpenHubee.Api;
using OpenHubee.Auth;
using OpenHubee.Data;
using OpenHubee.Domain;
using OpenHubee.Storage;

namespace OpenHubee.Features.Exchange;

/// <summary>
/// The exchange of télédossiers between operators and instructing services. The API endpoints and the
/// portal both call these operations, so that the same action produces the same events and notifications.
/// </summary>
public sealed class HubExchange(HubDbContext db, Notifier notifier, IBlobStore blobs, TimeProvider clock, ILogger<HubExchange> logger)
{
    public const long AbsoluteMaxAttachmentSize = 1L << 30;

    // ---------------- folders ----------------

    public async Task<Folder> CreateFolderAsync(ApiCaller caller, NewFolderRequest request, string path, CancellationToken ct)
    {
        var missing = new List<string>();
        if (request.Applicant is null) missing.Add("applicant");
        if (request.Attachments is null) missing.Add("attachments");
        if (request.Cases is null) missing.Add("cases");
        if (string.IsNullOrEmpty(request.ExternalId)) missing.Add("externalId");
        if (string.IsNullOrEmpty(request.ProcessCode)) missing.Add("processCode");
        if (missing.Count > 0)
        {
            throw MissingProperties("POST", path, "body", missing);
        }

        if (string.IsNullOrEmpty(request.Applicant!.FirstName) || string.IsNullOrEmpty(request.Applicant.LastName))
        {
            var names = new List<string>();
            if (string.IsNullOrEmpty(request.Applicant.FirstName)) names.Add("firstName");
            if (string.IsNullOrEmpty(request.Applicant.LastName)) names.Add("lastName");
            throw MissingProperties("POST", path, "body.applicant", names);
        }

        Require(request.ExternalId!.Length <= 30, "externalId is longer than 30 characters");
        Require(request.ProcessCode!.Length <= 30, "processCode is longer than 30 characters");
        Require(request.Applicant.FirstName.Length <= 255 && request.Applicant.LastName.Length <= 255, "applicant names are longer than 255 characters");
        Require(request.Applicant.Email is null || (request.Applicant.Email.Length <= 320 && request.Applicant.Email.Contains('@', StringComparison.Ordinal)), "applicant email is not a valid email");
        Require(request.Cases!.Count >= 1, "a folder needs at least one case");
        Require(request.Attachments!.Count >= 1, "a folder needs at least one attachment");

        var process = await db.Processes.AsNoTracking().FirstOrDefaultAsync(p => p.Code == request.ProcessCode, ct)
            ?? throw new ApiException(400, $"Process {request.ProcessCode} does not exist");
        HubAccess.EnsureSeeFolder(caller, process.OslOrganizationId);
        Require(process.IsActivated, $"Process {process.Code} is not activated");

        var now = clock.GetUtcNow();
        var folder = new Folder
        {
            Id = Guid.NewGuid(),
            ProcessCode = process.Code,
            ExternalId = request.ExternalId,
            TransmitterOrganizationId = caller.OrganizationId,
            ApplicantFirstName = request.Applicant.FirstName,
            ApplicantLastName = request.Applicant.LastName,
            ApplicantEmail = request.Applicant.Email,
            CreateDateTime = now,
            CloseDateTime = request.CloseDateTime,
            EditorName = caller.PartnerInfo?.EditorName,
            ApplicationName = caller.PartnerInfo?.ApplicationName,
            SoftwareVersion = caller.PartnerInfo?.SoftwareVersion,
        };

        var casesByExternalId = new Dictionary<string, Case>(StringComparer.Ordinal);
        for (var i = 0; i < request.Cases.Count; i++)
        {
            var c = request.Cases[i];
            if (c?.Recipient is null || string.IsNullOrEmpty(c.ExternalId))
            {
                throw MissingProperties("POST", path, $"body.cases[{i}]", [.. c?.Recipient is null ? ["recipient"] : Array.Empty<string>(), .. string.IsNullOrEmpty(c?.ExternalId) ? ["externalId"] : Array.Empty<string>()]);
            }

            Require(c.ExternalId.Length <= 100, "case externalId is longer than 100 characters");
            Require(c.PartnerAttributes is null || c.PartnerAttributes.Length <= 1024, "partnerAttributes is longer than 1024 characters");
            Require(!casesByExternalId.ContainsKey(c.ExternalId), $"case externalId {c.ExternalId} is declared twice");
            var recipient = await FindOrganizationAsync(c.Recipient, ct)
                ?? throw new ApiException(400, ApiMessages.RecipientDoesNotExist(c.Recipient.ToString()));
            var subscribed = await db.Subscriptions.AsNoTracking()
                .Where(s => s.SubscriberOrganizationId == recipient.Id && s.ProcessCode == process.Code)
                .Where(SubscriptionLifecycle.IsActiveAt(now))
                .AnyAsync(ct);
            if (!subscribed)
            {
                throw new ApiException(400, ApiMessages.RecipientNotSubscribed(recipient.Identifier, process.Code));
            }

            var @case = new Case
            {
                Id = Guid.NewGuid(),
                FolderId = folder.Id,
                Position = i,
                ProcessCode = process.Code,
                RecipientOrganizationId = recipient.Id,
                Recipient = recipient,
                ExternalId = c.ExternalId,
                ApplicantFirstName = folder.ApplicantFirstName,
                ApplicantLastName = folder.ApplicantLastName,
                PartnerAttributes = c.PartnerAttributes,
                CreateDateTime = now,
                StatusDateTime = now,
            };
            casesByExternalId.Add(c.ExternalId, @case);
            folder.Cases.Add(@case);
        }

        for (var i = 0; i < request.Attachments.Count; i++)
        {
            var a = request.Attachments[i];
            var attachment = NewAttachment(a, process, process.AttachmentFormatsEnabled, path, $"body.attachments[{i}]", requireRecipients: true, now);
            attachment.FolderId = folder.Id;
            attachment.Position = i;
            folder.Attachments.Add(attachment);
            foreach (var recipientExternalId in a!.Recipients!)
            {
                if (!casesByExternalId.TryGetValue(recipientExternalId, out var target))
                {
                    throw new ApiException(400, $"Attachment recipient {recipientExternalId} is not a case of this folder");
                }

                if (target.Attachments.All(l => l.AttachmentId != attachment.Id))
                {
                    target.Attachments.Add(new CaseAttachment { CaseId = target.Id, AttachmentId = attachment.Id, Attachment = attachment });
                }
            }
        }

        db.Folders.Add(folder);
        await db.SaveChangesAsync(ct);
        return folder;
    }

    public async Task UpdateFolderAsync(ApiCaller caller, Guid folderId, FolderUpdateRequest request, CancellationToken ct)
    {
        var folder = await LoadFolderAsync(folderId, ct);
        var status = request.GlobalStatus;
        if (status is null || status.Length > 50 || !CaseRules.FolderStatuses.Contains(status))
        {
            throw new ApiException(400, ApiMessages.BadRequest);
        }

        var now = clock.GetUtcNow();
        switch (status)
        {
            case CaseStatus.HubeeCompleted:
                // Completion happens once, from HUBEE_RECEIVED, and only when every binary has arrived:
                // a case must never reach an SI with a file it cannot download (decision 22).
                if (folder.GlobalStatus != CaseStatus.HubeeReceived)
                {
                    throw new ApiException(400, ApiMessages.BadRequest);
                }

                if (folder.Attachments.Any(a => a.Status == AttachmentStatus.Pending))
                {
                    throw new ApiException(400, "Attachments are still PENDING: upload every binary before completing the folder");
                }

                folder.GlobalStatus = CaseStatus.HubeeCompleted;
                await notifier.NotifyCompletedFolderAsync(folder, ct);
                break;
            case CaseStatus.HubeeReceived:
                throw new ApiException(400, ApiMessages.BadRequest);
            default:
                if (folder.GlobalStatus == CaseStatus.HubeeReceived)
                {
                    // Before completion nothing was transmitted: only completion (or deletion) makes sense.
                    throw new ApiException(400, ApiMessages.BadRequest);
                }

                folder.GlobalStatus = status;
                break;
        }

        if (request.CloseDateTime is { } close)
        {
            folder.CloseDateTime = close.ToUniversalTime();
        }
        else if (status == CaseStatus.Closed)
        {
            folder.CloseDateTime ??= now;
        }

        folder.UpdateDateTime = now;
        await db.SaveChangesAsync(ct);

        async Task<Folder> LoadFolderAsync(Guid id, CancellationToken token)
        {
            var f = await db.Folders.Include(x => x.Cases).Include(x => x.Attachments).FirstOrDefaultAsync(x => x.Id == id, token)
                ?? throw new ApiException(404, ApiMessages.FolderNotFound);
            HubAccess.EnsureSeeFolder(caller, await OslOfAsync(f.ProcessCode, token));
            return f;
        }
    }

    public async Task DeleteFolderAsync(ApiCaller caller, Guid folderId, CancellationToken ct)
    {
        var folder = await db.Folders.Include(f => f.Attachments).Include(f => f.Cases).FirstOrDefaultAsync(f => f.Id == folderId, ct)
            ?? throw new ApiException(404, ApiMessages.FolderNotFound);
        HubAccess.EnsureSeeFolder(caller, await OslOfAsync(folder.ProcessCode, ct));
        var caseIds = folder.Cases.Select(c => c.Id).ToList();
        if (folder.GlobalStatus != CaseStatus.HubeeReceived
            || await db.Events.AnyAsync(e => caseIds.Contains(e.CaseId), ct)
            || await db.Notifications.AnyAsync(n => n.CaseId != null && caseIds.Contains(n.CaseId.Value), ct))
        {
            throw new ApiException(400, ApiMessages.BadRequest);
        }

        var keys = folder.Attachments.Where(a => a.BlobKey is not null).Select(a => a.BlobKey!).ToList();
        db.Folders.Remove(folder);
        await db.SaveChangesAsync(ct);
        foreach (var key in keys)
        {
            await blobs.DeleteAsync(key, CancellationToken.None);
        }
    }

    // ---------------- cases ----------------

    public async Task<(Case Case, Folder Folder, Guid OslId)> LoadCaseAsync(ApiCaller caller, Guid caseId, bool forChange, CancellationToken ct)
    {
        var @case = await db.Cases.Include(c => c.Folder).Include(c => c.Recipient).FirstOrDefaultAsync(c => c.Id == caseId, ct)
            ?? throw new ApiException(404, ApiMessages.CaseNotFound);
        var oslId = await OslOfAsync(@case.ProcessCode, ct);
        if (forChange)
        {
            HubAccess.EnsureChangeCase(caller, @case, oslId);
        }
        else
        {
            HubAccess.EnsureSeeCase(caller, @case, oslId);
        }

        return (@case, @case.Folder!, oslId);
    }

    /// <summary>PATCH /cases/{id}: changes the status and notifies nobody (api.md §3.1, decision 3).</summary>
    public async Task UpdateCaseStatusAsync(ApiCaller caller, Guid caseId, string? status, CancellationToken ct)
    {
        if (status is null || status.Length > 50)
        {
            throw new ApiException(400, ApiMessages.BadRequest);
        }

        var (@case, _, _) = await LoadCaseAsync(caller, caseId, forChange: true, ct);
        var process = await db.Processes.AsNoTracking().FirstAsync(p => p.Code == @case.ProcessCode, ct);
        ApplyStatus(caller, @case, status, process);
        await db.SaveChangesAsync(ct);
    }

    private void ApplyStatus(ApiCaller caller, Case @case, string requested, Process process)
    {
        CaseRules.EnsureAllowed(caller.Scope, @case.Status, requested, process);
        var effective = CaseRules.Effective(requested);
        Notifier.SetStatus(@case, effective, clock.GetUtcNow());
        if (effective == process.StatusBeforeFileDeletion)
        {
            StartBinaryPurgeTimer(@case, process);
        }
    }

    /// <summary>Reaching the process's statusBeforeFileDeletion schedules the case's binaries for purge (api.md §3.6).</summary>
    private void StartBinaryPurgeTimer(Case @case, Process process)
    {
        var after = clock.GetUtcNow().AddDays(process.TimeBeforeFileDeletion + 1);
        db.CaseAttachments.Where(l => l.CaseId == @case.Id && l.PurgeState == "TO_DOWNLOAD")
            .ExecuteUpdate(s => s.SetProperty(l => l.PurgeState, "TO_DELETE").SetProperty(l => l.PurgeAfter, after));
    }

    public async Task<int> MigrateCasesAsync(ApiCaller caller, MigrateRequest request, CancellationToken ct)
    {
        if (request.OrganizationSource is null || request.OrganizationTarget is null)
        {
            throw new ApiException(400, ApiMessages.BadRequest);
        }

        var source = await FindOrganizationAsync(request.OrganizationSource, ct) ?? throw new ApiException(404, ApiMessages.OrganizationNotFound);
        var target = await FindOrganizationAsync(request.OrganizationTarget, ct) ?? throw new ApiException(404, ApiMessages.OrganizationNotFound);
        if (!caller.IsAdmin && !(caller.IsSi && source.Id == caller.OrganizationId))
        {
            throw new ApiException(403, ApiMessages.UnauthorizedUser);
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var cases = db.Cases.Where(c => c.RecipientOrganizationId == source.Id);
        if (caller.IsSi)
        {
            cases = cases.Where(c => c.ProcessCode == caller.ProcessCode);
        }

        var caseIds = await cases.Select(c => c.Id).ToListAsync(ct);
        var moved = await db.Cases.Where(c => caseIds.Contains(c.Id)).ExecuteUpdateAsync(s => s.SetProperty(c => c.RecipientOrganizationId, target.Id), ct);
        await db.Events.Where(e => caseIds.Contains(e.CaseId) && e.TransmitterOrganizationId == source.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(e => e.TransmitterOrganizationId, target.Id), ct);
        await db.Notifications.Where(n => n.CaseId != null && caseIds.Contains(n.CaseId.Value) && n.RecipientOrganizationId == source.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.RecipientOrganizationId, target.Id), ct);
        await db.Notifications.Where(n => n.CaseId != null && caseIds.Contains(n.CaseId.Value) && n.TransmitterOrganizationId == source.Id)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.TransmitterOrganizationId, target.Id), ct);
        await tx.CommitAsync(ct);
        return moved;
    }

    // ---------------- events ----------------

    public async Task<(Event Event, Case Case)> CreateEventAsync(ApiCaller caller, Guid caseId, NewEventRequest request, string path, CancellationToken ct)
    {
        var (@case, _, oslId) = await LoadCaseAsync(caller, caseId, forChange: true, ct);
        var process = await db.Processes.AsNoTracking().FirstAsync(p => p.Code == @case.ProcessCode, ct);
        if (request.ActionType is null || !ActionType.All.Contains(request.ActionType))
        {
            throw new ApiException(400, ApiMessages.BadRequest);
        }

        var isDeposit = request.ActionType == ActionType.AttachDeposit;
        var declared = request.Attachments ?? [];
        // RC002–RC006 of the SFD: deposits carry attachments, nothing else does; messages only where the process allows them.
        Require(isDeposit ? declared.Count > 0 : declared.Count == 0, ApiMessages.BadRequest);
        Require(request.Message is null || request.Message.Length <= 1000, ApiMessages.BadRequest);
        Require(request.Comment is null || request.Comment.Length <= 1000, ApiMessages.BadRequest);
        Require(request.Author is null || request.Author.Length <= 255, ApiMessages.BadRequest);
        Require(request.PartnerAttributes is null || request.PartnerAttributes.Length <= 1024, ApiMessages.BadRequest);
        // RC006: where the process has messageToTransmitter=false (e.g. CERTDC) there is no message at all,
        // neither a SENDING_MESSAGE event (even an empty one) nor a message riding on another event.
        Require(process.MessageToTransmitter || (string.IsNullOrEmpty(request.Message) && request.ActionType != ActionType.SendingMessage), ApiMessages.BadRequest);
        if (@case.Status is CaseStatus.HubeeReceived or CaseStatus.Archived)
        {
            throw new ApiException(400, ApiMessages.BadRequest);
        }

        var operatorSide = HubAccess.SpeaksForOperator(caller.Scope);
        var formats = operatorSide ? process.AttachmentFormatsEnabled : process.SiAttachmentFormatsEnabled;
        if (isDeposit && !operatorSide && formats.Count == 0)
        {
            throw new ApiException(400, ApiMessages.BadRequest);
        }

        var now = clock.GetUtcNow();
        var ev = new Event
        {
            Id = Guid.NewGuid(),
            CaseId = @case.Id,
            TransmitterOrganizationId = caller.OrganizationId,
            TransmitterScope = caller.Scope,
            Message = request.Message,
            Comment = request.Comment,
            ActionType = request.ActionType,
            Author = request.Author,
            Notification = request.Notification ?? false,
            Status = isDeposit ? EventStatus.InProgress : EventStatus.Sent,
            CaseCurrentStatus = @case.Status,
            CaseNewStatus = request.CaseNewStatus,
            PartnerAttributes = request.PartnerAttributes,
            EditorName = caller.PartnerInfo?.EditorName,
            ApplicationName = caller.PartnerInfo?.ApplicationName,
            SoftwareVersion = caller.PartnerInfo?.SoftwareVersion,
            CreateDateTime = now,
            UpdateDateTime = now,
        };
        for (var i = 0; i < declared.Count; i++)
        {
            // The contract answers RC003/RC005 violations on events with the bare "Bad request".
            var attachment = NewAttachment(declared[i], process, formats, path, $"body.attachments[{i}]", requireRecipients: false, now, ApiMessages.BadRequest);
            attachment.EventId = ev.Id;
            attachment.Position = i;
            ev.Attachments.Add(attachment);
        }

        // The reference SI script changes statuses only through events: apply caseNewStatus (decision 3).
        // A deposit applies it when it is sent, once its files are there.
        if (!isDeposit)
        {
            ApplyEventStatus(caller, @case, ev, process);
        }
        else if (ev.CaseNewStatus is { } next && CaseRules.Effective(next) != @case.Status)
        {
            // Checked now as well: a deposit whose status could never be applied would otherwise be
            // refused only at SENT, after its files were uploaded.
            CaseRules.EnsureAllowed(caller.Scope, @case.Status, next, process);
        }

        db.Events.Add(ev);
        if (!isDeposit && ev.Notification)
        {
            await NotifyOtherPartyAsync(ev, @case, oslId, operatorSide, ct);
        }

        await db.SaveChangesAsync(ct);
        return (ev, @case);
    }

    /// <summary>
    /// The portal collects a notified case as the original portal back-end did, but at once (portal.md §B « No
    /// 5-minute lag »): a STATUS_UPDATE event HUBEE_NOTIFIED → SENT notified to the operator, like an SI's
    /// software would post it, and the case's notifications to the SI are consumed (those whose e-mail is
    /// still due stay in the outbox). Returns false when the case was not waiting to be collected.
    /// </summary>
    public async Task<bool> CollectForPortalAsync(ApiCaller caller, Guid caseId, string author, CancellationToken ct)
    {
        var status = await db.Cases.Where(c => c.Id == caseId).Select(c => c.Status).FirstOrDefaultAsync(ct);
        if (status != CaseStatus.HubeeNotified || caller.Channel != AccessMode.Portail)
        {
            return false;
        }

        await CreateEventAsync(caller, caseId, new NewEventRequest(null, null, ActionType.StatusUpdate, author, true, CaseStatus.HubeeNotified, CaseStatus.Sent, null, null),
            $"/teledossiers/v1/cases/{caseId}/events", ct);
        await db.Notifications
            .Where(n => n.CaseId == caseId && n.RecipientOrganizationId == caller.OrganizationId && n.MailState != Notifier.MailPending)
            .ExecuteDeleteAsync(ct);
        return true;
    }

    private void ApplyEventStatus(ApiCaller caller, Case @case, Event ev, Process process)
    {
        if (ev.CaseNewStatus is { } next && CaseRules.Effective(next) != @case.Status)
        {
            ApplyStatus(caller, @case, next, process);
        }
    }

    private async Task NotifyOtherPartyAsync(Event ev, Case @case, Guid oslId, bool operatorSide, CancellationToken ct)
    {
        // The SI's other party is the operator owning the process, not whoever created the folder
        // (the national administrator may create folders on an operator's behalf).
        var recipient = operatorSide ? @case.RecipientOrganizationId : oslId;

        // Unitaire mails for events go to the SI; for a deposit only when it re-notifies the case (SFD, decision 14).
        var mail = operatorSide && (ev.ActionType != ActionType.AttachDeposit || ev.CaseNewStatus == CaseStatus.HubeeNotified);
        await notifier.NotifyEventAsync(ev, @case, recipient, recipientIsSi: operatorSide, mailToSi: mail, ct);
    }

    public async Task<(Event Event, Case Case)> LoadEventAsync(ApiCaller caller, Guid caseId, Guid eventId, bool forChange, string notFound, CancellationToken ct)
    {
        var (@case, _, _) = await LoadCaseAsync(caller, caseId, forChange, ct);
        var ev = await db.Events.Include(e => e.Attachments).Include(e => e.Transmitter).FirstOrDefaultAsync(e => e.Id == eventId && e.CaseId == @case.Id, ct)
            ?? throw new ApiException(404, notFound);
        return (ev, @case);
    }

    /// <summary>SENT by the creator once every file is RECEIVED (RC007); RECEIVED by the other party, which notifies the creator back.</summary>
    public async Task UpdateEventStatusAsync(ApiCaller caller, Guid caseId, Guid eventId, string? status, CancellationToken ct)
    {
        if (status is null || status.Length > 12)
        {
            throw new ApiException(400, ApiMessages.BadRequest);
        }

        var (ev, @case) = await LoadEventAsync(caller, caseId, eventId, forChange: true, ApiMessages.EventNotFoundLower, ct);
        var isCreator = IsEventCreator(caller, ev);
        var now = clock.GetUtcNow();
        switch (status)
        {
            case EventStatus.Sent when ev.Status == EventStatus.InProgress && (isCreator || caller.IsAdmin):
                if (ev.Attachments.Any(a => a.Status != AttachmentStatus.Received))
                {
                    throw new ApiException(400, ApiMessages.BadRequest);
                }

                ev.Status = EventStatus.Sent;
                var process = await db.Processes.AsNoTracking().FirstAsync(p => p.Code == @case.ProcessCode, ct);
                ApplyEventStatus(caller, @case, ev, process);
                if (ev.Notification)
                {
                    var oslId = await OslOfAsync(@case.ProcessCode, ct);
                    await NotifyOtherPartyAsync(ev, @case, oslId, HubAccess.SpeaksForOperator(ev.TransmitterScope), ct);
                }

                break;
            case EventStatus.Received when ev.Status == EventStatus.Sent && (!isCreator || caller.IsAdmin):
                ev.Status = EventStatus.Received;
                if (ev.Notification)
                {
                    notifier.NotifyReceived(ev, @case, caller.OrganizationId);
                }

                break;
            default:
                throw new ApiException(400, ApiMessages.BadRequest);
        }

        ev.UpdateDateTime = now;
        await db.SaveChangesAsync(ct);
    }

    /// <summary>The side that created the event: same organisation speaking for the same side of the exchange.</summary>
    private static bool IsEventCreator(ApiCaller caller, Event ev) =>
        ev.TransmitterOrganizationId == caller.OrganizationId && HubAccess.SpeaksForOperator(ev.TransmitterScope) == HubAccess.SpeaksForOperator(caller.Scope);

    public async Task DeleteEventAsync(ApiCaller caller, Guid caseId, Guid eventId, CancellationToken ct)
    {
        var (ev, _) = await LoadEventAsync(caller, caseId, eventId, forChange: true, ApiMessages.EventNotFound, ct);
        if (ev.ActionType != ActionType.AttachDeposit || ev.Status != EventStatus.InProgress)
        {
            throw new ApiException(400, ApiMessages.BadRequestCapital);
        }

        if (ev.TransmitterOrganizationId != caller.OrganizationId && !caller.IsAdmin)
        {
            throw new ApiException(403, ApiMessages.UnauthorizedUser);
        }

        var keys = ev.Attachments.Where(a => a.BlobKey is not null).Select(a => a.BlobKey!).ToList();
        db.Events.Remove(ev);
        await db.SaveChangesAsync(ct);
        foreach (var key in keys)
        {
            await blobs.DeleteAsync(key, CancellationToken.None);
        }
    }

    // ---------------- attachments ----------------

    /// <summary>
    /// Streams an attachment's bytes into the store: SHA-256 on the fly, then the blob is committed only
    /// when the size equals the declared one and the optional digest matches; otherwise nothing is kept
    /// and the attachment is REJECTED (it may be sent again while its owner is still open).
    /// </summary>
    public async Task ReceiveBinaryAsync(Attachment attachment, Stream body, string? declaredDigest, CancellationToken ct)
    {
        var staged = await blobs.StageAsync(body, attachment.Size, ct);
        var sizeMatches = !staged.ExceededLimit && staged.Size == attachment.Size;
        var digestMatches = declaredDigest is null || string.Equals(declaredDigest, staged.Sha256Base64, StringComparison.Ordinal);
        if (!sizeMatches || !digestMatches)
        {
            await blobs.DiscardAsync(staged);
            attachment.Status = AttachmentStatus.Rejected;
            await db.SaveChangesAsync(CancellationToken.None);
            throw new ApiException(400, sizeMatches ? ApiMessages.DigestMismatch : ApiMessages.SizeMismatch);
        }

        var previous = attachment.BlobKey;
        var key = staged.Key;
        await blobs.CommitAsync(staged, ct);
        attachment.BlobKey = key;
        attachment.Digest = staged.Sha256Base64;
        attachment.Status = AttachmentStatus.Received;
        attachment.ReceivedDateTime = clock.GetUtcNow();
        try
        {
            await db.SaveChangesAsync(CancellationToken.None);
        }
        catch
        {
            await blobs.DeleteAsync(key, CancellationToken.None);
            throw;
        }

        if (previous is not null)
        {
            await blobs.DeleteAsync(previous, CancellationToken.None);
        }

        logger.LogInformation("Attachment {AttachmentId} received ({Size} bytes)", attachment.Id, staged.Size);
    }

    public async Task<Attachment> LoadFolderAttachmentForUploadAsync(ApiCaller caller, Guid folderId, Guid attachmentId, CancellationToken ct)
    {
        var folder = await db.Folders.AsNoTracking().FirstOrDefaultAsync(f => f.Id == folderId, ct) ?? throw new ApiException(404, ApiMessages.FolderNotFound);
        HubAccess.EnsureSeeFolder(caller, await OslOfAsync(folder.ProcessCode, ct));
        var attachment = await db.Attachments.FirstOrDefaultAsync(a => a.Id == attachmentId && a.FolderId == folderId, ct)
            ?? throw new ApiException(404, ApiMessages.BinaryMetadataNotFound);
        if (folder.GlobalStatus != CaseStatus.HubeeReceived)
        {
            throw new ApiException(400, ApiMessages.BadRequest);
        }

        return attachment;
    }

    public async Task<Attachment> LoadEventAttachmentForUploadAsync(ApiCaller caller, Guid caseId, Guid eventId, Guid attachmentId, CancellationToken ct)
    {
        var (ev, _) = await LoadEventAsync(caller, caseId, eventId, forChange: true, ApiMessages.BinaryMetadataNotFound, ct);
        var attachment = ev.Attachments.FirstOrDefault(a => a.Id == attachmentId) ?? throw new ApiException(404, ApiMessages.BinaryMetadataNotFound);
        if (ev.Status != EventStatus.InProgress || (ev.TransmitterOrganizationId != caller.OrganizationId && !caller.IsAdmin))
        {
            throw new ApiException(400, ApiMessages.BadRequest);
        }

        return attachment;
    }

    /// <summary>A case attachment readable by the caller, with its bytes; "File is not found" once purged.</summary>
    public async Task<(Attachment Attachment, Stream Content)> OpenCaseAttachmentAsync(ApiCaller caller, Guid caseId, Guid attachmentId, CancellationToken ct)
    {
        await LoadCaseAsync(caller, caseId, forChange: false, ct);
        var attachment = await db.CaseAttachments.AsNoTracking().Where(l => l.CaseId == caseId && l.AttachmentId == attachmentId)
            .Select(l => l.Attachment).FirstOrDefaultAsync(ct) ?? throw new ApiException(404, ApiMessages.FileNotFound);
        return (attachment, await OpenAsync(attachment, ApiMessages.FileNotFound, ct));
    }

    public async Task<(Attachment Attachment, Stream Content)> OpenEventAttachmentAsync(ApiCaller caller, Guid caseId, Guid eventId, Guid attachmentId, CancellationToken ct)
    {
        var (ev, _) = await LoadEventAsync(caller, caseId, eventId, forChange: false, ApiMessages.FileNotFoundLower, ct);
        var attachment = ev.Attachments.FirstOrDefault(a => a.Id == attachmentId) ?? throw new ApiException(404, ApiMessages.FileNotFoundLower);
        // A deposit still IN_PROGRESS may yet be cancelled (RC008): its files reach the other party only once SENT.
        if (ev.Status == EventStatus.InProgress && !IsEventCreator(caller, ev) && !caller.IsAdmin)
        {
            throw new ApiException(404, ApiMessages.FileNotFoundLower);
        }

        return (attachment, await OpenAsync(attachment, ApiMessages.FileNotFoundLower, ct));
    }

    private async Task<Stream> OpenAsync(Attachment attachment, string notFound, CancellationToken ct)
    {
        if (attachment.BlobKey is null || attachment.Status is not (AttachmentStatus.Received or AttachmentStatus.Corrupted))
        {
            throw new ApiException(404, notFound);
        }

        return await blobs.OpenReadAsync(attachment.BlobKey, ct) ?? throw new ApiException(404, notFound);
    }

    // ---------------- helpers ----------------

    private Attachment NewAttachment(NewAttachmentRequest? a, Process process, List<string> formats, string path, string location, bool requireRecipients, DateTimeOffset now, string? refusal = null)
    {
        var missing = new List<string>();
        if (string.IsNullOrEmpty(a?.FileName)) missing.Add("fileName");
        if (string.IsNullOrEmpty(a?.MimeType)) missing.Add("mimeType");
        if (requireRecipients && a?.Recipients is null) missing.Add("recipients");
        if (a?.Size is null) missing.Add("size");
        if (string.IsNullOrEmpty(a?.Type)) missing.Add("type");
        if (missing.Count > 0)
        {
            throw MissingProperties("POST", path, location, missing);
        }

        ArgumentNullException.ThrowIfNull(a); // reported above as missing properties
        Require(!requireRecipients || a.Recipients!.Count >= 1, refusal ?? $"Attachment {a.FileName} has no recipient");
        Require(a.FileName!.Length <= 255 && !a.FileName.Any(char.IsControl), refusal ?? $"Attachment file name is invalid");
        Require(a.Type!.Length <= 100 && a.MimeType!.Length <= 255, refusal ?? "Attachment type or mimeType is too long");
        Require(a.Size >= 0, refusal ?? $"Attachment {a.FileName} has a negative size");
        var max = Math.Min(process.AttachmentMaxSizeEnabled > 0 ? process.AttachmentMaxSizeEnabled : AbsoluteMaxAttachmentSize, AbsoluteMaxAttachmentSize);
        Require(a.Size <= max, refusal ?? $"Attachment {a.FileName} is larger than the {max} bytes allowed for process {process.Code}");
        Require(formats.Count == 0 || formats.Contains(a.MimeType!, StringComparer.OrdinalIgnoreCase), refusal ?? $"Attachment {a.FileName}: mime type {a.MimeType} is not allowed for process {process.Code}");
        Require(process.AttachmentTypesEnabled.Count == 0 || process.AttachmentTypesEnabled.Contains(a.Type, StringComparer.Ordinal), refusal ?? $"Attachment {a.FileName}: type {a.Type} is not allowed for process {process.Code}");
        return new Attachment
        {
            Id = Guid.NewGuid(),
            FileName = a.FileName,
            Type = a.Type,
            Size = a.Size!.Value,
            MimeType = a.MimeType!,
            CreateDateTime = now,
        };
    }

    public Task<Organization?> FindOrganizationAsync(OrganizationIdentifierDto id, CancellationToken ct) =>
        db.Organizations.FirstOrDefaultAsync(o => o.Type == id.Type && o.CompanyRegister == id.CompanyRegister && o.BranchCode == id.BranchCode, ct);

    public async Task<Guid> OslOfAsync(string processCode, CancellationToken ct) =>
        await db.Processes.AsNoTracking().Where(p => p.Code == processCode).Select(p => p.OslOrganizationId).FirstOrDefaultAsync(ct);

    private static void Require(bool condition, string message)
    {
        if (!condition)
        {
            throw new ApiException(400, message);
        }
    }

    private static ApiException MissingProperties(string method, string path, string location, IEnumerable<string> names) =>
        new(400, ApiMessages.Validation(method, path, location,
            $"Object has missing required properties ([{string.Join(",", names.Select(n => $"\"{n}\""))}])"));
}
