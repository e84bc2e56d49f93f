using System.IO.Compression;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using OpenHubee.Api;
using OpenHubee.Auth;
using OpenHubee.Data;
using OpenHubee.Domain;
using OpenHubee.Features.Exchange;

namespace OpenHubee.Portal;

/// <summary>The signed-in person as the agents' desk needs them.</summary>
public sealed record DeskUser(Guid Id, string Name, Guid OrganizationId, OrganizationIdentifierDto Organization, bool SeesAllProcesses,
    IReadOnlyList<string> Habilitations, PortalRights Rights)
{
    public bool CanManage => Rights.CanManageCases;
}

/// <summary>A refusal the portal shows as is, in French.</summary>
public sealed class DeskException(string message) : Exception(message);

/// <summary>
/// « Instruire les télédossiers » (portal.md §C 4.8). Which cases a person sees (their organisation's, bound to
/// PORTAIL, within their habilitations), and every action, which goes through <see cref="HubExchange"/> with an
/// SI caller on the PORTAIL channel: an agent's action produces exactly the events and notifications of the
/// same API call.
/// </summary>
public sealed class PortalDesk(HubDbContext db, HubExchange exchange)
{
    public const int MaxTextLength = 500;
    public const string PortalAuthor = "Portail OpenHubEE";
    public const string ClosedMessage = "Ce télédossier est clos : ses pièces jointes ne peuvent plus être téléchargées.";
    public const string PurgedMessage = "Les pièces jointes de ce télédossier ont été supprimées du portail : elles ne peuvent plus être téléchargées.";
    public const string ReadOnlyMessage = "Votre rôle « Consultation des télédossiers » ne permet pas de modifier ni de télécharger les télédossiers.";

    public async Task<DeskUser?> UserAsync(ClaimsPrincipal principal, CancellationToken ct)
    {
        var rights = PortalRights.Of(principal);
        if (!rights.CanSeeCases)
        {
            return null;
        }

        var id = PortalAuthentication.UserId(principal);
        var user = await db.Users.AsNoTracking().Include(u => u.Organization).FirstOrDefaultAsync(u => u.Id == id, ct);
        if (user?.Organization is null)
        {
            return null;
        }

        var name = $"{user.FirstName} {user.LastName}".Trim();
        return new DeskUser(user.Id, name.Length > 0 ? name : user.Email!, user.OrganizationId, OrganizationIdentifierDto.From(user.Organization),
            user.ActorType is PortalActorType.LocalAdministrator or PortalActorType.NationalAdministrator, user.Habilitations, rights);
    }

    /// <summary>The cases this person may see: their organisation's, bound to the portal, within their habilitations.</summary>
    public IQueryable<Case> Visible(DeskUser user)
    {
        var cases = db.Cases.Where(c => c.RecipientOrganizationId == user.OrganizationId && c.AccessMode == AccessMode.Portail);
        if (!user.SeesAllProcesses)
        {
            var habilitations = user.Habilitations.ToList();
            cases = cases.Where(c => habilitations.Contains(c.ProcessCode));
        }

        return cases;
    }

    /// <summary>The identity the exchange sees: the SI of this démarche, speaking through the portal.</summary>
    public static ApiCaller CallerFor(DeskUser user, string processCode) =>
        new("portail:" + user.Id.ToString("N"), Scopes.Si, user.OrganizationId, user.Organization, null, processCode,
            new PartnerInfoDto("OpenHubEE", "Portail", null), AccessMode.Portail);

    /// <summary>Collects the notified cases this person sees, so that they are « Nouveau » as soon as the operator completes them.</summary>
    public async Task CollectAsync(DeskUser user, CancellationToken ct)
    {
        var waiting = await Visible(user).Where(c => c.Status == CaseStatus.HubeeNotified)
            .Select(c => new { c.Id, c.ProcessCode }).Take(500).ToListAsync(ct);
        foreach (var c in waiting)
        {
            try
            {
                await exchange.CollectForPortalAsync(CallerFor(user, c.ProcessCode), c.Id, PortalAuthor, ct);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another request collected it first.
            }
            finally
            {
                db.ChangeTracker.Clear();
            }
        }
    }

