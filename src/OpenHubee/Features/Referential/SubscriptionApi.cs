using System.Linq.Expressions;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using OpenHubee.Api;
using OpenHubee.Auth;
using OpenHubee.Data;
using OpenHubee.Domain;

namespace OpenHubee.Features.Referential;

/// <summary>The Subscription API of contracts/api_subscription_v1.2.3.yaml under /referential/v1 (api.md §2.4).</summary>
public static class SubscriptionApi
{
    private const string Base = "/referential/v1";
    private const string InvalidBody = "#: Body is not a valid JSON object";

    public static IEndpointRouteBuilder MapSubscriptionApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Base).WithTags("Subscription API");
        const string osl = Scopes.Osl, admin = Scopes.Admin, datapass = Scopes.Datapass;

        api.MapPost("/subscriptions", Create).RequireScopes(datapass, admin);
        api.MapGet("/subscriptions", List).RequireScopes(osl, admin);
        api.MapGet("/subscriptions/{subscriptionId}", Get).RequireScopes(osl, admin);
        api.MapPut("/subscriptions/{subscriptionId}", Update).RequireScopes(admin);
        return app;
    }

    private static async Task<IResult> Create(HttpContext http, SubscriptionService subscriptions, IConfiguration configuration)
    {
        var root = await JsonBody.ParseObjectAsync(http, InvalidBody);
        var body = new JsonBody();
        var datapassId = body.Long(root, "", "datapassId", required: true, nullable: false);
        var processCode = body.String(root, "", "processCode", required: true, nullable: false, max: 30);
        var subscriber = ReadOrganizationIdentifier(body, root, "subscriber", required: true);
        var localAdministrator = ReadContact(body, root, "localAdministrator", required: true);
        var delegationActor = ReadContact(body, root, "delegationActor", required: false);
        var status = body.String(root, "", "status", max: 20);
        var accessMode = body.String(root, "", "accessMode", max: 7);
        var frequency = body.String(root, "", "notificationFrequency", max: 20);
        var email = body.String(root, "", "email", max: 320, email: true);
        var activateDay = body.ParisDay(root, "", "activateDateTime");
        var validate = body.DateTime(root, "", "validateDateTime");
        var reject = body.DateTime(root, "", "rejectDateTime");
        var end = body.DateTime(root, "", "endDateTime");
        var rejectionReason = body.String(root, "", "rejectionReason", max: 1000);
        if (!body.IsValid)
        {
            throw new ApiException(400, body.Message);
        }

        var request = new NewSubscription(datapassId!.Value, processCode!, subscriber!, localAdministrator!, delegationActor, status, frequency, email,
            accessMode, activateDay, validate, reject, rejectionReason, end);
        var subscription = await RunRules(() => subscriptions.CreateAsync(request, Actor(http), http.RequestAborted));
        return Results.Json(ToDto(subscription, http, configuration, localAdministrator, delegationActor), statusCode: 201);
    }

    private static readonly HashSet<string> ListParameters = new(StringComparer.OrdinalIgnoreCase)
        { "processCode", "status", "companyRegister", "delegationActorEmail", "orderBy", "offSet", "maxResult" };

    private static async Task<IResult> List(HttpContext http, HubDbContext db, TimeProvider clock, IConfiguration configuration)
    {
        const string path = Base + "/subscriptions";
        var query = http.Request.Query;
        string Gateway(string parameter, string detail) => ApiMessages.Validation("GET", path, "query." + parameter, detail);
        foreach (var name in query.Keys)
        {
            if (!ListParameters.Contains(name))
            {
                throw new ApiException(400, Gateway(name, $"Query parameter '{name}' is unexpected on path \"/subscriptions\""));
            }
        }

        string? Single(string name, int max, string? pattern = null)
        {
            var raw = query[name].ToString();
            if (string.IsNullOrEmpty(raw))
            {
                return null;
            }

            if (raw.Length > max)
            {
                throw new ApiException(400, Gateway(name, $"String \"{raw}\" is too long (length: {raw.Length}, maximum allowed: {max})"));
            }

            if (pattern is not null && !Regex.IsMatch(raw, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)))
            {
                throw new ApiException(400, Gateway(name, $"ECMA 262 regex \"{pattern}\" does not match input string \"{raw}\""));
            }

            return raw;
        }

        int? Integer(string name)
        {
            var raw = query[name].ToString();
            if (string.IsNullOrEmpty(raw))
            {
                return null;
            }

            if (!ReferentialQuery.IsInteger(raw, out var value))
            {
                throw new ApiException(400, Gateway(name, "Instance type (string) does not match any allowed primitive type (allowed: [\"integer\"])"));
            }

            return value < 0 ? throw new ApiException(400, $"#/{name}: Integer is not a valid value") : value;
        }

        var companyRegister = Single("companyRegister", 14, "[0-9]{14}");
        var delegationActorEmail = Single("delegationActorEmail", 320, JsonBody.ContactEmailPattern);
        var statusFilter = Single("status", 20);
        var orderByRaw = Single("orderBy", 40);
        var offset = Integer("offSet") ?? 0;
        var maxResult = Math.Min(Integer("maxResult") ?? ReferentialQuery.DefaultMaxResult, ReferentialQuery.MaxMaxResult);
        var processCodes = query["processCode"].SelectMany(v => (v ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToList();

        var now = clock.GetUtcNow();
        var caller = http.Caller();
        IQueryable<Subscription> q = db.Subscriptions.AsNoTracking().Include(s => s.Subscriber).Include(s => s.Editor);
        if (caller.IsOsl)
        {
            // An operator sees the subscriptions to its own processes only.
            q = q.Where(s => s.Process!.OslOrganizationId == caller.OrganizationId);
        }

        if (processCodes.Count > 0)
        {
            q = q.Where(s => processCodes.Contains(s.ProcessCode));
        }

        if (statusFilter is not null)
        {
            q = q.Where(SubscriptionLifecycle.HasStatusAt(SubscriptionRules.CanonicalStatus(statusFilter) ?? statusFilter, now));
        }

        if (companyRegister is not null)
        {
            q = q.Where(s => s.Subscriber!.CompanyRegister == companyRegister);
        }

        if (delegationActorEmail is not null)
        {
            var lowered = delegationActorEmail.ToLowerInvariant();
#pragma warning disable CA1862 // translated to SQL: lower() is what the database understands
            q = q.Where(s => s.DelegationActorEmail != null && s.DelegationActorEmail.ToLower() == lowered);
#pragma warning restore CA1862
        }

        var ordered = Order(q, orderByRaw, now) ?? throw new ApiException(400, "#/orderBy: String is not a valid value");
        var total = await q.CountAsync(http.RequestAborted);
        var page = await ordered.Skip(offset).Take(maxResult).ToListAsync(http.RequestAborted);
        http.Response.Headers["Content-Range"] = ReferentialQuery.ContentRange("Susbscriptions", offset, page.Count, total);
        return Results.Json(page.Select(s => ToDto(s, http, configuration)).ToList());
    }

    private static async Task<IResult> Get(string subscriptionId, HttpContext http, HubDbContext db, IConfiguration configuration)
    {
        var id = ParseId(subscriptionId, "GET");
        var subscription = await db.Subscriptions.AsNoTracking().Include(s => s.Subscriber).Include(s => s.Editor).Include(s => s.Process)
            .FirstOrDefaultAsync(s => s.Id == id, http.RequestAborted) ?? throw new ApiException(404, ApiMessages.SubscriptionNotFound);
        var caller = http.Caller();
        if (caller.IsOsl && subscription.Process!.OslOrganizationId != caller.OrganizationId)
        {
            throw new ApiException(403, ApiMessages.UnauthorizedUser);
        }

        return Results.Json(ToDto(subscription, http, configuration));
    }

    private static async Task<IResult> Update(string subscriptionId, HttpContext http, HubDbContext db, SubscriptionService subscriptions, IConfiguration configuration)
    {
        var id = ParseId(subscriptionId, "PUT");
        var root = await JsonBody.ParseObjectAsync(http, InvalidBody);
        var body = new JsonBody();
        var change = new SubscriptionChange();
        var datapassId = body.Long(root, "", "datapassId");
        var processCode = body.String(root, "", "processCode", max: 30);
        var subscriber = ReadOrganizationIdentifier(body, root, "subscriber", required: false);
        var localAdministrator = ReadEmailOnly(body, root, "localAdministrator");
        var delegationActor = ReadEmailOnly(body, root, "delegationActor");
        var editor = ReadOrganizationIdentifier(body, root, "editor", required: false);
        var status = body.String(root, "", "status", max: 20);
        var accessMode = body.String(root, "", "accessMode", max: 7);
        var frequency = body.String(root, "", "notificationFrequency", max: 20);
        var email = body.String(root, "", "email", max: 320, email: true);
        var activateDay = body.ParisDay(root, "", "activateDateTime");
        var suspendDay = body.ParisDay(root, "", "suspendDateTime");
        var end = body.DateTime(root, "", "endDateTime");
        if (!body.IsValid)
        {
            throw new ApiException(400, body.Message);
        }

        var existing = await db.Subscriptions.AsNoTracking().Include(s => s.Subscriber).FirstOrDefaultAsync(s => s.Id == id, http.RequestAborted)
            ?? throw new ApiException(404, ApiMessages.SubscriptionNotFound);

        // What identifies a subscription (the request, the process, the SI) never changes.
        var fixedFields = new List<RuleViolation>();
        if (datapassId is not null && datapassId != existing.DatapassId)
        {
            fixedFields.Add(new("datapassId", "Value cannot be modified"));
        }

        if (processCode is not null && processCode != existing.ProcessCode)
        {
            fixedFields.Add(new("processCode", "Value cannot be modified"));
        }

        if (subscriber is not null && subscriber != OrganizationIdentifierDto.From(existing.Subscriber!))
        {
            fixedFields.Add(new("subscriber", "Value cannot be modified"));
        }

        if (fixedFields.Count > 0)
        {
            throw new ApiException(400, string.Join(", ", fixedFields.Select(v => v.ToApiMessage())));
        }

        static bool Has(JsonElement root, string name) => JsonBody.IsPresent(root, name);
        change = change with
        {
            AccessMode = Has(root, "accessMode") ? accessMode : default(Optional<string?>),
            NotificationFrequency = Has(root, "notificationFrequency") ? frequency : default(Optional<string?>),
            Email = Has(root, "email") ? email : default(Optional<string?>),
            Status = Has(root, "status") ? status : default(Optional<string?>),
            ActivateDay = Has(root, "activateDateTime") ? activateDay : default(Optional<DateOnly?>),
            SuspendDay = Has(root, "suspendDateTime") ? suspendDay : default(Optional<DateOnly?>),
            EndDateTime = Has(root, "endDateTime") ? end : default(Optional<DateTimeOffset?>),
            DelegationActorEmail = Has(root, "delegationActor") ? delegationActor : default(Optional<string?>),
            LocalAdministratorEmail = Has(root, "localAdministrator") ? localAdministrator : default(Optional<string?>),
            Editor = Has(root, "editor") ? editor : default(Optional<OrganizationIdentifierDto?>),
        };

        var updated = await RunRules(() => subscriptions.UpdateAsync(id, change, Actor(http), http.RequestAborted))
            ?? throw new ApiException(404, ApiMessages.SubscriptionNotFound);
        return Results.Json(ToDto(updated, http, configuration));
    }

    // ---------------- shared ----------------

    internal static string Actor(HttpContext http) => "api:" + http.Caller().ClientId;

    private static async Task<T> RunRules<T>(Func<Task<T>> action)
    {
        try
        {
            return await action();
        }
        catch (SubscriptionRuleException e)
        {
            throw new ApiException(400, string.Join(", ", e.Violations.Select(v => v.ToApiMessage())));
        }
    }

    private static Guid ParseId(string raw, string method) =>
        Guid.TryParse(raw, out var id) ? id : throw new ApiException(400, ApiMessages.InvalidUuid(method, $"{Base}/subscriptions/{raw}", "subscriptionId", raw));

    internal static OrganizationIdentifierDto? ReadOrganizationIdentifier(JsonBody body, JsonElement root, string name, bool required)
    {
        if (body.Object(root, "", name, required) is not { } o)
        {
            return null;
        }

        var parent = "/" + name;
        var type = body.String(o, parent, "type", required: true, nullable: false, max: 20);
        var siret = body.String(o, parent, "companyRegister", required: true, nullable: false, max: 14, pattern: "^[0-9]{14}$");
        var branch = body.String(o, parent, "branchCode", required: true, nullable: false, max: 10);
        return type is null || siret is null || branch is null ? null : new OrganizationIdentifierDto(type.ToUpperInvariant(), siret, branch);
    }

    private static ContactDto? ReadContact(JsonBody body, JsonElement root, string name, bool required)
    {
        if (body.Object(root, "", name, required) is not { } o)
        {
            return null;
        }

        var parent = "/" + name;
        var firstName = body.String(o, parent, "firstName", max: 255);
        var lastName = body.String(o, parent, "lastName", max: 255);
        var email = body.String(o, parent, "email", required: true, nullable: false, max: 320, pattern: JsonBody.ContactEmailPattern, email: true);
        var function = body.String(o, parent, "function", max: 255);
        var phone = body.String(o, parent, "phoneNumber", pattern: JsonBody.PhonePattern);
        var mobile = body.String(o, parent, "mobileNumber", pattern: JsonBody.PhonePattern);
        return email is null ? null : new ContactDto(firstName, lastName, email, function, phone, mobile);
    }

    /// <summary>The <c>{email}</c> objects of the Subscription schema (the other contact fields are accepted and ignored on PUT).</summary>
    private static string? ReadEmailOnly(JsonBody body, JsonElement root, string name) =>
        body.Object(root, "", name) is { } o
            ? body.String(o, "/" + name, "email", required: true, nullable: false, max: 320, pattern: JsonBody.ContactEmailPattern, email: true)
            : null;

    private static IQueryable<Subscription>? Order(IQueryable<Subscription> q, string? orderBy, DateTimeOffset now)
    {
        if (orderBy is null)
        {
            return q.OrderBy(s => s.CreateDateTime).ThenBy(s => s.Id);
        }

        if (ReferentialQuery.ParseOrderBy(orderBy) is not var (column, desc))
        {
            return null;
        }

        IQueryable<Subscription> By<TKey>(Expression<Func<Subscription, TKey>> key) =>
            (desc ? q.OrderByDescending(key) : q.OrderBy(key)).ThenBy(s => s.Id);

        return column switch
        {
            "id" => desc ? q.OrderByDescending(s => s.Id) : q.OrderBy(s => s.Id),
            "datapass_id" => By(s => s.DatapassId),
            "si_type" => By(s => s.Subscriber!.Type),
            "si_company_register" => By(s => s.Subscriber!.CompanyRegister),
            "si_branch_code" => By(s => s.Subscriber!.BranchCode),
            "notification_frequency" => By(s => s.NotificationFrequency),
            "access_mode" => By(s => s.AccessMode),
            "delegation_actor" => By(s => s.DelegationActorEmail),
            "email" => By(s => s.Email),
            "local_admin" => By(s => s.LocalAdministratorEmail),
            "rejection_reason" => By(s => s.RejectionReason),
            // The status readers see, computed in the query like SubscriptionLifecycle.StatusAt.
            "status" => By(s => s.Status == SubscriptionStatus.Refuse ? SubscriptionStatus.Refuse
                : s.SuspendDateTime != null && s.SuspendDateTime <= now ? SubscriptionStatus.Suspendu
                : s.ActivateDateTime != null && s.ActivateDateTime <= now ? SubscriptionStatus.Actif
                : SubscriptionStatus.Inactif),
            "activate_date_time" => By(s => s.ActivateDateTime),
            "validate_date_time" => By(s => s.ValidateDateTime),
            "reject_date_time" => By(s => s.RejectDateTime),
            "end_date_time" => By(s => s.EndDateTime),
            "update_date_time" => By(s => s.UpdateDateTime),
            "process_code" => By(s => s.ProcessCode),
            _ => null,
        };
    }

    internal static SubscriptionDto ToDto(Subscription s, HttpContext http, IConfiguration configuration, ContactDto? localAdministrator = null, ContactDto? delegationActor = null)
    {
        var now = http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
        var extensions = configuration.GetValue("OpenHubee:Referential:SubscriptionExtensions", true);
        return new SubscriptionDto(s.Id, s.DatapassId, s.ProcessCode, OrganizationIdentifierDto.From(s.Subscriber!), s.AccessMode, s.NotificationFrequency,
            s.ActivateDateTime, s.ValidateDateTime, s.RejectDateTime, s.EndDateTime, s.UpdateDateTime,
            delegationActor ?? (object?)(s.DelegationActorEmail is null ? null : new EmailDto(s.DelegationActorEmail)),
            s.RejectionReason, SubscriptionLifecycle.StatusAt(s, now), s.Email,
            localAdministrator ?? (object)new EmailDto(s.LocalAdministratorEmail),
            s.CreateDateTime,
            extensions ? s.SuspendDateTime : null,
            extensions && s.Editor is not null ? OrganizationIdentifierDto.From(s.Editor) : null);
    }
}

