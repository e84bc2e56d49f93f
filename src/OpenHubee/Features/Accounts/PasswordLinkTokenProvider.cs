using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using OpenHubee.Data;

namespace OpenHubee.Features.Accounts;

/// <summary>
/// The token of a « Création de mot de passe » / « Mot de passe oublié » link: Identity's data-protected
/// token (so every node can check it), valid 48 h, and single-use because it embeds the security stamp,
/// which changes when the password is set. The framework provider reads the machine clock; this one
/// reads <see cref="TimeProvider"/> so that the 48 h are the hub's hours (and testable).
/// </summary>
public sealed class PasswordLinkTokenProvider(
    IDataProtectionProvider dataProtectionProvider,
    IOptions<PasswordLinkTokenProviderOptions> options,
    ILogger<DataProtectorTokenProvider<PortalUser>> logger,
    TimeProvider clock)
    : DataProtectorTokenProvider<PortalUser>(dataProtectionProvider, options, logger)
{
    public const string ProviderName = "PasswordLink";
    public static readonly TimeSpan Lifespan = TimeSpan.FromHours(48);

    public override async Task<string> GenerateAsync(string purpose, UserManager<PortalUser> manager, PortalUser user)
    {
        using var buffer = new MemoryStream();
        await using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(clock.GetUtcNow().UtcTicks);
            writer.Write(await manager.GetUserIdAsync(user));
            writer.Write(purpose);
            writer.Write(await manager.GetSecurityStampAsync(user) ?? "");
        }

        return Convert.ToBase64String(Protector.Protect(buffer.ToArray()));
    }

    public override async Task<bool> ValidateAsync(string purpose, string token, UserManager<PortalUser> manager, PortalUser user)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(Protector.Unprotect(Convert.FromBase64String(token))), System.Text.Encoding.UTF8);
            var created = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
            var userId = reader.ReadString();
            var tokenPurpose = reader.ReadString();
            var stamp = reader.ReadString();
            return created + Options.TokenLifespan >= clock.GetUtcNow()
                && userId == await manager.GetUserIdAsync(user)
                && tokenPurpose == purpose
                && stamp == (await manager.GetSecurityStampAsync(user) ?? "");
        }
        catch (Exception e) when (e is FormatException or System.Security.Cryptography.CryptographicException or EndOfStreamException or IOException)
        {
            // A mangled or foreign token is just an invalid link.
            return false;
        }
    }
}

public sealed class PasswordLinkTokenProviderOptions : DataProtectionTokenProviderOptions
{
    public PasswordLinkTokenProviderOptions()
    {
        Name = PasswordLinkTokenProvider.ProviderName;
        TokenLifespan = PasswordLinkTokenProvider.Lifespan;
    }
}
