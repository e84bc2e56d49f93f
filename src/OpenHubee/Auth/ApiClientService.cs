using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using OpenHubee.Data;
using OpenIddict.Abstractions;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OpenHubee.Auth;

/// <summary>
/// The one place where API credentials are created, revealed and regenerated. The secret is verified
/// by hash at the token endpoint (OpenIddict) and kept encrypted with Data Protection so that
/// authorised people can copy it; regenerating revokes every token issued with the old secret.
/// </summary>
public sealed class ApiClientService(
    HubDbContext db,
    IOpenIddictApplicationManager applications,
    IDataProtectionProvider dataProtection,
    AuditLog audit,
    TimeProvider clock)
{
    private readonly IDataProtector protector = dataProtection.CreateProtector("OpenHubee.ApiClientSecret.v1");

    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(30)).Replace('+', 'A').Replace('/', 'B');

    public static string NewClientId() => "hubee-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>Creates a client; a given id and secret are kept unchanged (migration from another hub).</summary>
    public async Task<(ApiClient Client, string Secret)> CreateAsync(
        string scope, Guid organizationId, Guid? subscriptionId, string actor, string? clientId = null, string? secret = null, CancellationToken ct = default)
    {
        clientId ??= NewClientId();
        secret ??= NewSecret();
        if (await db.ApiClients.AnyAsync(c => c.ClientId == clientId, ct) || await applications.FindByClientIdAsync(clientId, ct) is not null)
        {
            throw new InvalidOperationException($"Client id {clientId} already exists.");
        }

        var descriptor = new OpenIddictApplicationDescriptor
        {
            ClientId = clientId,
            ClientSecret = secret,
            ClientType = ClientTypes.Confidential,
            DisplayName = $"{scope} client",
        };
        descriptor.Permissions.UnionWith([Permissions.Endpoints.Token, Permissions.GrantTypes.ClientCredentials, Permissions.Prefixes.Scope + scope]);
        await applications.CreateAsync(descriptor, ct);

        var client = new ApiClient
        {
            ClientId = clientId,
            Scope = scope,
            OrganizationId = organizationId,
            SubscriptionId = subscriptionId,
            ProtectedSecret = protector.Protect(secret),
            CreateDateTime = clock.GetUtcNow(),
        };
        db.ApiClients.Add(client);
        audit.Add(organizationId, actor, "API_CLIENT_CREATED", clientId, $"scope={scope}");
        await db.SaveChangesAsync(ct);
        return (client, secret);
    }

    /// <summary>The clear secret for an authorised person (« Copier »); every retrieval is audited.</summary>
    public async Task<string?> RevealSecretAsync(ApiClient client, string actor, CancellationToken ct = default)
    {
        if (client.ProtectedSecret is null)
        {
            return null;
        }

        audit.Add(client.OrganizationId, actor, "API_SECRET_RETRIEVED", client.ClientId);
        await db.SaveChangesAsync(ct);
        return protector.Unprotect(client.ProtectedSecret);
    }

    /// <summary>Removes a client and, with its token-server application, every token it was issued (credentials replaced by an import).</summary>
    public async Task DeleteAsync(ApiClient client, string actor, CancellationToken ct = default)
    {
        if (await applications.FindByClientIdAsync(client.ClientId, ct) is { } application)
        {
            await applications.DeleteAsync(application, ct);
        }

        db.ApiClients.Remove(client);
        audit.Add(client.OrganizationId, actor, "API_CLIENT_DELETED", client.ClientId, $"scope={client.Scope}");
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Replaces the secret (or sets the given one) and revokes at once every token issued with the old one.</summary>
    public async Task<string> RegenerateSecretAsync(ApiClient client, string actor, string? newSecret = null, CancellationToken ct = default)
    {
        newSecret ??= NewSecret();
        var application = await applications.FindByClientIdAsync(client.ClientId, ct)
            ?? throw new InvalidOperationException($"No token-server application for {client.ClientId}.");
        var descriptor = new OpenIddictApplicationDescriptor();
        await applications.PopulateAsync(descriptor, application, ct);
        descriptor.ClientSecret = newSecret;
        await applications.UpdateAsync(application, descriptor, ct);
        client.ProtectedSecret = protector.Protect(newSecret);
        // A new secret stamp: every token obtained before is refused from now on (TokenServer.SecretStampClaim). It must
        // differ from the previous one once stored, even when the clock has barely moved: databases keep 0.1 ms (SQLite
        // here) or 1 µs (PostgreSQL), so the new stamp is at least 1 ms after the previous one.
        var now = clock.GetUtcNow();
        client.SecretRegeneratedDateTime = client.SecretRegeneratedDateTime is { } previous && now < previous.AddMilliseconds(1) ? previous.AddMilliseconds(1) : now;
        audit.Add(client.OrganizationId, actor, "API_SECRET_REGENERATED", client.ClientId);
        await db.SaveChangesAsync(ct);
        return newSecret;
    }
}
