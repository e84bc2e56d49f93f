using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using OpenHubee.Data;
using OpenHubee.Domain;

namespace OpenHubee.Portal.Pages.Teledossiers;

/// <summary>
/// The page of one télédossier (portal.md §C 4.8 « Détail »): information, attachments, status change, message
/// to the person, deposit of attachments, internal comment and history. Every action goes through <see cref="PortalDesk"/>.
/// </summary>
[RequestFormLimits(MultipartBodyLengthLimit = HubExchangeLimits.MaxUpload)]
[RequestSizeLimit(HubExchangeLimits.MaxUpload)]
public sealed class DetailModel(HubDbContext db, PortalDesk desk) : PageModel
{
    public Case Case { get; private set; } = null!;
    public Folder Folder => Case.Folder!;
    public Process Process { get; private set; } = null!;
    public bool CanManage { get; private set; }
    public bool AsksReceipt { get; private set; }
    public IReadOnlyList<(Attachment Attachment, bool Available)> Attachments { get; private set; } = [];
    public IReadOnlyList<Event> PendingDeposits { get; private set; } = [];
    public IReadOnlyList<IGrouping<string, Event>> History { get; private set; } = [];
    public IReadOnlyList<string> NextStatuses { get; private set; } = [];
    public bool DownloadsClosed => PortalCaseRules.DownloadsClosed(Case.Status);
    public bool CanEdit => CanManage && Case.Status is not (CaseStatus.Closed or CaseStatus.Archived);

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        var user = await desk.UserAsync(User, ct);
        if (user is null || !await LoadAsync(user, id, ct))
        {
            return Forbid();
        }

        AsksReceipt = CanManage && Case.Status is CaseStatus.Sent or CaseStatus.HubeeNotified;
        return Page();
    }

    public Task<IActionResult> OnPostConsulterAsync(Guid id, CancellationToken ct) =>
        ActAsync(id, user => desk.AcknowledgeAsync(user, id, ct), "La réception du télédossier est confirmée : il est au statut « Reçu ».", ct);

    public Task<IActionResult> OnPostStatutAsync(Guid id, string? next, string? comment, CancellationToken ct) =>
        ActAsync(id, user => desk.ChangeStatusAsync(user, id, next ?? "", comment, ct), $"Le télédossier est passé au statut « {CaseLabels.Of(next ?? "")} ».", ct);

    public Task<IActionResult> OnPostMessageAsync(Guid id, string? message, CancellationToken ct) =>
        ActAsync(id, user => desk.SendMessageAsync(user, id, message, ct), "Le message a été envoyé à la personne concernée.", ct);

    public Task<IActionResult> OnPostCommentaireAsync(Guid id, string? comment, CancellationToken ct) =>
        ActAsync(id, user => desk.AddCommentAsync(user, id, comment, ct), "Le commentaire a été enregistré.", ct);

    public Task<IActionResult> OnPostDepotAsync(Guid id, IFormFile? fichier, CancellationToken ct) =>
        ActAsync(id, user => fichier is null or { Length: 0 } ? throw new DeskException("Choisissez un fichier à ajouter.") : desk.DepositAsync(user, id, fichier, ct),
            "La pièce jointe a été ajoutée. Envoyez-la pour la transmettre, ou supprimez-la.", ct);

    public Task<IActionResult> OnPostEnvoyerDepotAsync(Guid id, Guid eventId, CancellationToken ct) =>
        ActAsync(id, user => desk.SendDepositAsync(user, id, eventId, ct), "La pièce jointe a été transmise.", ct);

    public Task<IActionResult> OnPostSupprimerDepotAsync(Guid id, Guid eventId, CancellationToken ct) =>
        ActAsync(id, user => desk.RemoveDepositAsync(user, id, eventId, ct), "La pièce jointe a été supprimée.", ct);

    /// <summary>One attachment as is, or all of them as a ZIP streamed from the store.</summary>
    public async Task<IActionResult> OnPostTelechargerAsync(Guid id, Guid? attachmentId, CancellationToken ct)
    {
        var user = await desk.UserAsync(User, ct);
        if (user is null)
        {
            return Forbid();
        }

        (Case Case, IReadOnlyList<Attachment> Files) prepared;
        try
        {
            prepared = await desk.PrepareDownloadAsync(user, id, attachmentId, ct);
        }
        catch (DeskException e)
        {
            TempData["Erreur"] = e.Message;
            return Redirect($"/teledossiers/{id}");
        }

        if (attachmentId is not null)
        {
            var file = prepared.Files[0];
            var content = await desk.OpenAsync(user, prepared.Case, file, ct);
            return File(content, file.MimeType, PortalDesk.SafeName(file.FileName));
        }

        await IndexModel.StreamZipAsync(HttpContext, desk, user, [prepared], $"teledossier-{PortalDesk.SafeName(prepared.Case.ExternalId)}.zip", ct);
        return new EmptyResult();
    }

    private async Task<IActionResult> ActAsync(Guid id, Func<DeskUser, Task> action, string success, CancellationToken ct)
    {
        var user = await desk.UserAsync(User, ct);
        if (user is null || await desk.FindAsync(user, id, ct) is null)
        {
            return Forbid();
        }

        try
        {
            await action(user);
            TempData["Succes"] = success;
        }
        catch (DeskException e)
        {
            TempData["Erreur"] = e.Message;
        }

        return Redirect($"/teledossiers/{id}");
    }

    private async Task<bool> LoadAsync(DeskUser user, Guid id, CancellationToken ct)
    {
        var found = await desk.FindAsync(user, id, ct);
        if (found is null)
        {
            return false;
        }

        Case = found;
        CanManage = user.CanManage;
        Process = await db.Processes.AsNoTracking().FirstAsync(p => p.Code == found.ProcessCode, ct);
        Attachments = await desk.AttachmentsAsync(found.Id, ct);
        NextStatuses = CanManage ? PortalCaseRules.NextStatuses(found.Status, Process) : [];
        var events = await db.Events.AsNoTracking().Include(e => e.Transmitter).Include(e => e.Attachments)
            .Where(e => e.CaseId == found.Id).ToListAsync(ct);
        events = events.OrderByDescending(e => e.CreateDateTime).ThenByDescending(e => e.UpdateDateTime).ToList();
        PendingDeposits = events.Where(e => e.ActionType == ActionType.AttachDeposit && e.Status == EventStatus.InProgress && e.TransmitterOrganizationId == user.OrganizationId).ToList();
        History = events.Where(e => !PendingDeposits.Contains(e))
            .GroupBy(e => Month(e.CreateDateTime)).ToList();
        return true;
    }

    private static readonly System.Globalization.CultureInfo French = System.Globalization.CultureInfo.GetCultureInfo("fr-FR");

    public static string Month(DateTimeOffset instant)
    {
        var local = TimeZoneInfo.ConvertTime(instant, SubscriptionLifecycle.Paris);
        var text = local.ToString("MMMM yyyy", French);
        return char.ToUpper(text[0], French) + text[1..];
    }

    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} o",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} Ko".Replace('.', ','),
        _ => $"{bytes / (1024.0 * 1024):0.#} Mo".Replace('.', ','),
    };
}

public static class HubExchangeLimits
{
    /// <summary>The largest file the portal accepts in a deposit form (the exchange itself allows up to 1 Gio).</summary>
    public const long MaxUpload = 256L * 1024 * 1024;
}
