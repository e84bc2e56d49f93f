using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using OpenHubee.Api;
using OpenHubee.Data;
using OpenIddict.Abstractions;
using OpenIddict.Validation.AspNetCore;

namespace OpenHubee.Auth;

/// <summary>
/// Who is calling the API: (scope, organisation, and for an SI its subscription hence its process).
/// Every right of the API is decided from this identity by <see cref="HubAccess"/>.
/// </summary>
public sealed record ApiCaller(
    string ClientId,
    string Scope,
    Guid OrganizationId,
    OrganizationIdentifierDto Organization,
    Guid? SubscriptionId,
    string? ProcessCode,
    PartnerInfoDto? PartnerInfo,
    string Channel = AccessMode.Api)
{
    public bool IsAdmin => Scope == Scopes.Admin;
    public bool IsOsl => Scope == Scopes.Osl;
    public bool IsSi => Scope == Scopes.Si;
}

public static class ApiCallerExtensions
{
    private const string ItemKey = "OpenHubee.ApiCaller";

    public static ApiCaller Caller(this HttpContext http) =>
        http.Items[ItemKey] as ApiCaller ?? throw new InvalidOperationException("The endpoint has no RequireScopes filter.");

    /// <summary>Authenticates the bearer token, loads the caller's identity and checks the endpoint's scopes.</summary>
    public static TBuilder RequireScopes<TBuilder>(this TBuilder builder, params string[] scopes) where TBuilder : IEndpointConventionBuilder
    {
        builder.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var result = await http.AuthenticateAsync(OpenIddictValidationAspNetCoreDefaults.AuthenticationScheme);
            var clientId = result.Succeeded ? result.Principal.GetClaim(OpenIddictConstants.Claims.Subject) : null;
            if (clientId is null)
            {
                return Results.Json(new ApiErrorBody([new ApiErrorItem(900901, ApiMessages.InvalidCredentials)]), statusCode: 401);
            }

            var db = http.RequestServices.GetRequiredService<HubDbContext>();
            var client = await db.ApiClients.AsNoTracking()
                .Where(c => c.ClientId == clientId)
                .Select(c => new { c.Scope, c.OrganizationId, c.Organization!.Type, c.Organization.CompanyRegister, c.Organization.BranchCode, c.SubscriptionId, ProcessCode = (string?)c.Subscription!.ProcessCode, c.SecretRegeneratedDateTime })
                .FirstOrDefaultAsync(http.RequestAborted);
            // A token obtained with a secret that has since been regenerated is revoked (TokenServer.SecretStampClaim).
            if (client is null || (result.Principal!.GetClaim(TokenServer.SecretStampClaim) ?? "0") != TokenServer.SecretStamp(client.SecretRegeneratedDateTime))
            {
                return Results.Json(new ApiErrorBody([new ApiErrorItem(900901, ApiMessages.InvalidCredentials)]), statusCode: 401);
            }

            if (!scopes.Contains(client.Scope) || !result.Principal!.HasScope(client.Scope))
            {
                return ApiResults.Error(403, ApiMessages.UnauthorizedUser);
            }

            http.Items[ItemKey] = new ApiCaller(clientId, client.Scope, client.OrganizationId,
                new OrganizationIdentifierDto(client.Type, client.CompanyRegister, client.BranchCode),
                client.SubscriptionId, client.ProcessCode, PartnerInfoDto.FromHeaders(http.Request.Headers));
            return await next(context);
        });
        return builder;
    }
}
