using Microsoft.AspNetCore.Identity;
using OpenHubee.Data;

namespace OpenHubee.Features.Accounts;

public static class AccountsRegistration
{
    /// <summary>Portal accounts on ASP.NET Core Identity; roles are the user's Roles column, not Identity roles.</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.AddIdentityCore<PortalUser>(o =>
            {
                o.User.RequireUniqueEmail = true;
                // The login is the professional e-mail, whatever characters it holds.
                o.User.AllowedUserNameCharacters = "";
                // The whole password rule is PasswordRule's, with French messages.
                o.Password.RequiredLength = 1;
                o.Password.RequiredUniqueChars = 1;
                o.Password.RequireDigit = false;
                o.Password.RequireLowercase = false;
                o.Password.RequireUppercase = false;
                o.Password.RequireNonAlphanumeric = false;
                o.Lockout.AllowedForNewUsers = true;
                o.Lockout.MaxFailedAccessAttempts = 5;
                o.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                o.Tokens.PasswordResetTokenProvider = PasswordLinkTokenProvider.ProviderName;
            })
            .AddEntityFrameworkStores<HubDbContext>()
            .AddErrorDescriber<FrenchIdentityErrors>()
            .AddPasswordValidator<PasswordRule>()
            .AddTokenProvider<PasswordLinkTokenProvider>(PasswordLinkTokenProvider.ProviderName);
        services.AddScoped<AccountService>();
        services.AddScoped<DataPassAccounts>();
        services.AddScoped<UserManagement>();
        services.AddScoped<Referential.ISubscriptionAccounts, DataPassSubscriptionAccounts>();
        return services;
    }
}

/// <summary>The few Identity messages a person can meet on the password pages, in French.</summary>
public sealed class FrenchIdentityErrors : IdentityErrorDescriber
{
    public override IdentityError DefaultError() => new() { Code = nameof(DefaultError), Description = "Une erreur est survenue. Réessayez plus tard." };

    public override IdentityError InvalidToken() => new() { Code = nameof(InvalidToken), Description = "Ce lien n'est plus valide." };

    public override IdentityError InvalidEmail(string? email) => new() { Code = nameof(InvalidEmail), Description = $"L'adresse e-mail « {email} » n'est pas valide." };

    public override IdentityError DuplicateEmail(string email) => new() { Code = nameof(DuplicateEmail), Description = $"Un compte existe déjà pour l'adresse « {email} »." };

    public override IdentityError DuplicateUserName(string userName) => new() { Code = nameof(DuplicateUserName), Description = $"Un compte existe déjà pour l'identifiant « {userName} »." };

    public override IdentityError PasswordMismatch() => new() { Code = nameof(PasswordMismatch), Description = "Mot de passe incorrect." };

    public override IdentityError UserLockoutNotEnabled() => new() { Code = nameof(UserLockoutNotEnabled), Description = "Le verrouillage n'est pas activé pour ce compte." };
}
