using Microsoft.Extensions.DependencyInjection.Extensions;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.EntityFrameworkCore;
using OpenHubee.Api;
using OpenHubee.Auth;
using OpenHubee.Data;

namespace OpenHubee.Features.Referential;

/// <summary>
/// The Process API of contracts/api_process_v1.2.1.yaml (+ messageWithStatus/authorizedAwaiting of 1.2.3) under
/// /referential/v1 (api.md §2.3). ADMIN only, except that an operator may read its own processes (decision 10).
/// </summary>
public static class ProcessApi
{
    private const string Base = "/referential/v1";
    private const string InvalidBody = "#: Body is not a valid JSON object";

    private static readonly string[] CaseStatuses =
    [
        CaseStatus.HubeeNotified, CaseStatus.Sent, CaseStatus.SiReceived, CaseStatus.SiIntgError, CaseStatus.InProgress,
        CaseStatus.AddAwaiting, CaseStatus.Refused, CaseStatus.Done, CaseStatus.Closed,
    ];

    public static IEndpointRouteBuilder MapProcessApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Base).WithTags("Process API");
        const string admin = Scopes.Admin, osl = Scopes.Osl;

        api.MapPost("/processes", Create).RequireScopes(admin);
        api.MapGet("/processes", List).RequireScopes(admin);
        api.MapGet("/processes/{code}", Get).RequireScopes(admin, osl);
        api.MapPut("/processes/{code}", Update).RequireScopes(admin);
        return app;
    }

    private static async Task<IResult> Create(HttpContext http, HubDbContext db, AuditLog audit, TimeProvider clock)
    {
        var root = await JsonBody.ParseObjectAsync(http, InvalidBody);
        var body = new JsonBody();
        var code = body.String(root, "", "code", required: true, nullable: false, max: 30, pattern: "^[A-Za-z0-9_.-]+$");
        var apply = ReadFields(body, root);
        var osl = await ReadOslAsync(body, root, db, http.RequestAborted);
        if (!body.IsValid)
        {
            throw new ApiException(400, body.Message);
        }

        if (await db.Processes.AnyAsync(p => p.Code == code, http.RequestAborted))
        {
            throw new ApiException(400, $"#/code: Process {code} already exists");
        }

        var process = new Process { Code = code!, Name = "", CreationDateTime = clock.GetUtcNow() };
        apply(process);
        process.OslOrganizationId = osl!.Id;
        process.Osl = osl;
        db.Processes.Add(process);
        audit.Add(osl.Id, SubscriptionApi.Actor(http), "PROCESS_CREATED", process.Code);
        await db.SaveChangesAsync(http.RequestAborted);
        return Results.Json(ToDto(process), statusCode: 201);
    }

    private static async Task<IResult> List(HttpContext http, HubDbContext db)
    {
        var query = http.Request.Query;
        var companyRegister = query["companyRegister"].ToString();
        if (companyRegister.Length > 0 && (companyRegister.Length != 14 || !companyRegister.All(char.IsAsciiDigit)))
        {
            throw new ApiException(400, ApiMessages.ProcessListBadRequest);
        }

        var orderBy = query["orderBy"].ToString();
        (string Column, bool Descending)? order = orderBy.Length == 0 ? ("code", false) : ReferentialQuery.ParseOrderBy(orderBy);
        if (order is not { } o || SortKey(o.Column) is not { } key)
        {
            throw new ApiException(400, ApiMessages.ProcessListBadRequest);
        }

        IQueryable<Process> q = db.Processes.AsNoTracking().Include(p => p.Osl);
        if (companyRegister.Length > 0)
        {
            q = q.Where(p => p.Osl!.CompanyRegister == companyRegister);
        }

        // A few dozen processes and no pagination in the SFD: sorting in memory also covers the list columns.
        var all = await q.ToListAsync(http.RequestAborted);
        var sorted = (o.Descending ? all.OrderByDescending(key, StringComparer.Ordinal) : all.OrderBy(key, StringComparer.Ordinal))
            .ThenBy(p => p.Code, StringComparer.Ordinal).ToList();
        http.Response.Headers["Content-Range"] = ReferentialQuery.ContentRange("Processes", 0, sorted.Count, sorted.Count);
        return Results.Json(sorted.Select(ToDto).ToList());
    }

    private static async Task<IResult> Get(string code, HttpContext http, HubDbContext db)
    {
        var process = await FindAsync(db.Processes.AsNoTracking().Include(p => p.Osl), code, http.RequestAborted);
        var caller = http.Caller();
        if (caller.IsOsl && process.OslOrganizationId != caller.OrganizationId)
        {
            throw new ApiException(403, ApiMessages.UnauthorizedUser);
        }

        return Results.Json(ToDto(process));
    }

    private static async Task<IResult> Update(string code, HttpContext http, HubDbContext db, AuditLog audit, TimeProvider clock)
    {
        if (code.Length > 30)
        {
            throw new ApiException(400, ApiMessages.ProcessCodeBadRequest);
        }

        var root = await JsonBody.ParseObjectAsync(http, InvalidBody);
        var body = new JsonBody();
        var bodyCode = body.String(root, "", "code", max: 30);
        var apply = ReadFields(body, root);
        var osl = await ReadOslAsync(body, root, db, http.RequestAborted);
        if (bodyCode is not null && bodyCode != code)
        {
            body.Invalid("", "code", "Value cannot be modified");
        }

        if (!body.IsValid)
        {
            throw new ApiException(400, body.Message);
        }

        var process = await FindAsync(db.Processes.Include(p => p.Osl), code, http.RequestAborted);
        var wasActivated = process.IsActivated;
        apply(process);
        process.OslOrganizationId = osl!.Id;
        process.Osl = osl;
        process.UpdateDateTime = clock.GetUtcNow();
        audit.Add(osl.Id, SubscriptionApi.Actor(http), wasActivated && !process.IsActivated ? "PROCESS_DEACTIVATED" : "PROCESS_UPDATED", process.Code);
        await db.SaveChangesAsync(http.RequestAborted);
        return Results.Json(ToDto(process));
    }

    // ---------------- shared ----------------

    private static async Task<Process> FindAsync(IQueryable<Process> processes, string code, CancellationToken ct)
    {
        if (code.Length > 30)
        {
            throw new ApiException(400, ApiMessages.ProcessCodeBadRequest);
        }

        return await processes.FirstOrDefaultAsync(p => p.Code == code, ct) ?? throw new ApiException(404, ApiMessages.ProcessNotFound);
    }

    private static async Task<Organization?> ReadOslAsync(JsonBody body, JsonElement root, HubDbContext db, CancellationToken ct)
    {
        if (SubscriptionApi.ReadOrganizationIdentifier(body, root, "osl", required: true) is not { } id)
        {
            return null;
        }

        var osl = await db.Organizations.FirstOrDefaultAsync(o => o.Type == id.Type && o.CompanyRegister == id.CompanyRegister && o.BranchCode == id.BranchCode, ct);
        if (osl is null || osl.Type != Scopes.Osl)
        {
            body.Invalid("", "osl", $"Organization {id} is not found");
            return null;
        }

        return osl;
    }

    /// <summary>Every field of the Process schema; the same set is required on creation and on update (Process swagger 1.2.3).</summary>
    private static Action<Process> ReadFields(JsonBody body, JsonElement root)
    {
        var name = body.String(root, "", "name", required: true, nullable: false, max: 100);
        var description = body.String(root, "", "description", max: 1000);
        var isActivated = body.Bool(root, "", "isActivated", required: true);
        var formats = body.StringArray(root, "", "attachmentFormatsEnabled", required: true, itemMax: 255);
        var siFormats = body.StringArray(root, "", "siAttachmentFormatsEnabled", itemMax: 255);
        var types = body.StringArray(root, "", "attachmentTypesEnabled", required: true, itemMax: 100);
        var maxSize = body.Long(root, "", "attachmentMaxSizeEnabled", required: true, nullable: false, min: 0);
        var statusBeforeFileDeletion = body.String(root, "", "statusBeforeFileDeletion", required: true, nullable: false, max: 15);
        if (statusBeforeFileDeletion is not null && !CaseStatuses.Contains(statusBeforeFileDeletion))
        {
            body.Invalid("", "statusBeforeFileDeletion", "String is not a valid enum value");
        }

        var timeBeforeFileDeletion = body.Int(root, "", "timeBeforeFileDeletion", required: true, nullable: false, min: 0);
        var timeBeforeArchiving = body.Int(root, "", "timeBeforeArchiving", required: true, nullable: false, min: 0);
        var timeBeforeFolderDeletion = body.Int(root, "", "timeBeforeFolderDeletion", required: true, nullable: false, min: 0);
        var messageToTransmitter = body.Bool(root, "", "messageToTransmitter", required: true);
        var subscriptionValidation = body.String(root, "", "subscriptionValidation", required: true, nullable: false, max: 6);
        var validation = subscriptionValidation is null ? null : new[] { "Auto", "Manual" }.FirstOrDefault(v => v.Equals(subscriptionValidation, StringComparison.OrdinalIgnoreCase));
        if (subscriptionValidation is not null && validation is null)
        {
            body.Invalid("", "subscriptionValidation", "String is not a valid enum value");
        }

        var messageWithStatus = body.Bool(root, "", "messageWithStatus", required: true);
        var authorizedAwaiting = body.Bool(root, "", "authorizedAwaiting", required: true);
        var legalJustification = body.String(root, "", "legalJustification", max: 1000);
        return p =>
        {
            p.Name = name!;
            p.Description = description;
            p.IsActivated = isActivated!.Value;
            p.AttachmentFormatsEnabled = formats!;
            p.SiAttachmentFormatsEnabled = siFormats ?? [];
            p.AttachmentTypesEnabled = types!;
            p.AttachmentMaxSizeEnabled = maxSize!.Value;
            p.StatusBeforeFileDeletion = statusBeforeFileDeletion!;
            p.TimeBeforeFileDeletion = timeBeforeFileDeletion!.Value;
            p.TimeBeforeArchiving = timeBeforeArchiving!.Value;
            p.TimeBeforeFolderDeletion = timeBeforeFolderDeletion!.Value;
            p.MessageToTransmitter = messageToTransmitter!.Value;
            p.SubscriptionValidation = validation!;
            p.MessageWithStatus = messageWithStatus!.Value;
            p.AuthorizedAwaiting = authorizedAwaiting!.Value;
            p.LegalJustification = legalJustification;
        };
    }

    private static Func<Process, string>? SortKey(string column) => column switch
    {
        "code" => p => p.Code,
        "name" => p => p.Name,
        "description" => p => p.Description ?? "",
        "is_activated" => p => p.IsActivated ? "1" : "0",
        "subscription_validation" => p => p.SubscriptionValidation,
        "osl_type" => p => p.Osl?.Type ?? "",
        "osl_company_register" => p => p.Osl?.CompanyRegister ?? "",
        "osl_branch_code" => p => p.Osl?.BranchCode ?? "",
        "attachments_max_size" => p => p.AttachmentMaxSizeEnabled.ToString("D20", System.Globalization.CultureInfo.InvariantCulture),
        "time_before_archiving" => p => p.TimeBeforeArchiving.ToString("D10", System.Globalization.CultureInfo.InvariantCulture),
        "time_before_deletion" => p => p.TimeBeforeFolderDeletion.ToString("D10", System.Globalization.CultureInfo.InvariantCulture),
        "message_transmitter" => p => p.MessageToTransmitter ? "1" : "0",
        "attachments_types" => p => string.Join(',', p.AttachmentTypesEnabled),
        "attachments_formats" => p => string.Join(',', p.AttachmentFormatsEnabled),
        _ => null,
    };

    internal static ProcessDto ToDto(Process p) => new(p.Code, p.Name, p.Description, p.IsActivated, OrganizationIdentifierDto.From(p.Osl!),
        p.AttachmentFormatsEnabled, p.SiAttachmentFormatsEnabled, p.AttachmentTypesEnabled, p.AttachmentMaxSizeEnabled, p.StatusBeforeFileDeletion,
        p.TimeBeforeFileDeletion, p.TimeBeforeArchiving, p.TimeBeforeFolderDeletion, p.MessageToTransmitter, p.SubscriptionValidation,
        p.MessageWithStatus, p.AuthorizedAwaiting, p.CreationDateTime, p.UpdateDateTime, p.LegalJustification);
}

