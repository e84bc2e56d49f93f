using System.Net;
using System.Text;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.EntityFrameworkCore;
using OpenHubee.Auth;
using OpenHubee.Data;
using OpenHubee.Mail;

namespace OpenHubee.Features.Accounts;

/// <summary>Identity and contact details of a person for whom an account may be created.</summary>
public sealed record AccountContact(
    string Email, string? FirstName, string? LastName, string? Function = null, string? PhoneNumber = null, string? MobileNumber = null);

public enum PasswordLinkOutcome
{
    Done,
    InvalidLink,
    RejectedPassword,
}

public sealed record PasswordLinkResult(PasswordLinkOutcome Outcome, IReadOnlyList<string> Errors)
{
    public static readonly PasswordLinkResult Done = new(PasswordLinkOutcome.Done, []);
    public static readonly PasswordLinkResult InvalidLink = new(PasswordLinkOutcome.InvalidLink, []);
}

/// <summary>
/// Portal accounts: creation with a « Création de mot de passe » mail, and setting the password
/// from a mail link. The e-mail is the login, hence unique across organisations (portal.md §C).
/// </summary>
public sealed class AccountService(
    HubDbContext db,
    UserManager<PortalUser> users,
    IMailSender mail,
    MailOptions mailOptions,
    AuditLog audit,
    TimeProvider clock,
    ILogger<AccountService> logger)
{
    public const string PasswordPagePath = "compte/mot-de-passe";

    /// <summary>
    /// Creates the account when the e-mail has none (default roles of the actor type) and mails the
    /// password-creation link. An existing account is returned unchanged: rights are never widened behind
    /// the local administrator's back.
    /// </summary>
    public async Task<(PortalUser User, bool Created)> EnsureAccountAsync(
        string email, Guid organizationId, string actorType, AccountContact contact, bool isDataPass, string actor, string? context = null, CancellationToken ct = default)
    {
        email = email.Trim();
        var existing = await users.FindByEmailAsync(email);
        if (existing is not null)
        {
            return (existing, false);
        }

        var user = new PortalUser
        {
            Id = Guid.NewGuid(),
            UserName = email,
            Email = email,
            OrganizationId = organizationId,
            ActorType = actorType,
            FirstName = contact.FirstName?.Trim() ?? "",
            LastName = contact.LastName?.Trim() ?? "",
            Function = string.IsNullOrWhiteSpace(contact.Function) ? null : contact.Function.Trim(),
            PhoneNumber = string.IsNullOrWhiteSpace(contact.PhoneNumber) ? null : contact.PhoneNumber.Trim(),
            SecondaryPhoneNumber = string.IsNullOrWhiteSpace(contact.MobileNumber) ? null : contact.MobileNumber.Trim(),
            IsDataPassAccount = isDataPass,
            Roles = [.. PortalRole.DefaultsFor(actorType)],
            CreateDateTime = clock.GetUtcNow(),
        };

        // The audit entry is saved by the same SaveChanges as the account.
        audit.Add(organizationId, actor, "ACCOUNT_CREATED", email,
            $"actorType={actorType}; roles={string.Join(", ", user.Roles)}; datapass={isDataPass}" + (context is null ? "" : "; " + context));
        IdentityResult created;
        try
        {
            created = await users.CreateAsync(user);
        }
        catch (DbUpdateException)
        {
            // Two DataPass calls naming the same person at once: the unique login index let one through.
            ForgetPendingChanges(user);
            if (!await HasAccountAsync(email, ct))
            {
                throw;
            }

            return ((await users.FindByEmailAsync(email))!, false);
        }

        if (!created.Succeeded)
        {
            ForgetPendingChanges(user);
            // The same race, seen earlier by Identity's own uniqueness check.
            if (created.Errors.Any(e => e.Code is nameof(IdentityErrorDescriber.DuplicateUserName) or nameof(IdentityErrorDescriber.DuplicateEmail))
                && await users.FindByEmailAsync(email) is { } other)
            {
                return (other, false);
            }

            throw new InvalidOperationException($"Account {email} could not be created: {string.Join(" ", created.Errors.Select(e => e.Description))}");
        }

        await SendPasswordLinkAsync(user, creation: true, ct);
        return (user, true);
    }

    private Task<bool> HasAccountAsync(string email, CancellationToken ct)
    {
        var normalized = users.NormalizeEmail(email);
        return db.Users.AsNoTracking().AnyAsync(u => u.NormalizedEmail == normalized, ct);
    }

    /// <summary>A failed creation must not be saved later by someone else's SaveChanges.</summary>
    private void ForgetPendingChanges(PortalUser user)
    {
        db.Entry(user).State = EntityState.Detached;
        foreach (var entry in db.ChangeTracker.Entries<AuditEntry>().Where(e => e.State == EntityState.Added).ToList())
        {
            entry.State = EntityState.Detached;
        }
    }

    /// <summary>
    /// Mails a link to create (new account) or reset the password. A failing relay does not undo the
    /// account: the person can still use « Mot de passe oublié ? ».
    /// </summary>
    public async Task<bool> SendPasswordLinkAsync(PortalUser user, bool creation, CancellationToken ct = default)
    {
        var token = await users.GeneratePasswordResetTokenAsync(user);
        var link = mailOptions.Link(PasswordLinkPath(user.Email!, token));
        var organization = await db.Organizations.AsNoTracking().Where(o => o.Id == user.OrganizationId).Select(o => o.Name).FirstOrDefaultAsync(ct);
        try
        {
            await mail.SendAsync(creation ? CreationMail(user, organization, link) : ResetMail(user, link), ct);
            return true;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Password mail to {Email} could not be sent", user.Email);
            return false;
        }
    }

    /// <summary>« Mot de passe oublié ? »: a new link for an active account; nothing tells the caller whether one exists.</summary>
    public async Task RequestPasswordResetAsync(string email, CancellationToken ct = default)
    {
        var user = await users.FindByEmailAsync(email.Trim());
        if (user is not { IsActive: true })
        {
            return;
        }

        audit.Add(user.OrganizationId, user.Email!, "PASSWORD_RESET_REQUESTED", user.Email);
        await db.SaveChangesAsync(ct);
        await SendPasswordLinkAsync(user, creation: user.PasswordHash is null, ct);
    }

    public static string PasswordLinkPath(string email, string token) =>
        $"{PasswordPagePath}?email={Uri.EscapeDataString(email)}&token={WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(token))}";

    /// <summary>Whether the link (e-mail + token from the query) can still set a password.</summary>
    public async Task<PortalUser?> FindByLinkAsync(string? email, string? urlToken)
    {
        if (string.IsNullOrWhiteSpace(email) || DecodeToken(urlToken) is not { } token)
        {
            return null;
        }

        var user = await users.FindByEmailAsync(email.Trim());
        return user is { IsActive: true }
            && await users.VerifyUserTokenAsync(user, users.Options.Tokens.PasswordResetTokenProvider, UserManager<PortalUser>.ResetPasswordTokenPurpose, token)
            ? user
            : null;
    }

    /// <summary>Sets the password from a mail link; the link is then spent (the security stamp changes).</summary>
    public async Task<PasswordLinkResult> SetPasswordAsync(string? email, string? urlToken, string password, CancellationToken ct = default)
    {
        var user = await FindByLinkAsync(email, urlToken);
        if (user is null)
        {
            return PasswordLinkResult.InvalidLink;
        }

        var creation = user.PasswordHash is null;
        var result = await users.ResetPasswordAsync(user, DecodeToken(urlToken)!, password);
        if (!result.Succeeded)
        {
            // Two tabs posting the same link: the loser fails on the concurrency stamp, its link is spent too.
            return result.Errors.Any(e => e.Code is nameof(IdentityErrorDescriber.InvalidToken) or nameof(IdentityErrorDescriber.ConcurrencyFailure))
                ? PasswordLinkResult.InvalidLink
                : new PasswordLinkResult(PasswordLinkOutcome.RejectedPassword, [.. result.Errors.Select(e => e.Description).Distinct()]);
        }

        // Following the link proves the address; a locked-out person who resets gets back in.
        user.EmailConfirmed = true;
        user.PasswordChangedDateTime = clock.GetUtcNow();
        user.AccessFailedCount = 0;
        user.LockoutEnd = null;
        audit.Add(user.OrganizationId, user.Email!, creation ? "PASSWORD_CREATED" : "PASSWORD_RESET", user.Email);
        await users.UpdateAsync(user);
        return PasswordLinkResult.Done;
    }

    private static string? DecodeToken(string? urlToken)
    {
        if (string.IsNullOrWhiteSpace(urlToken))
        {
            return null;
        }

        try
        {
            return Encoding.UTF8.GetString(WebEncoders.Base64UrlDecode(urlToken));
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static OutgoingMail CreationMail(PortalUser user, string? organization, string link)
    {
        var name = $"{user.FirstName} {user.LastName}".Trim();
        var where = organization is null ? "" : $" pour {organization}";
        var text = $"""
            Bonjour{(name.Length > 0 ? " " + name : "")},

            Un compte « {user.ActorType} » vient d'être créé pour vous sur le portail OpenHubEE{where}.
            Votre identifiant est votre adresse e-mail : {user.Email}
            Rôles : {string.Join(", ", user.Roles)}.

            Pour créer votre mot de passe, ouvrez ce lien (valable 48 heures, utilisable une seule fois) :
            {link}

            Passé ce délai, utilisez « Mot de passe oublié ? » sur la page de connexion du portail.

            Ce message est envoyé automatiquement : merci de ne pas y répondre.
            """;
        var html = $"""
            <p>Bonjour{(name.Length > 0 ? " " + WebUtility.HtmlEncode(name) : "")},</p>
            <p>Un compte « {WebUtility.HtmlEncode(user.ActorType)} » vient d'être créé pour vous sur le portail OpenHubEE{WebUtility.HtmlEncode(where)}.<br>
            Votre identifiant est votre adresse e-mail : {WebUtility.HtmlEncode(user.Email)}<br>
            Rôles : {WebUtility.HtmlEncode(string.Join(", ", user.Roles))}.</p>
            <p><a href="{WebUtility.HtmlEncode(link)}">Création de mot de passe</a> (lien valable 48 heures, utilisable une seule fois)</p>
            <p>Passé ce délai, utilisez « Mot de passe oublié ? » sur la page de connexion du portail.</p>
            <p>Ce message est envoyé automatiquement : merci de ne pas y répondre.</p>
            """;
        return new OutgoingMail(user.Email!, name, "OpenHubEE – Création de mot de passe", text, html);
    }

    private static OutgoingMail ResetMail(PortalUser user, string link)
    {
        var name = $"{user.FirstName} {user.LastName}".Trim();
        var text = $"""
            Bonjour{(name.Length > 0 ? " " + name : "")},

            Une demande de réinitialisation du mot de passe de votre compte OpenHubEE ({user.Email}) a été faite.
            Pour choisir un nouveau mot de passe, ouvrez ce lien (valable 48 heures, utilisable une seule fois) :
            {link}

            Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe actuel reste valable.

            Ce message est envoyé automatiquement : merci de ne pas y répondre.
            """;
        var html = $"""
            <p>Bonjour{(name.Length > 0 ? " " + WebUtility.HtmlEncode(name) : "")},</p>
            <p>Une demande de réinitialisation du mot de passe de votre compte OpenHubEE ({WebUtility.HtmlEncode(user.Email)}) a été faite.</p>
            <p><a href="{WebUtility.HtmlEncode(link)}">Réinitialiser mon mot de passe</a> (lien valable 48 heures, utilisable une seule fois)</p>
            <p>Si vous n'êtes pas à l'origine de cette demande, ignorez ce message : votre mot de passe actuel reste valable.</p>
            <p>Ce message est envoyé automatiquement : merci de ne pas y répondre.</p>
            """;
        return new OutgoingMail(user.Email!, name, "OpenHubEE – Réinitialisation du mot de passe", text, html);
    }
}
