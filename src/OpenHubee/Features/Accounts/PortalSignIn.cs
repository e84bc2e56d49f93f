using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using OpenHubee.Auth;
using OpenHubee.Data;
using OpenHubee.Jobs;
using OpenHubee.Mail;

namespace OpenHubee.Features.Accounts;

public enum SignInStep
{
    Refused,
    LockedOut,
    CodeSent,
    SignedIn,
    /// <summary>Right password, but older than the lifetime (6 months): change it first, through the password page.</summary>
    PasswordExpired,
}

public sealed record SignInResult(SignInStep Step, PortalUser? User = null, DateTimeOffset? LockedUntil = null, string? PasswordChangePath = null);

/// <summary>
/// The portal's sign-in rules (portal.md §C 4.7, quality.md): e-mail and password; after 5 failures the
/// account is locked 15 minutes, each new lock twice as long; administrators and technical delegates
/// confirm each login with a 6-digit code sent by e-mail, valid 10 minutes and usable once.
/// </summary>
public sealed class PortalSignIn(
    HubDbContext db,
    UserManager<PortalUser> users,
    IMailSender mail,
    AuditLog audit,
    JobOptions jobOptions,
    TimeProvider clock)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan FirstLockout = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan CodeLifetime = TimeSpan.FromMinutes(10);
    private const string CodeProvider = "OpenHubee";
    private const string CodeName = "LoginCode";

    public static bool RequiresSecondFactor(PortalUser user) => user.ActorType is PortalActorType.LocalAdministrator
        or PortalActorType.NationalAdministrator or PortalActorType.TechnicalDelegate or PortalActorType.Editor;

    public async Task<SignInResult> CheckPasswordAsync(string? email, string? password, CancellationToken ct = default)
    {
        var user = string.IsNullOrWhiteSpace(email) ? null : await users.FindByEmailAsync(email.Trim());
        if (user is null || !user.IsActive || string.IsNullOrEmpty(password))
        {
            audit.Add(user?.OrganizationId, email ?? "", "LOGIN_FAILED", details: user is null ? "unknown account" : "inactive or empty password");
            await db.SaveChangesAsync(ct);
            return new SignInResult(SignInStep.Refused);
        }

        if (LockedUntil(user) is { } until)
        {
            return new SignInResult(SignInStep.LockedOut, user, until);
        }

        if (!await users.CheckPasswordAsync(user, password))
        {
            return await FailAsync(user, "wrong password", ct);
        }

        user.AccessFailedCount = 0;
        if (JobRunner.PasswordExpired(user, clock.GetUtcNow(), jobOptions.PasswordLifetimeMonths))
        {
            // Forced change (portal.md §C 4.7): no session, but the password page of the reset flow.
            audit.Add(user.OrganizationId, user.Email!, "PASSWORD_EXPIRED", user.Email);
            await users.UpdateAsync(user);
            await db.SaveChangesAsync(ct);
            var token = await users.GeneratePasswordResetTokenAsync(user);
            return new SignInResult(SignInStep.PasswordExpired, user, PasswordChangePath: "/" + AccountService.PasswordLinkPath(user.Email!, token) + "&expire=true");
        }

        if (RequiresSecondFactor(user))
        {
            await SendCodeAsync(user, ct);
            return new SignInResult(SignInStep.CodeSent, user);
        }

        await CompleteAsync(user, ct);
        return new SignInResult(SignInStep.SignedIn, user);
    }

    /// <summary>Checks the e-mailed code of a user whose password was accepted; a wrong code counts as a failure.</summary>
    public async Task<SignInResult> CheckCodeAsync(Guid userId, string? code, CancellationToken ct = default)
    {
        var user = await users.FindByIdAsync(userId.ToString());
        if (user is null || !user.IsActive)
        {
            return new SignInResult(SignInStep.Refused);
        }

        if (LockedUntil(user) is { } until)
        {
            return new SignInResult(SignInStep.LockedOut, user, until);
        }

        var stored = await users.GetAuthenticationTokenAsync(user, CodeProvider, CodeName);
        var parts = stored?.Split('|');
        var valid = parts is { Length: 2 } && long.TryParse(parts[1], out var expiresTicks)
                    && clock.GetUtcNow().UtcTicks <= expiresTicks
                    && code is { Length: 6 } && code.All(char.IsAsciiDigit)
                    && CryptographicOperations.FixedTimeEquals(Convert.FromBase64String(parts[0]), Hash(user, code));
        if (!valid)
        {
            return await FailAsync(user, "wrong or expired login code", ct);
        }

        await users.RemoveAuthenticationTokenAsync(user, CodeProvider, CodeName);
        await CompleteAsync(user, ct);
        return new SignInResult(SignInStep.SignedIn, user);
    }

    public async Task SendCodeAsync(PortalUser user, CancellationToken ct)
    {
        var code = RandomNumberGenerator.GetInt32(0, 1_000_000).ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
        var expires = clock.GetUtcNow().Add(CodeLifetime).UtcTicks;
        await users.SetAuthenticationTokenAsync(user, CodeProvider, CodeName, $"{Convert.ToBase64String(Hash(user, code))}|{expires}");
        await mail.SendAsync(new OutgoingMail(user.Email!, $"{user.FirstName} {user.LastName}".Trim(), "Votre code de connexion HubEE",
            $"""
            Bonjour,

            Voici votre code de connexion à HubEE : {code}

            Ce code est valable 10 minutes et ne peut servir qu'une fois. Si vous n'êtes pas à l'origine de cette
            demande, changez votre mot de passe et prévenez votre administrateur local.

            Ceci est un message automatique, merci de ne pas y répondre.
            """), ct);
    }

    private DateTimeOffset? LockedUntil(PortalUser user) =>
        user.LockoutEnd is { } end && end > clock.GetUtcNow() ? end : null;

    private async Task<SignInResult> FailAsync(PortalUser user, string reason, CancellationToken ct)
    {
        user.AccessFailedCount++;
        DateTimeOffset? until = null;
        if (user.AccessFailedCount >= MaxFailures)
        {
            // 15 minutes, then 30, 60… for each new lock in a row (reset by a successful login).
            until = clock.GetUtcNow().Add(FirstLockout * Math.Pow(2, Math.Min(user.ConsecutiveLockouts, 10)));
            user.LockoutEnd = until;
            user.ConsecutiveLockouts++;
            user.AccessFailedCount = 0;
            audit.Add(user.OrganizationId, user.Email!, "ACCOUNT_LOCKED", user.Email, $"until {until:O}");
        }

        audit.Add(user.OrganizationId, user.Email!, "LOGIN_FAILED", user.Email, reason);
        await users.UpdateAsync(user);
        return until is null ? new SignInResult(SignInStep.Refused, user) : new SignInResult(SignInStep.LockedOut, user, until);
    }

    private async Task CompleteAsync(PortalUser user, CancellationToken ct)
    {
        user.AccessFailedCount = 0;
        user.ConsecutiveLockouts = 0;
        user.LockoutEnd = null;
        user.LastLoginDateTime = clock.GetUtcNow();
        audit.Add(user.OrganizationId, user.Email!, "LOGIN_SUCCEEDED", user.Email);
        await users.UpdateAsync(user);
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Codes are stored hashed with the user's id, so a leaked table gives nothing to replay.</summary>
    private static byte[] Hash(PortalUser user, string code) => SHA256.HashData(Encoding.UTF8.GetBytes($"{user.Id:N}:{code}"));

    public Task<PortalUser?> FindAsync(Guid id) => db.Users.FirstOrDefaultAsync(u => u.Id == id);
}
