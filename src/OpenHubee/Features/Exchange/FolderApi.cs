using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.EntityFrameworkCore;
using Microsoft.Net.Http.Headers;
using OpenHubee.Api;
using OpenHubee.Auth;
using OpenHubee.Data;

namespace OpenHubee.Features.Exchange;

/// <summary>The Folder API of contracts/api_folder_v1.2.7.yaml under /teledossiers/v1.</summary>
public static class FolderApi
{
    private const string Base = "/teledossiers/v1";

    public static IEndpointRouteBuilder MapFolderApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Base).WithTags("Folder API");
        const string osl = Scopes.Osl, si = Scopes.Si, admin = Scopes.Admin;

        api.MapGet("/notifications", NotificationEndpoints.List).RequireScopes(osl, si, admin);
        api.MapDelete("/notifications/{notificationId}", NotificationEndpoints.Delete).RequireScopes(osl, si, admin);

        api.MapPost("/folders", CreateFolder).RequireScopes(osl, admin);
        api.MapGet("/folders/{folderId}", GetFolder).RequireScopes(osl, admin);
        api.MapPatch("/folders/{folderId}", UpdateFolder).RequireScopes(osl, admin);
        api.MapPost("/folders/{folderId}", UpdateFolderWithPost).RequireScopes(osl, admin);
        api.MapDelete("/folders/{folderId}", DeleteFolder).RequireScopes(osl, admin);
        api.MapPut("/folders/{folderId}/attachments/{attachmentId}", UploadFolderAttachment).RequireScopes(osl, admin);

        api.MapPut("/cases/migrate", MigrateCases).RequireScopes(si, admin);
        api.MapGet("/cases/{caseId}", GetCase).RequireScopes(osl, si, admin);
        api.MapPatch("/cases/{caseId}", UpdateCase).RequireScopes(osl, si, admin);
        api.MapPost("/cases/{caseId}", UpdateCaseWithPost).RequireScopes(osl, si, admin);
        api.MapGet("/cases/{caseId}/attachments/{attachmentId}", DownloadCaseAttachment).RequireScopes(osl, si, admin);
        api.MapPost("/cases/{caseId}/events", CreateEvent).RequireScopes(osl, si, admin);
        api.MapGet("/cases/{caseId}/events/{eventId}", GetEvent).RequireScopes(osl, si, admin);
        api.MapPatch("/cases/{caseId}/events/{eventId}", UpdateEvent).RequireScopes(osl, si, admin);
        api.MapPost("/cases/{caseId}/events/{eventId}", UpdateEventWithPost).RequireScopes(osl, si, admin);
        api.MapDelete("/cases/{caseId}/events/{eventId}", DeleteEvent).RequireScopes(osl, si, admin);
        api.MapPut("/cases/{caseId}/events/{eventId}/attachments/{attachmentId}", UploadEventAttachment).RequireScopes(osl, si, admin);
        api.MapGet("/cases/{caseId}/events/{eventId}/attachments/{attachmentId}", DownloadEventAttachment).RequireScopes(osl, si, admin);

        api.MapGet("/attachmentsIdsForPurge", PurgeEndpoints.ListForPurge).RequireScopes(osl, si, admin);
        api.MapPut("/idsPurged", PurgeEndpoints.MarkPurged).RequireScopes(osl, si, admin);
        return app;
    }

    // ---------------- folders ----------------

    private static async Task<IResult> CreateFolder(HttpContext http, HubExchange exchange, HubDbContext db)
    {
        var request = await ReadJsonAsync<NewFolderRequest>(http, () =>
            ApiMessages.Validation("POST", Base + "/folders", "body", "Object has missing required properties ([\"applicant\",\"attachments\",\"cases\",\"externalId\",\"processCode\"])"));
        var folder = await exchange.CreateFolderAsync(http.Caller(), request, Base + "/folders", http.RequestAborted);
        return Results.Json(ToDto(folder), statusCode: 201);
    }

    private static async Task<IResult> GetFolder(string folderId, HttpContext http, HubDbContext db, HubExchange exchange)
    {
        var id = ParseId(folderId);
        var folder = await db.Folders.AsNoTracking().AsSplitQuery()
            .Include(f => f.Cases).ThenInclude(c => c.Recipient)
            .Include(f => f.Cases).ThenInclude(c => c.Attachments)
            .Include(f => f.Attachments)
            .FirstOrDefaultAsync(f => f.Id == id, http.RequestAborted) ?? throw new ApiException(404, ApiMessages.FolderNotFound);
        HubAccess.EnsureSeeFolder(http.Caller(), await exchange.OslOfAsync(folder.ProcessCode, http.RequestAborted));
        return Results.Json(ToDto(folder));
    }

    private static async Task<IResult> UpdateFolder(string folderId, HttpContext http, HubExchange exchange)
    {
        var id = ParseId(folderId);
        var request = await ReadJsonAsync<FolderUpdateRequest>(http, () => ApiMessages.BadRequest);
        await exchange.UpdateFolderAsync(http.Caller(), id, request, http.RequestAborted);
        return Results.NoContent();
    }

    private static Task<IResult> UpdateFolderWithPost(string folderId, HttpContext http, HubExchange exchange) =>
        IsPatchOverride(http) ? UpdateFolder(folderId, http, exchange) : Task.FromResult(ApiResults.Error(405, ApiMessages.MethodNotAllowed));

    private static async Task<IResult> DeleteFolder(string folderId, HttpContext http, HubExchange exchange)
    {
        await exchange.DeleteFolderAsync(http.Caller(), ParseId(folderId), http.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> UploadFolderAttachment(string folderId, string attachmentId, HttpContext http, HubExchange exchange)
    {
        var (fid, aid) = (ParseId(folderId), ParseId(attachmentId));
        var attachment = await exchange.LoadFolderAttachmentForUploadAsync(http.Caller(), fid, aid, http.RequestAborted);
        await ReceiveAsync(http, exchange, attachment);
        return Results.NoContent();
    }

    // ---------------- cases ----------------

    private static async Task<IResult> MigrateCases(HttpContext http, HubExchange exchange)
    {
        var request = await ReadJsonAsync<MigrateRequest>(http, () => ApiMessages.BadRequest);
        var moved = await exchange.MigrateCasesAsync(http.Caller(), request, http.RequestAborted);
        return Results.Json(new { caseUpdated = moved });
    }

    private static async Task<IResult> GetCase(string caseId, string? lite, HttpContext http, HubExchange exchange, HubDbContext db)
    {
        var caller = http.Caller();
        var (@case, folder, _) = await exchange.LoadCaseAsync(caller, ParseId(caseId), forChange: false, http.RequestAborted);
        var isLite = string.Equals(lite, "true", StringComparison.OrdinalIgnoreCase);
        if (lite is { Length: > 14 })
        {
            throw new ApiException(400, ApiMessages.BadRequest);
        }

        var attachments = await db.CaseAttachments.AsNoTracking().Where(l => l.CaseId == @case.Id)
            .OrderBy(l => l.Attachment!.Position).Select(l => l.Attachment!).ToListAsync(http.RequestAborted);
        List<EventDto>? events = null;
        if (!isLite)
        {
            var rows = await db.Events.AsNoTracking().Include(e => e.Transmitter).Include(e => e.Attachments)
                .Where(e => e.CaseId == @case.Id).OrderBy(e => e.CreateDateTime).ToListAsync(http.RequestAborted);
            events = rows.Select(e => ToDto(e, caller)).ToList();
        }

        return Results.Json(new CaseDto(@case.Id, @case.Status, OrganizationIdentifierDto.From(@case.Recipient!), @case.ExternalId, @case.UpdateDateTime,
            @case.TransmissionDateTime, @case.ProcessCode, @case.CreateDateTime, @case.CloseDateTime, @case.PartnerAttributes,
            new ApplicantDto(folder.ApplicantFirstName, folder.ApplicantLastName, folder.ApplicantEmail),
            attachments.OrderBy(a => a.Position).Select(AttachmentDto.From).ToList(), events));
    }

    private static async Task<IResult> UpdateCase(string caseId, HttpContext http, HubExchange exchange)
    {
        var id = ParseId(caseId);
        var request = await ReadJsonAsync<StatusUpdateRequest>(http, () => ApiMessages.BadRequest);
        await exchange.UpdateCaseStatusAsync(http.Caller(), id, request.Status, http.RequestAborted);
        return Results.NoContent();
    }

    private static Task<IResult> UpdateCaseWithPost(string caseId, HttpContext http, HubExchange exchange) =>
        IsPatchOverride(http) ? UpdateCase(caseId, http, exchange) : Task.FromResult(ApiResults.Error(405, ApiMessages.MethodNotAllowed));

    private static async Task<IResult> DownloadCaseAttachment(string caseId, string attachmentId, HttpContext http, HubExchange exchange)
    {
        var (cid, aid) = (ParseId(caseId), ParseId(attachmentId));
        var (attachment, content) = await exchange.OpenCaseAttachmentAsync(http.Caller(), cid, aid, http.RequestAborted);
        return Binary(http, attachment, content);
    }

    // ---------------- events ----------------

    private static async Task<IResult> CreateEvent(string caseId, HttpContext http, HubExchange exchange)
    {
        var id = ParseId(caseId);
        var request = await ReadJsonAsync<NewEventRequest>(http, () => ApiMessages.BadRequest);
        var caller = http.Caller();
        var (ev, _) = await exchange.CreateEventAsync(caller, id, request, $"{Base}/cases/{caseId}/events", http.RequestAborted);
        var transmitter = new OrganizationIdentifierDto(caller.Organization.Type, caller.Organization.CompanyRegister, caller.Organization.BranchCode);
        return Results.Json(ToDto(ev, caller, transmitter), statusCode: 201);
    }

    private static async Task<IResult> GetEvent(string caseId, string eventId, HttpContext http, HubExchange exchange)
    {
        var caller = http.Caller();
        var (ev, _) = await exchange.LoadEventAsync(caller, ParseId(caseId), ParseId(eventId), forChange: false, ApiMessages.EventNotFoundLower, http.RequestAborted);
        return Results.Json(ToDto(ev, caller));
    }

    private static async Task<IResult> UpdateEvent(string caseId, string eventId, HttpContext http, HubExchange exchange)
    {
        var (cid, eid) = (ParseId(caseId), ParseId(eventId));
        var request = await ReadJsonAsync<StatusUpdateRequest>(http, () => ApiMessages.BadRequest);
        await exchange.UpdateEventStatusAsync(http.Caller(), cid, eid, request.Status, http.RequestAborted);
        return Results.NoContent();
    }

    private static Task<IResult> UpdateEventWithPost(string caseId, string eventId, HttpContext http, HubExchange exchange) =>
        IsPatchOverride(http) ? UpdateEvent(caseId, eventId, http, exchange) : Task.FromResult(ApiResults.Error(405, ApiMessages.MethodNotAllowed));

    private static async Task<IResult> DeleteEvent(string caseId, string eventId, HttpContext http, HubExchange exchange)
    {
        await exchange.DeleteEventAsync(http.Caller(), ParseId(caseId), ParseId(eventId), http.RequestAborted);
        return Results.NoContent();
    }

    private static async Task<IResult> UploadEventAttachment(string caseId, string eventId, string attachmentId, HttpContext http, HubExchange exchange)
    {
        var (cid, eid, aid) = (ParseId(caseId), ParseId(eventId), ParseId(attachmentId));
        var attachment = await exchange.LoadEventAttachmentForUploadAsync(http.Caller(), cid, eid, aid, http.RequestAborted);
        await ReceiveAsync(http, exchange, attachment);
        return Results.NoContent();
    }

    private static async Task<IResult> DownloadEventAttachment(string caseId, string eventId, string attachmentId, HttpContext http, HubExchange exchange)
    {
        var (cid, eid, aid) = (ParseId(caseId), ParseId(eventId), ParseId(attachmentId));
        var (attachment, content) = await exchange.OpenEventAttachmentAsync(http.Caller(), cid, eid, aid, http.RequestAborted);
        return Binary(http, attachment, content);
    }

    // ---------------- shared ----------------

    internal static Guid ParseId(string raw) =>
        Guid.TryParse(raw, out var id) ? id : throw new ApiException(400, ApiMessages.BadRequest);

    private static bool IsPatchOverride(HttpContext http) =>
        string.Equals(http.Request.Headers["X-HTTP-Method-Override"], "PATCH", StringComparison.OrdinalIgnoreCase);

    internal static async Task<T> ReadJsonAsync<T>(HttpContext http, Func<string> whenEmpty) where T : class
    {
        if (http.Request.ContentLength == 0)
        {
            throw new ApiException(400, whenEmpty());
        }

        try
        {
            return await JsonSerializer.DeserializeAsync<T>(http.Request.Body, JsonOptions.Web, http.RequestAborted) ?? throw new ApiException(400, whenEmpty());
        }
        catch (JsonException e)
        {
            throw new ApiException(400, e.Path is { Length: > 1 } jsonPath
                ? $"{ApiMessages.BadRequest}: invalid value at {jsonPath}"
                : ApiMessages.BadRequest);
        }
    }

    /// <summary>Accepts <c>digest: &lt;base64&gt;</c> (1.2.4+) and <c>Digest: sha-256=&lt;base64&gt;</c> (1.2.2), decision 24.</summary>
    internal static string? DeclaredDigest(HttpRequest request)
    {
        var raw = request.Headers["digest"].ToString();
        if (string.IsNullOrWhiteSpace(raw))
        {
            return null;
        }

        foreach (var part in raw.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && part[..eq].Equals("sha-256", StringComparison.OrdinalIgnoreCase))
            {
                return part[(eq + 1)..];
            }
        }

        return raw.Contains('=', StringComparison.Ordinal) && raw.Contains("sha-", StringComparison.OrdinalIgnoreCase) ? "\0unsupported" : raw.Trim();
    }

    private static async Task ReceiveAsync(HttpContext http, HubExchange exchange, Attachment attachment)
    {
        // The size limit of this request is the attachment's own declared size (≤ 1 GiB), not Kestrel's default.
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = attachment.Size + 1;
        }

        if (http.Request.ContentLength is { } length && length != attachment.Size)
        {
            attachment.Status = AttachmentStatus.Rejected;
            await http.RequestServices.GetRequiredService<HubDbContext>().SaveChangesAsync(CancellationToken.None);
            throw new ApiException(400, ApiMessages.SizeMismatch);
        }

        using var tracked = http.RequestServices.GetRequiredService<Hosting.HubMetrics>().TrackUpload();
        await exchange.ReceiveBinaryAsync(attachment, http.Request.Body, DeclaredDigest(http.Request), http.RequestAborted);
    }

    private static IResult Binary(HttpContext http, Attachment attachment, Stream content)
    {
        http.Response.Headers["digest"] = attachment.Digest;
        var contentType = MediaTypeHeaderValue.TryParse(attachment.MimeType, out _) ? attachment.MimeType : "application/octet-stream";
        return Results.Stream(content, contentType, fileDownloadName: attachment.FileName, enableRangeProcessing: true);
    }

    internal static FolderDto ToDto(Folder folder)
    {
        var cases = folder.Cases.OrderBy(c => c.Position).ToList();
        var recipientsByAttachment = cases.SelectMany(c => c.Attachments.Select(l => (l.AttachmentId, c.ExternalId)))
            .ToLookup(x => x.AttachmentId, x => x.ExternalId);
        return new FolderDto(folder.Id, folder.GlobalStatus, folder.ProcessCode, folder.CreateDateTime, folder.CloseDateTime,
            new ApplicantDto(folder.ApplicantFirstName, folder.ApplicantLastName, folder.ApplicantEmail),
            folder.ExternalId, folder.UpdateDateTime, PartnerInfoDto.From(folder.EditorName, folder.ApplicationName, folder.SoftwareVersion),
            cases.Select(c => new FolderCaseDto(c.Id, c.Status, OrganizationIdentifierDto.From(c.Recipient!), c.ExternalId, c.UpdateDateTime,
                c.TransmissionDateTime, c.PartnerAttributes)).ToList(),
            folder.Attachments.OrderBy(a => a.Position).Select(a => new FolderAttachmentDto(a.Id, a.Status, a.FileName, a.Type, a.Size, a.MimeType,
                recipientsByAttachment[a.Id].ToList())).ToList());
    }

    /// <summary>The internal comment is for instructing services only: an operator sees it only on its own events (decision 25).</summary>
    internal static EventDto ToDto(Event e, ApiCaller caller, OrganizationIdentifierDto? transmitter = null)
    {
        var showComment = caller.IsSi || caller.IsAdmin || e.TransmitterOrganizationId == caller.OrganizationId;
        return new EventDto(e.Id, transmitter ?? OrganizationIdentifierDto.From(e.Transmitter!), e.Message, showComment ? e.Comment : null, e.ActionType,
            e.Author, e.Notification, e.CreateDateTime, e.UpdateDateTime, e.Status, e.CaseCurrentStatus, e.CaseNewStatus, e.PartnerAttributes,
            e.Attachments.OrderBy(a => a.Position).Select(AttachmentDto.From).ToList(),
            PartnerInfoDto.From(e.EditorName, e.ApplicationName, e.SoftwareVersion));
    }
}

public static class JsonOptions
{
    public static readonly JsonSerializerOptions Web = Create();

    public static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        options.Converters.Add(new UtcDateTimeOffsetConverter());
        return options;
    }
}
