using Microsoft.EntityFrameworkCore;
using OpenHubee.Auth;
using OpenHubee.Data;

namespace OpenHubee.Hosting;

/// <summary>A fresh installation is administered by API through an ADMIN client declared in configuration.</summary>
public static class Bootstrap
{
    public const string HubOrganizationSiret = "13002526500013"; // DINUM

    public static async Task<Organization> EnsureHubOrganizationAsync(HubDbContext db, TimeProvider clock)
    {
        var dinum = await db.Organizations.FirstOrDefaultAsync(o => o.Type == Scopes.Admin && o.CompanyRegister == HubOrganizationSiret);
        if (dinum is null)
        {
            dinum = new Organization
            {
                Id = Guid.NewGuid(), Type = Scopes.Admin, CompanyRegister = HubOrganizationSiret, BranchCode = "-",
                Name = "DIRECTION INTERMINISTERIELLE DU NUMERIQUE", Code = "DINUM", PostalCode = "75007", Territory = "Paris",
                Country = "France", CreateDateTime = clock.GetUtcNow(),
            };
            db.Organizations.Add(dinum);
            await db.SaveChangesAsync();
        }

        return dinum;
    }

    public static async Task SeedAsync(IServiceProvider services, IConfiguration configuration)
    {
        var clientId = configuration["OpenHubee:Bootstrap:AdminClientId"];
        var secret = configuration["OpenHubee:Bootstrap:AdminClientSecret"];
        if (string.IsNullOrWhiteSpace(clientId) || string.IsNullOrWhiteSpace(secret))
        {
            return;
        }

        var db = services.GetRequiredService<HubDbContext>();
        var clients = services.GetRequiredService<ApiClientService>();
        var existing = await db.ApiClients.FirstOrDefaultAsync(c => c.ClientId == clientId);
        if (existing is null)
        {
            var dinum = await EnsureHubOrganizationAsync(db, services.GetRequiredService<TimeProvider>());
            await clients.CreateAsync(Scopes.Admin, dinum.Id, null, "bootstrap", clientId, secret);
        }
        else if (await clients.RevealSecretAsync(existing, "bootstrap") != secret)
        {
            // The configuration is the source of truth for the bootstrap secret.
            await clients.RegenerateSecretAsync(existing, "bootstrap", secret);
        }
    }
}
