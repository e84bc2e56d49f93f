using System.Linq.Expressions;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using OpenHubee.Api;
using OpenHubee.Auth;
using OpenHubee.Data;

namespace OpenHubee.Features.Referential;

/// <summary>
/// The Organization API of contracts/api_organization_v1.2.0.yaml under /referential/v1 (api.md §2.2). Every
/// 400 says <c>bad request</c> (lower case), except a duplicate, which says "… already exists" as the original hub
/// does (DataPass recognises it). DataPass (DATAPASS, alias SUBCRT) may look up and create instructing services.
/// </summary>
public static partial class OrganizationApi
{
    private const string Base = "/referential/v1";

    public static IEndpointRouteBuilder MapOrganizationApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Base).WithTags("Organization API");
        const string admin = Scopes.Admin, datapass = Scopes.Datapass;

        api.MapPost("/organizations", Create).RequireScopes(admin, datapass);
        api.MapGet("/organizations", List).RequireScopes(admin, datapass);
        api.MapGet("/organizations/{id}", Get).RequireScopes(admin, datapass);
        api.MapPut("/organizations/{id}", Update).RequireScopes(admin);
        return app;
    }

    private static async Task<IResult> Create(HttpContext http, HubDbContext db, AuditLog audit, TimeProvider clock)
    {
        var root = await JsonBody.ParseObjectAsync(http, ApiMessages.OrganizationBadRequest);
        var body = new JsonBody();
        var type = body.String(root, "", "type", required: true, nullable: false, pattern: "^[A-Za-z0-9_]{1,20}$");
        var siret = body.String(root, "", "companyRegister", required: true, nullable: false, pattern: "^[0-9]{14}$");
        var branch = body.String(root, "", "branchCode", required: true, nullable: false, pattern: "^[A-Za-z0-9_-]{1,10}$");
        var fields = ReadFields(body, root, creating: true);
        if (!body.IsValid)
        {
            throw new ApiException(400, ApiMessages.OrganizationBadRequest);
        }

        var caller = http.Caller();
        type = type!.ToUpperInvariant();
        if (caller.Scope == Scopes.Datapass && type != Scopes.Si)
        {
            // DataPass declares instructing services only.
            throw new ApiException(403, ApiMessages.UnauthorizedUser);
        }

        var identifier = $"{type}-{siret}-{branch}";
        if (await db.Organizations.AnyAsync(o => o.Type == type && o.CompanyRegister == siret && o.BranchCode == branch, http.RequestAborted))
        {
            throw new ApiException(400, ApiMessages.OrganizationAlreadyExists(identifier));
        }

        var organization = new Organization
        {
            Id = Guid.NewGuid(), Type = type, CompanyRegister = siret!, BranchCode = branch!, Name = "", CreateDateTime = clock.GetUtcNow(),
        };
        fields(organization);
        db.Organizations.Add(organization);
        audit.Add(organization.Id, SubscriptionApi.Actor(http), "ORGANIZATION_CREATED", identifier);
        try
        {
            await db.SaveChangesAsync(http.RequestAborted);
        }
        catch (DbUpdateException)
        {
            // Two creations of the same organisation at once: the unique index decides.
            throw new ApiException(400, ApiMessages.OrganizationAlreadyExists(identifier));
        }

        return Results.Json(ToDto(organization), statusCode: 201);
    }

    private static async Task<IResult> List(HttpContext http, HubDbContext db)
    {
        var query = http.Request.Query;
        string? Value(params string[] names) => names.Select(n => query[n].ToString()).FirstOrDefault(v => !string.IsNullOrEmpty(v));
        int? Integer(params string[] names) => Value(names) is { } raw
            ? ReferentialQuery.IsInteger(raw, out var v) && v >= 0 ? v : throw new ApiException(400, ApiMessages.OrganizationBadRequest)
            : null;

        var type = Value("type");
        var siret = Value("company_register", "companyRegister");
        var offset = Integer("offSet", "offset") ?? 0;
        var maxResult = Math.Min(Integer("maxResult") ?? ReferentialQuery.DefaultMaxResult, ReferentialQuery.MaxMaxResult);
        var orderBy = Value("orderBy");
        if (orderBy is { Length: > 20 } || siret is { Length: > 14 } || type is { Length: > 20 })
        {
            throw new ApiException(400, ApiMessages.OrganizationBadRequest);
        }

        IQueryable<Organization> q = db.Organizations.AsNoTracking();
        if (type is not null)
        {
            var upper = type.ToUpperInvariant();
            q = q.Where(o => o.Type == upper);
        }

        if (siret is not null)
        {
            q = q.Where(o => o.CompanyRegister == siret);
        }

        var ordered = Order(q, orderBy) ?? throw new ApiException(400, ApiMessages.OrganizationBadRequest);
        var total = await q.CountAsync(http.RequestAborted);
        if (total == 0)
        {
            // The contract answers an empty search with 404 (api.md §5.3).
            throw new ApiException(404, ApiMessages.OrganizationNotFound);
        }

        var page = await ordered.Skip(offset).Take(maxResult).ToListAsync(http.RequestAborted);
        http.Response.Headers["Content-Range"] = ReferentialQuery.ContentRange("Organizations", offset, page.Count, total);
        return Results.Json(page.Select(ToDto).ToList());
    }

    private static async Task<IResult> Get(string id, HttpContext http, HubDbContext db)
    {
        var organization = await FindAsync(db.Organizations.AsNoTracking(), id, http.RequestAborted);
        return Results.Json(ToDto(organization));
    }

    private static async Task<IResult> Update(string id, HttpContext http, HubDbContext db, AuditLog audit, TimeProvider clock)
    {
        var (type, siret, branch) = ParseIdentifier(id);
        var root = await JsonBody.ParseObjectAsync(http, ApiMessages.OrganizationBadRequest);
        var body = new JsonBody();
        var bodyType = body.String(root, "", "type", pattern: "^[A-Za-z0-9_]{1,20}$");
        var bodySiret = body.String(root, "", "companyRegister", pattern: "^[0-9]{14}$");
        var bodyBranch = body.String(root, "", "branchCode", pattern: "^[A-Za-z0-9_-]{1,10}$");
        var fields = ReadFields(body, root, creating: false);
        if (!body.IsValid
            || (bodyType is not null && !bodyType.Equals(type, StringComparison.OrdinalIgnoreCase))
            || (bodySiret is not null && bodySiret != siret) || (bodyBranch is not null && bodyBranch != branch))
        {
            // The identifier is the key: it cannot be changed through the body.
            throw new ApiException(400, ApiMessages.OrganizationBadRequest);
        }

        var organization = await FindAsync(db.Organizations, id, http.RequestAborted);
        fields(organization);
        organization.UpdateDateTime = clock.GetUtcNow();
        audit.Add(organization.Id, SubscriptionApi.Actor(http), "ORGANIZATION_UPDATED", organization.Identifier);
        await db.SaveChangesAsync(http.RequestAborted);
        return Results.Json(ToDto(organization));
    }

    // ---------------- shared ----------------

    /// <summary>Reads the descriptive fields and returns how to apply them (only the fields present, on update).</summary>
    private static Action<Organization> ReadFields(JsonBody body, JsonElement root, bool creating)
    {
        var name = body.String(root, "", "name", required: creating, nullable: false, max: 100);
        var code = body.String(root, "", "code", max: 10);
        var country = body.String(root, "", "country", max: 100);
        var postalCode = body.String(root, "", "postalCode", required: creating, nullable: false, max: 100);
        var territory = body.String(root, "", "territory", required: creating, nullable: false, max: 255);
        var email = body.String(root, "", "email", max: 320, email: true);
        var phone = body.String(root, "", "phoneNumber", pattern: JsonBody.PhonePattern);
        var status = body.String(root, "", "status", nullable: false, max: 20);
        bool Has(string field) => creating || JsonBody.IsPresent(root, field);
        return o =>
        {
            if (name is not null)
            {
                o.Name = name;
            }

            if (postalCode is not null)
            {
                o.PostalCode = postalCode;
            }

            if (territory is not null)
            {
                o.Territory = territory;
            }

            if (status is not null)
            {
                o.Status = status;
            }

            if (Has("code"))
            {
                o.Code = code;
            }

            if (Has("country"))
            {
                o.Country = country;
            }

            if (Has("email"))
            {
                o.Email = email;
            }

            if (Has("phoneNumber"))
            {
                o.PhoneNumber = phone;
            }
        };
    }

    /// <summary><c>TYPE-SIRET-BRANCHCODE</c>, where the branch code may contain '-' (organization swagger 1.1.1).</summary>
    private static (string Type, string Siret, string Branch) ParseIdentifier(string id)
    {
        var match = Identifier().Match(id);
        return match.Success
            ? (match.Groups[1].Value.ToUpperInvariant(), match.Groups[2].Value, match.Groups[3].Value)
            : throw new ApiException(400, ApiMessages.OrganizationBadRequest);
    }

    private static async Task<Organization> FindAsync(IQueryable<Organization> organizations, string id, CancellationToken ct)
    {
        var (type, siret, branch) = ParseIdentifier(id);
        return await organizations.FirstOrDefaultAsync(o => o.Type == type && o.CompanyRegister == siret && o.BranchCode == branch, ct)
            ?? throw new ApiException(404, ApiMessages.OrganizationNotFound);
    }

    private static IQueryable<Organization>? Order(IQueryable<Organization> q, string? orderBy)
    {
        if (orderBy is null)
        {
            return q.OrderBy(o => o.Type).ThenBy(o => o.CompanyRegister).ThenBy(o => o.BranchCode);
        }

        if (ReferentialQuery.ParseOrderBy(orderBy) is not var (column, desc))
        {
            return null;
        }

        IQueryable<Organization> By<TKey>(Expression<Func<Organization, TKey>> key) =>
            (desc ? q.OrderByDescending(key) : q.OrderBy(key)).ThenBy(o => o.Id);

        return column switch
        {
            "code" => By(o => o.Code),
            "type" => By(o => o.Type),
            "name" => By(o => o.Name),
            "company_register" => By(o => o.CompanyRegister),
            "branche_code" or "branch_code" => By(o => o.BranchCode),
            "country" => By(o => o.Country),
            "postal_code" => By(o => o.PostalCode),
            "territory" => By(o => o.Territory),
            "email" => By(o => o.Email),
            "phone_number" => By(o => o.PhoneNumber),
            "status" => By(o => o.Status),
            "create_date_time" => By(o => o.CreateDateTime),
            _ => null,
        };
    }

    internal static OrganizationDto ToDto(Organization o) => new(o.Type, o.CompanyRegister, o.BranchCode, o.Name, o.Code, o.Country, o.PostalCode,
        o.Territory, o.Email, o.PhoneNumber, o.Status, o.CreateDateTime, o.UpdateDateTime);

    [GeneratedRegex("^([A-Za-z0-9_]{1,20})-([0-9]{14})-([A-Za-z0-9_-]{1,10})$")]
    private static partial Regex Identifier();
}

internal sealed record OrganizationDto(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("companyRegister")] string CompanyRegister,
    [property: JsonPropertyName("branchCode")] string BranchCode,
    [property: JsonPropertyName("name")] string Name,
    [property: JsonPropertyName("code")] string? Code,
    [property: JsonPropertyName("country")] string? Country,
    [property: JsonPropertyName("postalCode")] string PostalCode,
    [property: JsonPropertyName("territory")] string Territory,
    [property: JsonPropertyName("email")] string? Email,
    [property: JsonPropertyName("phoneNumber")] string? PhoneNumber,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("createDateTime")] DateTimeOffset CreateDateTime,
    [property: JsonPropertyName("updateDateTime")] DateTimeOffset? UpdateDateTime);
