using System.Threading.RateLimiting;

namespace OpenHubee.Auth;

public static class RateLimits
{
    public const string TokenPolicy = "token";

    /// <summary>Token requests are limited per remote address: secrets must not be guessable by brute force.</summary>
    public static IServiceCollection AddHubRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var perMinute = configuration.GetValue("OpenHubee:TokenRequestsPerMinute", 600);
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.AddPolicy(TokenPolicy, http => RateLimitPartition.GetFixedWindowLimiter(
                http.Connection.RemoteIpAddress?.ToString() ?? "unknown",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = perMinute, Window = TimeSpan.FromMinutes(1) }));
        });
        return services;
    }
}