internal sealed record ProcessDto(
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("description")] string? Description,
    [property: JsonPropertyName("isActivated")] bool IsActivated,
    [property: JsonPropertyName("osl")] OrganizationIdentifierDto Osl,
    [property: JsonPropertyName("attachmentFormatsEnabled")] IReadOnlyList<string> AttachmentFormatsEnabled,
    [property: JsonPropertyName("siAttachmentFormatsEnabled")] IReadOnlyList<string> SiAttachmentFormatsEnabled,
    [property: JsonPropertyName("attachmentTypesEnabled")] IReadOnlyList<string> AttachmentTypesEnabled,
    [property: JsonPropertyName("attachmentMaxSizeEnabled")] long AttachmentMaxSizeEnabled,
    [property: JsonPropertyName("statusBeforeFileDeletion")] string StatusBeforeFileDeletion,
    [property: JsonPropertyName("timeBeforeFileDeletion")] int TimeBeforeFileDeletion,
    [property: JsonPropertyName("timeBeforeArchiving")] int TimeBeforeArchiving,
    [property: JsonPropertyName("timeBeforeFolderDeletion")] int TimeBeforeFolderDeletion,
    [property: JsonPropertyName("messageToTransmitter")] bool MessageToTransmitter,
    [property: JsonPropertyName("subscriptionValidation")] string SubscriptionValidation,
    [property: JsonPropertyName("messageWithStatus")] bool MessageWithStatus,
    [property: JsonPropertyName("authorizedAwaiting")] bool AuthorizedAwaiting,
    [property: JsonPropertyName("creationDateTime")] DateTimeOffset CreationDateTime,
    [property: JsonPropertyName("updateDateTime")] DateTimeOffset? UpdateDateTime,
    [property: JsonPropertyName("legalJustification")] string? LegalJustification);

/// <summary>Registration of the referential feature (subscriptions, organisations, processes).</summary>
public static class ReferentialFeature
{
    public static IServiceCollection AddReferential(this IServiceCollection services)
    {
        services.AddScoped<SubscriptionService>();
        return services;
    }

    public static IEndpointRouteBuilder MapReferentialApi(this IEndpointRouteBuilder app) =>
        app.MapSubscriptionApi().MapOrganizationApi().MapProcessApi();
}
