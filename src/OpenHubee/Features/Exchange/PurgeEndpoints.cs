using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OpenHubee.Api;
using OpenHubee.Auth;
using OpenHubee.Data;

namespace OpenHubee.Features.Exchange;

/// <summary>
/// The portal-side binary purge of the contract: which (attachment, case) pairs a portal may drop from
/// its local copy (the case is closed), and the confirmation that it did.
/// </summary>
public static class PurgeEndpoints
{
    public static async Task<IResult> ListForPurge(HttpContext http, HubDbContext db)
    {
        // The contract declares no query parameter here; the gateway refused unexpected ones with this text.
        if (http.Request.Query.Count > 0)
        {
            throw new ApiException(400, ApiMessages.PurgeListInvalid);
        }

        var links = Visible(http.Caller(), db).Where(l => !l.PortalPurged && (l.Case!.Status == CaseStatus.Closed || l.Case.Status == CaseStatus.Archived));
        var rows = await links.Select(l => new IdsForPurgeDto(l.AttachmentId, l.CaseId)).Take(10_000).ToListAsync(http.RequestAborted);
        return Results.Json(rows);
    }

    public static async Task<IResult> MarkPurged(HttpContext http, HubDbContext db)
    {
        const string invalid = ApiMessages.PurgeConfirmInvalid;
        List<IdsForPurgeDto>? pairs;
        try
        {
            pairs = await JsonSerializer.DeserializeAsync<List<IdsForPurgeDto>>(http.Request.Body, JsonOptions.Web, http.RequestAborted);
        }
        catch (JsonException)
        {
            throw new ApiException(400, invalid);
        }

        if (pairs is null || pairs.Any(p => p?.FolderAttachmentId is null || p.CaseId is null))
        {
            throw new ApiException(400, invalid);
        }

        var visible = Visible(http.Caller(), db);
        foreach (var pair in pairs)
        {
            await visible.Where(l => l.AttachmentId == pair.FolderAttachmentId && l.CaseId == pair.CaseId)
                .ExecuteUpdateAsync(s => s.SetProperty(l => l.PortalPurged, true), http.RequestAborted);
        }

        return Results.NoContent();
    }

    private static IQueryable<CaseAttachment> Visible(ApiCaller caller, HubDbContext db)
    {
        var links = db.CaseAttachments.AsQueryable();
        if (caller.IsSi)
        {
            return links.Where(l => l.Case!.RecipientOrganizationId == caller.OrganizationId && l.Case.ProcessCode == caller.ProcessCode);
        }

        if (caller.IsOsl)
        {
            var processes = db.Processes.Where(p => p.OslOrganizationId == caller.OrganizationId).Select(p => p.Code);
            return links.Where(l => processes.Contains(l.Case!.ProcessCode));
        }

        return links;
    }
}