internal sealed record EmailDto([property: JsonPropertyName("email")] string Email);

/// <summary>The Subscription schema; <c>creationDateTime</c> is returned by the original hub too. <c>suspendDateTime</c> and <c>editor</c> are OpenHubEE extensions, written only when set.</summary>
internal sealed record SubscriptionDto(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("datapassId")] long DatapassId,
    [property: JsonPropertyName("processCode")] string ProcessCode,
    [property: JsonPropertyName("subscriber")] OrganizationIdentifierDto Subscriber,
    [property: JsonPropertyName("accessMode")] string? AccessMode,
    [property: JsonPropertyName("notificationFrequency")] string NotificationFrequency,
    [property: JsonPropertyName("activateDateTime")] DateTimeOffset? ActivateDateTime,
    [property: JsonPropertyName("validateDateTime")] DateTimeOffset? ValidateDateTime,
    [property: JsonPropertyName("rejectDateTime")] DateTimeOffset? RejectDateTime,
    [property: JsonPropertyName("endDateTime")] DateTimeOffset? EndDateTime,
    [property: JsonPropertyName("updateDateTime")] DateTimeOffset? UpdateDateTime,
    [property: JsonPropertyName("delegationActor")] object? DelegationActor,
    [property: JsonPropertyName("rejectionReason")] string? RejectionReason,
    [property: JsonPropertyName("status")] string? Status,
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("localAdministrator")] object LocalAdministrator,
    [property: JsonPropertyName("creationDateTime")] DateTimeOffset CreationDateTime,
    [property: JsonPropertyName("suspendDateTime"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? SuspendDateTime,
    [property: JsonPropertyName("editor"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] OrganizationIdentifierDto? Editor);