    public async Task<Case?> FindAsync(DeskUser user, Guid caseId, CancellationToken ct)
    {
        var found = await Visible(user).AsNoTracking().Include(c => c.Folder).ThenInclude(f => f!.Transmitter).FirstOrDefaultAsync(c => c.Id == caseId, ct);
        if (found is { Status: CaseStatus.HubeeNotified })
        {
            await exchange.CollectForPortalAsync(CallerFor(user, found.ProcessCode), found.Id, PortalAuthor, ct);
            db.ChangeTracker.Clear();
            found = await Visible(user).AsNoTracking().Include(c => c.Folder).ThenInclude(f => f!.Transmitter).FirstOrDefaultAsync(c => c.Id == caseId, ct);
        }

        return found;
    }

    private async Task<(Case Case, Process Process)> ForChangeAsync(DeskUser user, Guid caseId, CancellationToken ct)
    {
        if (!user.CanManage)
        {
            throw new DeskException(ReadOnlyMessage);
        }

        var found = await FindAsync(user, caseId, ct) ?? throw new DeskException("Ce télédossier n'existe pas ou vous n'y avez pas accès.");
        var process = await db.Processes.AsNoTracking().FirstAsync(p => p.Code == found.ProcessCode, ct);
        return (found, process);
    }

    private async Task<Event> EventAsync(DeskUser user, Case @case, NewEventRequest request, CancellationToken ct)
    {
        try
        {
            var (ev, _) = await exchange.CreateEventAsync(CallerFor(user, @case.ProcessCode), @case.Id, request, $"/teledossiers/v1/cases/{@case.Id}/events", ct);
            return ev;
        }
        catch (ApiException)
        {
            throw new DeskException("L'action n'est pas possible pour ce télédossier dans son statut actuel.");
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>A status change chosen by the agent; the optional comment goes to the person when the démarche allows messages.</summary>
    public async Task ChangeStatusAsync(DeskUser user, Guid caseId, string next, string? comment, CancellationToken ct)
    {
        var (@case, process) = await ForChangeAsync(user, caseId, ct);
        if (!PortalCaseRules.Allows(@case.Status, next, process))
        {
            throw new DeskException($"Le télédossier {@case.ExternalId} ne peut pas passer de « {CaseLabels.Of(@case.Status)} » à « {CaseLabels.Of(next)} ».");
        }

        comment = Text(comment);
        var asMessage = comment is not null && process.MessageToTransmitter;
        await EventAsync(user, @case, new NewEventRequest(asMessage ? comment : null, asMessage ? null : comment, ActionType.StatusUpdate, user.Name, true,
            @case.Status, next, null, null), ct);
    }

    /// <summary>« Consulter » a Nouveau télédossier: the agent confirms its receipt.</summary>
    public async Task AcknowledgeAsync(DeskUser user, Guid caseId, CancellationToken ct)
    {
        var (@case, process) = await ForChangeAsync(user, caseId, ct);
        if (@case.Status is CaseStatus.Sent or CaseStatus.HubeeNotified && PortalCaseRules.Allows(@case.Status, CaseStatus.SiReceived, process))
        {
            await EventAsync(user, @case, new NewEventRequest(null, null, ActionType.StatusUpdate, user.Name, true, @case.Status, CaseStatus.SiReceived, null, null), ct);
        }
    }

    public async Task SendMessageAsync(DeskUser user, Guid caseId, string? message, CancellationToken ct)
    {
        var (@case, process) = await ForChangeAsync(user, caseId, ct);
        if (!process.MessageToTransmitter)
        {
            throw new DeskException("Cette démarche ne permet pas d'envoyer de message à la personne concernée.");
        }

        message = Text(message) ?? throw new DeskException("Saisissez le message à envoyer.");
        await EventAsync(user, @case, new NewEventRequest(message, null, ActionType.SendingMessage, user.Name, true, @case.Status, null, null, null), ct);
    }

    /// <summary>An internal comment: COM_ADD without notification; the API never shows comments to the operator.</summary>
    public async Task AddCommentAsync(DeskUser user, Guid caseId, string? comment, CancellationToken ct)
    {
        var (@case, _) = await ForChangeAsync(user, caseId, ct);
        comment = Text(comment) ?? throw new DeskException("Saisissez le commentaire.");
        await EventAsync(user, @case, new NewEventRequest(null, comment, ActionType.ComAdd, user.Name, false, @case.Status, null, null, null), ct);
    }

    /// <summary>Deposit, step 1: an ATTACH_DEPOSIT event IN_PROGRESS and its file; it stays removable until sent.</summary>
    public async Task DepositAsync(DeskUser user, Guid caseId, IFormFile file, CancellationToken ct)
    {
        var (@case, process) = await ForChangeAsync(user, caseId, ct);
        if (process.SiAttachmentFormatsEnabled.Count == 0)
        {
            throw new DeskException("Cette démarche ne permet pas d'ajouter de pièce jointe.");
        }

        var name = Path.GetFileName(file.FileName);
        var mime = string.IsNullOrEmpty(file.ContentType) ? "application/octet-stream" : file.ContentType;
        if (!process.SiAttachmentFormatsEnabled.Contains(mime, StringComparer.OrdinalIgnoreCase))
        {
            throw new DeskException($"Le format de « {name} » n'est pas accepté pour cette démarche (formats acceptés : {string.Join(", ", process.SiAttachmentFormatsEnabled)}).");
        }

        var type = process.AttachmentTypesEnabled.FirstOrDefault() ?? "PJ_SI";
        var ev = await EventAsync(user, @case, new NewEventRequest(null, null, ActionType.AttachDeposit, user.Name, true, @case.Status, null, null,
            [new NewAttachmentRequest(name, type, file.Length, mime, null)]), ct);
        var attachment = await exchange.LoadEventAttachmentForUploadAsync(CallerFor(user, @case.ProcessCode), @case.Id, ev.Id, ev.Attachments[0].Id, ct);
        await using var content = file.OpenReadStream();
        try
        {
            await exchange.ReceiveBinaryAsync(attachment, content, null, ct);
        }
        catch (ApiException)
        {
            await exchange.DeleteEventAsync(CallerFor(user, @case.ProcessCode), @case.Id, ev.Id, ct);
            throw new DeskException($"Le fichier « {name} » n'a pas pu être reçu.");
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>Deposit, step 2: the event becomes SENT and the operator is notified.</summary>
    public async Task SendDepositAsync(DeskUser user, Guid caseId, Guid eventId, CancellationToken ct)
    {
        var (@case, _) = await ForChangeAsync(user, caseId, ct);
        await Exchange(() => exchange.UpdateEventStatusAsync(CallerFor(user, @case.ProcessCode), @case.Id, eventId, EventStatus.Sent, ct));
    }

    public async Task RemoveDepositAsync(DeskUser user, Guid caseId, Guid eventId, CancellationToken ct)
    {
        var (@case, _) = await ForChangeAsync(user, caseId, ct);
        await Exchange(() => exchange.DeleteEventAsync(CallerFor(user, @case.ProcessCode), @case.Id, eventId, ct));
    }

    private async Task Exchange(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (ApiException)
        {
            throw new DeskException("L'action n'est pas possible pour ce télédossier dans son statut actuel.");
        }
        finally
        {
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>The attachments the operator addressed to this case, with what the portal can still do with them.</summary>
    public async Task<IReadOnlyList<(Attachment Attachment, bool Available)>> AttachmentsAsync(Guid caseId, CancellationToken ct)
    {
        var links = await db.CaseAttachments.AsNoTracking().Where(l => l.CaseId == caseId).Include(l => l.Attachment)
            .ToListAsync(ct);
        return links.OrderBy(l => l.Attachment!.Position)
            .Select(l => (l.Attachment!, l.PurgeState != AttachmentStatus.Deleted && !l.PortalPurged && l.Attachment!.BlobKey is not null
                && l.Attachment.Status is AttachmentStatus.Received or AttachmentStatus.Corrupted))
            .ToList();
    }

    /// <summary>
    /// Checks and traces a download before any byte is sent: ATTACH_DL for one file, ATTACH_DL_ALL for all of them;
    /// downloading everything of a Nouveau or Reçu case starts its processing (En cours), as in HubEE.
    /// </summary>
    public async Task<(Case Case, IReadOnlyList<Attachment> Files)> PrepareDownloadAsync(DeskUser user, Guid caseId, Guid? attachmentId, CancellationToken ct)
    {
        var (@case, process) = await ForChangeAsync(user, caseId, ct);
        if (PortalCaseRules.DownloadsClosed(@case.Status))
        {
            throw new DeskException(ClosedMessage);
        }

        var attachments = await AttachmentsAsync(@case.Id, ct);
        var chosen = attachmentId is { } id ? attachments.Where(a => a.Attachment.Id == id).ToList() : attachments.ToList();
        if (chosen.Count == 0)
        {
            throw new DeskException("Cette pièce jointe n'existe pas.");
        }

        if (chosen.Any(a => !a.Available))
        {
            throw new DeskException(PurgedMessage);
        }

        var all = chosen.Count == attachments.Count;
        var next = all && PortalCaseRules.DownloadStartsProcessing(@case.Status) && PortalCaseRules.Allows(@case.Status, CaseStatus.InProgress, process)
            ? CaseStatus.InProgress : null;
        await EventAsync(user, @case, new NewEventRequest(null, null, attachmentId is null ? ActionType.AttachDlAll : ActionType.AttachDl, user.Name,
            next is not null, @case.Status, next, null, null), ct);
        return (@case, chosen.Select(a => a.Attachment).ToList());
    }

    /// <summary>Streams files from the store into a ZIP written on <paramref name="output"/>: no file is ever held in memory.</summary>
    public async Task WriteZipAsync(DeskUser user, IReadOnlyList<(Case Case, IReadOnlyList<Attachment> Files)> cases, Stream output, CancellationToken ct)
    {
        var body = new AsyncOnlyStream(output);
        await using (body)
        {
            await WriteEntriesAsync(user, cases, body, ct);
            await body.FlushAsync(ct);
        }
    }

    private async Task WriteEntriesAsync(DeskUser user, IReadOnlyList<(Case Case, IReadOnlyList<Attachment> Files)> cases, AsyncOnlyStream body, CancellationToken ct)
    {
        await using var zip = await ZipArchive.CreateAsync(body, ZipArchiveMode.Create, leaveOpen: true, entryNameEncoding: null, ct);
        var used = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (@case, files) in cases)
        {
            var folder = cases.Count > 1 ? SafeName(@case.ExternalId) + "/" : "";
            foreach (var file in files)
            {
                var (_, content) = await exchange.OpenCaseAttachmentAsync(CallerFor(user, @case.ProcessCode), @case.Id, file.Id, ct);
                await using (content)
                {
                    var entry = zip.CreateEntry(Unique(used, folder + SafeName(file.FileName)), CompressionLevel.Fastest);
                    await using (var target = await entry.OpenAsync(ct))
                    {
                        await content.CopyToAsync(target, ct);
                    }

                    await body.FlushAsync(ct);
                }
            }
        }
    }

    public async Task<Stream> OpenAsync(DeskUser user, Case @case, Attachment file, CancellationToken ct)
    {
        var (_, content) = await exchange.OpenCaseAttachmentAsync(CallerFor(user, @case.ProcessCode), @case.Id, file.Id, ct);
        return content;
    }

    public static string SafeName(string name)
    {
        var cleaned = new string(name.Select(ch => ch is '/' or '\\' or ':' || char.IsControl(ch) ? '_' : ch).ToArray()).Trim().TrimStart('.');
        return cleaned.Length > 0 ? cleaned : "fichier";
    }

    private static string Unique(HashSet<string> used, string name)
    {
        var candidate = name;
        for (var i = 2; !used.Add(candidate); i++)
        {
            candidate = Path.ChangeExtension(name, null) + $" ({i})" + Path.GetExtension(name);
        }

        return candidate;
    }

    private static string? Text(string? value)
    {
        value = value?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        return value.Length <= MaxTextLength ? value : throw new DeskException($"Le texte ne doit pas dépasser {MaxTextLength} caractères.");
    }
}
