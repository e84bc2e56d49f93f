using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenHubee.Data;
using Scopes = OpenHubee.Data.Scopes;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace OpenHubee.Auth;

/// <summary>
/// The OAuth2 client-credentials token endpoint, served at /oauth2/token and /token (the two URLs
/// HubEE clients are configured with), and the validation of the bearer tokens it issues.
/// </summary>
public static class TokenServer
{
    private const string GrantedScopeItem = "OpenHubee.GrantedScope";

    /// <summary>
    /// The claim that ties an access token to the client secret it was obtained with: the time of the client's last
    /// secret regeneration (ticks), compared by <see cref="ApiCallerExtensions"/> with the client's current one at each
    /// call. A regeneration therefore revokes every earlier token at once, on every node, without storing tokens or
    /// reading a token entry per call (which cost a sixth of the service's CPU in the P3 benchmark).
    /// </summary>
    public const string SecretStampClaim = "openhubee_secret";

    public static string SecretStamp(DateTimeOffset? secretRegeneratedDateTime) =>
        (secretRegeneratedDateTime?.UtcTicks ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public static IServiceCollection AddTokenServer(this IServiceCollection services, IConfiguration configuration)
    {
        var lifetime = TimeSpan.FromSeconds(configuration.GetValue("OpenHubee:AccessTokenLifetimeSeconds", 3600));
        services.AddOpenIddict()
            .AddCore(o => o.UseEntityFrameworkCore().UseDbContext<HubDbContext>())
            .AddServer(o =>
            {
                o.SetTokenEndpointUris("oauth2/token", "token");
                o.AllowClientCredentialsFlow();
                o.RegisterScopes([.. Scopes.All]);
                o.SetAccessTokenLifetime(lifetime);
                // HubEE tokens are plain signed JWTs; clients only read access_token.
                o.DisableAccessTokenEncryption();
                // Self-contained tokens: revocation is the secret stamp's job (SecretStampClaim), not a token table.
                o.DisableTokenStorage();
                o.UseAspNetCore().EnableTokenEndpointPassthrough().DisableTransportSecurityRequirement();

                // Scopes are case-insensitive for HubEE clients ("scope=si" works on the original hub).
                o.AddEventHandler<OpenIddictServerEvents.ExtractTokenRequestContext>(b => b
                    .UseInlineHandler(context =>
                    {
                        if (context.Request is { Scope: { Length: > 0 } scope })
                        {
                            context.Request.Scope = string.Join(' ', scope.Split(' ', StringSplitOptions.RemoveEmptyEntries)
                                .Select(s => s.Equals("SUBCRT", StringComparison.OrdinalIgnoreCase) ? Scopes.Datapass : Scopes.Canonical(s) ?? s));
                        }

                        return default;
                    })
                    .SetOrder(int.MaxValue - 100_000)
                    .SetType(OpenIddictServerHandlerType.Custom));

                // The wire answer of the original hub (WSO2) for a bad client, and the granted scope on success.
                o.AddEventHandler<OpenIddictServerEvents.ApplyTokenResponseContext>(b => b
                    .UseInlineHandler(context =>
                    {
                        if (context.Response.Error == Errors.InvalidClient)
                        {
                            context.Response.ErrorDescription = "A valid OAuth client could not be found for client_id: " + (context.Request?.ClientId ?? "");
                            context.Response.ErrorUri = null;
                        }
                        else if (context.Response.AccessToken is not null
                                 && context.Transaction.GetHttpRequest()?.HttpContext.Items[GrantedScopeItem] is string granted)
                        {
                            context.Response.Scope = granted;
                            // WSO2 answers the configured lifetime, not the seconds left after rounding.
                            context.Response.ExpiresIn = (long)lifetime.TotalSeconds;
                        }

                        return default;
                    })
                    .SetOrder(int.MinValue + 100_000)
                    .SetType(OpenIddictServerHandlerType.Custom));
            })
            .AddValidation(o =>
            {
                o.UseLocalServer();
                o.UseAspNetCore();
            });

        services.AddSingleton<IConfigureOptions<OpenIddictServerOptions>, ServerKeyConfigurator>();
        return services;
    }

    public static IEndpointRouteBuilder MapTokenEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapPost("/oauth2/token", Exchange).ExcludeFromDescription().RequireRateLimiting(RateLimits.TokenPolicy);
        app.MapPost("/token", Exchange).ExcludeFromDescription().RequireRateLimiting(RateLimits.TokenPolicy);
        return app;
    }

    /// <summary>Reached only after OpenIddict has authenticated the client and checked grant type and scope permissions.</summary>
    private static async Task<IResult> Exchange(HttpContext http, HubDbContext db)
    {
        var request = http.GetOpenIddictServerRequest() ?? throw new InvalidOperationException("Not an OpenIddict request.");
        var client = await db.ApiClients.AsNoTracking().FirstOrDefaultAsync(c => c.ClientId == request.ClientId, http.RequestAborted);
        if (client is null || !request.IsClientCredentialsGrantType())
        {
            return Results.Forbid(
                new Microsoft.AspNetCore.Authentication.AuthenticationProperties(new Dictionary<string, string?>
                {
                    [OpenIddictServerAspNetCoreConstants.Properties.Error] = Errors.InvalidClient,
                    [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = "A valid OAuth client could not be found for client_id: " + request.ClientId,
                }),
                [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
        }

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, client.ClientId);
        identity.SetClaim(Claims.Name, client.ClientId);
        identity.SetClaim(SecretStampClaim, SecretStamp(client.SecretRegeneratedDateTime));
        identity.SetScopes(client.Scope);
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        http.Items[GrantedScopeItem] = client.Scope;
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    /// <summary>Signing and encryption keys live in the database so that every node issues and accepts the same tokens.</summary>
    private sealed class ServerKeyConfigurator(IServiceScopeFactory scopes) : IConfigureOptions<OpenIddictServerOptions>
    {
        public void Configure(OpenIddictServerOptions options)
        {
            using var scope = scopes.CreateScope();
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var signing = LoadOrCreate(db, "oauth-signing-rsa", () =>
            {
                using var rsa = RSA.Create(2048);
                return rsa.ExportPkcs8PrivateKeyPem();
            });
            var encryption = LoadOrCreate(db, "oauth-encryption-aes", () => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));

            var rsaKey = RSA.Create();
            rsaKey.ImportFromPem(signing);
            options.SigningCredentials.Add(new SigningCredentials(new RsaSecurityKey(rsaKey) { KeyId = "openhubee-1" }, SecurityAlgorithms.RsaSha256));
            options.EncryptionCredentials.Add(new EncryptingCredentials(
                new SymmetricSecurityKey(Convert.FromBase64String(encryption)), SecurityAlgorithms.Aes256KW, SecurityAlgorithms.Aes256CbcHmacSha512));
        }

        private static string LoadOrCreate(HubDbContext db, string name, Func<string> create)
        {
            if (db.ServerKeys.AsNoTracking().FirstOrDefault(k => k.Name == name) is { } existing)
            {
                return existing.Material;
            }

            try
            {
                db.ServerKeys.Add(new ServerKey { Name = name, Material = create(), CreateDateTime = DateTimeOffset.UtcNow });
                db.SaveChanges();
            }
            catch (DbUpdateException)
            {
                // Another node created it first: use theirs.
                db.ChangeTracker.Clear();
            }

            return db.ServerKeys.AsNoTracking().First(k => k.Name == name).Material;
        }
    }
}
