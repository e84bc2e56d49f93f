using System.Globalization;
using Microsoft.EntityFrameworkCore;
using OpenHubee.Api;
using OpenHubee.Auth;
using OpenHubee.Data;

namespace OpenHubee.Features.Exchange;

/// <summary>
/// GET/DELETE /notifications. The list is filtered on the caller's identity (an SI sees only its
/// subscription's process), served in batches of 25 by default; deletion is physical (api.md §3.5).
/// </summary>
public static class NotificationEndpoints
{
    public const int DefaultBatch = 25;
    public const int MaxBatch = 100_000;
    private const string ListPath = "/teledossiers/v1/notifications";

    public static async Task<IResult> List(HttpContext http, HubDbContext db)
    {
        var caller = http.Caller();
        var query = http.Request.Query;
        var max = DefaultBatch;
        if (query.TryGetValue("maxResult", out var rawMax) && rawMax.Count > 0)
        {
            if (!double.TryParse(rawMax[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) || double.IsNaN(parsed))
            {
                throw new ApiException(400, ApiMessages.Validation("GET", ListPath, "query.maxResult",
                    "Instance type (string) does not match any allowed primitive type (allowed: [\"integer\",\"number\"]"));
            }

            max = parsed < 1 ? DefaultBatch : (int)Math.Min(parsed, MaxBatch);
        }

        var processCodes = Values(query["processCode"]);
        var priorities = Values(query["processPriority"]);
        var details = string.Equals(query["eventDetails"], "true", StringComparison.OrdinalIgnoreCase);

        var notifications = db.Notifications.AsNoTracking().Where(n => n.RecipientOrganizationId == caller.OrganizationId);
        if (caller.IsSi)
        {
            notifications = notifications.Where(n => n.ProcessCode == caller.ProcessCode);
        }

        if (processCodes.Count > 0)
        {
            notifications = notifications.Where(n => processCodes.Contains(n.ProcessCode));
        }

        // Priority processes first (decision 21), then oldest first so that nothing starves.
        var ordered = priorities.Count > 0
            ? notifications.OrderByDescending(n => priorities.Contains(n.ProcessCode)).ThenBy(n => n.DateTime)
            : notifications.OrderBy(n => n.DateTime);

        var rows = await ordered.Take(max).Select(n => new
        {
            n.Id,
            Recipient = new OrganizationIdentifierDto(n.Recipient!.Type, n.Recipient.CompanyRegister, n.Recipient.BranchCode),
            Transmitter = new OrganizationIdentifierDto(n.Transmitter!.Type, n.Transmitter.CompanyRegister, n.Transmitter.BranchCode),
            n.ProcessCode,
            n.CaseId,
            n.EventId,
            n.DateTime,
        }).ToListAsync(http.RequestAborted);

        if (!details)
        {
            return Results.Json(rows.Select(n => new NotificationDto(n.Id, n.Recipient, n.Transmitter, n.ProcessCode, n.CaseId, n.EventId, n.DateTime)));
        }

        // eventActionType/eventStatus reflect the event's current state at read time (decision 2).
        var eventIds = rows.Where(r => r.EventId != null).Select(r => r.EventId!.Value).Distinct().ToList();
        var events = await db.Events.AsNoTracking().Where(e => eventIds.Contains(e.Id))
            .Select(e => new { e.Id, e.ActionType, e.Status }).ToDictionaryAsync(e => e.Id, http.RequestAborted);
        return Results.Json(rows.Select(n =>
        {
            var ev = n.EventId is { } id && events.TryGetValue(id, out var found) ? found : null;
            return new DetailedNotificationDto(n.Id, n.Recipient, n.Transmitter, n.ProcessCode, n.CaseId, n.EventId, n.DateTime, ev?.ActionType, ev?.Status);
        }));
    }

    public static async Task<IResult> Delete(string notificationId, HttpContext http, HubDbContext db)
    {
        if (!Guid.TryParse(notificationId, out var id))
        {
            throw new ApiException(400, ApiMessages.InvalidUuid("DELETE", $"{ListPath}/{notificationId}", "notificationId", notificationId));
        }

        var caller = http.Caller();
        var notification = await db.Notifications.AsNoTracking().Where(n => n.Id == id)
            .Select(n => new { n.RecipientOrganizationId, n.ProcessCode }).FirstOrDefaultAsync(http.RequestAborted)
            ?? throw new ApiException(404, ApiMessages.NotificationNotFound);
        // Only the recipient deletes a notification; an SI only those of its subscription's process.
        if (notification.RecipientOrganizationId != caller.OrganizationId || (caller.IsSi && notification.ProcessCode != caller.ProcessCode))
        {
            throw new ApiException(403, ApiMessages.UnauthorizedUser);
        }

        await db.Notifications.Where(n => n.Id == id).ExecuteDeleteAsync(http.RequestAborted);
        return Results.NoContent();
    }

    private static List<string> Values(Microsoft.Extensions.Primitives.StringValues raw) =>
        raw.SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Distinct().ToList();
}
