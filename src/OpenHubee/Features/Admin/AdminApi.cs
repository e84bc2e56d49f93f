using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using OpenHubee.Api;
using OpenHubee.Auth;
using OpenHubee.Data;

namespace OpenHubee.Features.Admin;

/// <summary>
/// OpenHubEE's own administration API (not a HubEE contract): API clients of organisations and the
/// credentials of subscriptions, including the import of existing credentials when a hub is migrated.
/// </summary>
public static partial class AdminApi
{
    private const string Base = "/admin/v1";

    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(Base).WithTags("OpenHubEE administration").RequireScopes(Scopes.Admin);

        api.MapPost("/organizations/{organization}/clients", CreateClient).Produces<CreatedClientDto>(201).ProducesErrors(409)
            .WithSummary("Creates an API client (OSL, DATAPASS or ADMIN) of an organisation; the secret is returned once.");
        api.MapGet("/organizations/{organization}/clients", ListClients).Produces<IReadOnlyList<ApiClientDto>>().ProducesErrors()
            .WithSummary("Lists the API clients of an organisation, without secrets.");
        api.MapGet("/subscriptions/{subscriptionId}/credentials", GetCredentials).Produces<CredentialsDto>().ProducesErrors()
            .WithSummary("Reads a subscription's client id and secret (audited).");
        api.MapPut("/subscriptions/{subscriptionId}/credentials", ImportCredentials).Produces<CredentialsDto>().ProducesErrors(409)
            .WithSummary("Imports given credentials for a subscription, replacing the current ones.");
        api.MapPost("/subscriptions/{subscriptionId}/credentials/regenerate", RegenerateCredentials).Produces<CredentialsDto>().ProducesErrors()
            .WithSummary("Regenerates a subscription's secret: the old secret and every token issued with it stop working at once.");
        return app;
    }

    public const string OrganizationNotFound = "Organization is not found";
    public const string SubscriptionNotFound = "Subscription is not found";
    public const string CredentialsNotFound = "Subscription has no credentials yet";
    public const string ScopeInvalid = "scope must be one of OSL, DATAPASS, ADMIN (SI credentials belong to a subscription: use /admin/v1/subscriptions/{id}/credentials)";
    public const string ClientIdInvalid = "clientId must be 1 to 100 characters among letters, digits and . _ ~ -";
    public const string ClientSecretInvalid = "clientSecret must be 8 to 200 printable characters without spaces";
    public const string ImportBodyInvalid = "clientId and clientSecret are both required";

    public static string ClientIdTaken(string clientId) => $"Client id {clientId} already exists";

    public static string ScopeOrganizationMismatch(string scope, string type) => $"A {scope} client must belong to an organization of type {(scope == Scopes.Osl ? Scopes.Osl : Scopes.Admin)}, not {type}";

    // ---------------- organisations' clients ----------------

    private static async Task<IResult> CreateClient(string organization, [FromBody] NewApiClientRequest? request, HttpContext http, HubDbContext db, ApiClientService clients)
    {
        var owner = await FindOrganizationAsync(db, organization, http.RequestAborted);
        var scope = Scopes.Canonical(request?.Scope);
        if (scope is null or Scopes.Si)
        {
            throw new ApiException(400, ScopeInvalid);
        }

        // The API caller's organisation type is what its tokens speak for: keep them consistent.
        var expectedType = scope == Scopes.Osl ? Scopes.Osl : Scopes.Admin;
        if (!string.Equals(owner.Type, expectedType, StringComparison.OrdinalIgnoreCase))
        {
            throw new ApiException(400, ScopeOrganizationMismatch(scope, owner.Type));
        }

        ValidateGiven(request!.ClientId, request.ClientSecret);
        await EnsureFreeAsync(db, request.ClientId, http.RequestAborted);
        var (client, secret) = await clients.CreateAsync(scope, owner.Id, null, Actor(http), request.ClientId, request.ClientSecret, http.RequestAborted);
        return TypedResults.Json(new CreatedClientDto(client.ClientId, secret, client.Scope, owner.Id, owner.Identifier, client.CreateDateTime), statusCode: 201);
    }

    private static async Task<IResult> ListClients(string organization, HttpContext http, HubDbContext db)
    {
        var owner = await FindOrganizationAsync(db, organization, http.RequestAborted);
        var list = await db.ApiClients.AsNoTracking()
            .Where(c => c.OrganizationId == owner.Id)
            .Select(c => new { c.ClientId, c.Scope, c.SubscriptionId, ProcessCode = (string?)c.Subscription!.ProcessCode, c.CreateDateTime, c.SecretRegeneratedDateTime })
            .ToListAsync(http.RequestAborted);
        return TypedResults.Json(list
            .OrderBy(c => c.CreateDateTime).ThenBy(c => c.ClientId, StringComparer.Ordinal)
            .Select(c => new ApiClientDto(c.ClientId, c.Scope, owner.Id, owner.Identifier, c.SubscriptionId, c.ProcessCode, c.CreateDateTime, c.SecretRegeneratedDateTime))
            .ToList());
    }

    // ---------------- subscriptions' credentials ----------------

    private static async Task<IResult> GetCredentials(string subscriptionId, HttpContext http, HubDbContext db, ApiClientService clients)
    {
        var subscription = await FindSubscriptionAsync(db, subscriptionId, http.RequestAborted);
        var client = await SubscriptionClientAsync(db, subscription.Id, http.RequestAborted) ?? throw new ApiException(404, CredentialsNotFound);
        var secret = await clients.RevealSecretAsync(client, Actor(http), http.RequestAborted);
        return TypedResults.Json(new CredentialsDto(subscription.Id, client.ClientId, secret));
    }

    private static async Task<IResult> ImportCredentials(string subscriptionId, [FromBody] CredentialsRequest? request, HttpContext http, HubDbContext db, ApiClientService clients)
    {
        var subscription = await FindSubscriptionAsync(db, subscriptionId, http.RequestAborted);
        if (string.IsNullOrWhiteSpace(request?.ClientId) || string.IsNullOrEmpty(request.ClientSecret))
        {
            throw new ApiException(400, ImportBodyInvalid);
        }

        ValidateGiven(request.ClientId, request.ClientSecret);
        var actor = Actor(http);
        var current = await SubscriptionClientAsync(db, subscription.Id, http.RequestAborted);
        if (current is not null && current.ClientId == request.ClientId)
        {
            await clients.RegenerateSecretAsync(current, actor, request.ClientSecret, http.RequestAborted);
        }
        else
        {
            await EnsureFreeAsync(db, request.ClientId, http.RequestAborted);
            if (current is not null)
            {
                await clients.DeleteAsync(current, actor, http.RequestAborted);
            }

            await clients.CreateAsync(Scopes.Si, subscription.SubscriberOrganizationId, subscription.Id, actor, request.ClientId, request.ClientSecret, http.RequestAborted);
        }

        return TypedResults.Json(new CredentialsDto(subscription.Id, request.ClientId, null));
    }

    private static async Task<IResult> RegenerateCredentials(string subscriptionId, HttpContext http, HubDbContext db, ApiClientService clients)
    {
        var subscription = await FindSubscriptionAsync(db, subscriptionId, http.RequestAborted);
        var client = await SubscriptionClientAsync(db, subscription.Id, http.RequestAborted);
        if (client is null)
        {
            var (created, secret) = await clients.CreateAsync(Scopes.Si, subscription.SubscriberOrganizationId, subscription.Id, Actor(http), ct: http.RequestAborted);
            return TypedResults.Json(new CredentialsDto(subscription.Id, created.ClientId, secret));
        }

        var newSecret = await clients.RegenerateSecretAsync(client, Actor(http), ct: http.RequestAborted);
        return TypedResults.Json(new CredentialsDto(subscription.Id, client.ClientId, newSecret));
    }

    // ---------------- shared ----------------

    private static RouteHandlerBuilder ProducesErrors(this RouteHandlerBuilder builder, params int[] more)
    {
        foreach (var status in new[] { 400, 401, 403, 404 }.Concat(more))
        {
            builder.Produces<ApiErrorBody>(status);
        }

        return builder;
    }

    private static string Actor(HttpContext http) => "api:" + http.Caller().ClientId;

    /// <summary>An organisation by id, or by its HubEE identifier TYPE-SIRET-BRANCHCODE.</summary>
    private static async Task<Organization> FindOrganizationAsync(HubDbContext db, string raw, CancellationToken ct)
    {
        Organization? found = null;
        if (Guid.TryParse(raw, out var id))
        {
            found = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Id == id, ct);
        }
        else if (IdentifierPattern().Match(raw) is { Success: true } m)
        {
            var (type, siret, branch) = (m.Groups[1].Value.ToUpperInvariant(), m.Groups[2].Value, m.Groups[3].Value);
            found = await db.Organizations.AsNoTracking().FirstOrDefaultAsync(o => o.Type == type && o.CompanyRegister == siret && o.BranchCode == branch, ct);
        }
        else
        {
            throw new ApiException(400, "organization must be an id or an identifier TYPE-SIRET-BRANCHCODE");
        }

        return found ?? throw new ApiException(404, OrganizationNotFound);
    }

    private static async Task<Subscription> FindSubscriptionAsync(HubDbContext db, string raw, CancellationToken ct)
    {
        if (!Guid.TryParse(raw, out var id))
        {
            throw new ApiException(400, "subscriptionId must be a UUID");
        }

        return await db.Subscriptions.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, ct) ?? throw new ApiException(404, SubscriptionNotFound);
    }

    /// <summary>One pair per subscription (portal.md §4.5).</summary>
    private static Task<ApiClient?> SubscriptionClientAsync(HubDbContext db, Guid subscriptionId, CancellationToken ct) =>
        db.ApiClients.Where(c => c.SubscriptionId == subscriptionId && c.Scope == Scopes.Si).OrderBy(c => c.CreateDateTime).FirstOrDefaultAsync(ct);

    private static void ValidateGiven(string? clientId, string? clientSecret)
    {
        if (clientId is not null && !ClientIdPattern().IsMatch(clientId))
        {
            throw new ApiException(400, ClientIdInvalid);
        }

        if (clientSecret is not null && (clientSecret.Length is < 8 or > 200 || clientSecret.Any(c => char.IsWhiteSpace(c) || char.IsControl(c))))
        {
            throw new ApiException(400, ClientSecretInvalid);
        }
    }

    private static async Task EnsureFreeAsync(HubDbContext db, string? clientId, CancellationToken ct)
    {
        if (clientId is not null && await db.ApiClients.AnyAsync(c => c.ClientId == clientId, ct))
        {
            throw new ApiException(409, ClientIdTaken(clientId));
        }
    }

    [GeneratedRegex("^[A-Za-z0-9._~-]{1,100}$")]
    private static partial Regex ClientIdPattern();

    // OSL and ADMIN organisations have the branch code "-".
    [GeneratedRegex(@"^(\w{1,20})-([0-9]{14})-([\w-]{1,10})$")]
    private static partial Regex IdentifierPattern();
}

public sealed record NewApiClientRequest(string? Scope, string? ClientId, string? ClientSecret);

public sealed record CredentialsRequest(string? ClientId, string? ClientSecret);

public sealed record CreatedClientDto(string ClientId, string ClientSecret, string Scope, Guid OrganizationId, string Organization, DateTimeOffset CreateDateTime);

public sealed record ApiClientDto(
    string ClientId, string Scope, Guid OrganizationId, string Organization, Guid? SubscriptionId, string? ProcessCode,
    DateTimeOffset CreateDateTime, DateTimeOffset? SecretRegeneratedDateTime);

/// <summary>A subscription's credentials; the secret is only present when it is revealed or newly generated.</summary>
public sealed record CredentialsDto(Guid SubscriptionId, string ClientId, string? ClientSecret);
