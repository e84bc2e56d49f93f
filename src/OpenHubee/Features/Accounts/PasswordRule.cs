using Microsoft.AspNetCore.Identity;
using OpenHubee.Data;

namespace OpenHubee.Features.Accounts;

/// <summary>
/// portal.md §B: at least 12 characters, or HubEE's rule (at least 8 with a digit, an upper-case
/// letter and a special character). Any character that is neither a letter nor a digit counts as
/// special, unlike HubEE's fixed list <c>!@#$%&amp;*()</c>. Very common passwords are refused whatever their shape.
/// </summary>
public sealed class PasswordRule : IPasswordValidator<PortalUser>
{
    public const int LongLength = 12;
    public const int ShortLength = 8;

    public const string RuleText =
        "Le mot de passe doit contenir au moins 12 caractères, ou au moins 8 caractères dont un chiffre, une majuscule et un caractère spécial.";

    public const string TooCommonText = "Ce mot de passe est trop courant : choisissez-en un autre.";
    public const string ContainsEmailText = "Le mot de passe ne doit pas contenir votre adresse e-mail.";

    public Task<IdentityResult> ValidateAsync(UserManager<PortalUser> manager, PortalUser user, string? password) =>
        Task.FromResult(Check(password, user.Email));

    public static IdentityResult Check(string? password, string? email = null)
    {
        password ??= "";
        if (!IsLongEnough(password))
        {
            return IdentityResult.Failed(new IdentityError { Code = "PasswordRule", Description = RuleText });
        }

        if (CommonPasswords.Contains(password))
        {
            return IdentityResult.Failed(new IdentityError { Code = "PasswordTooCommon", Description = TooCommonText });
        }

        var local = email?.Split('@')[0];
        if (local is { Length: >= 4 } && password.Contains(local, StringComparison.OrdinalIgnoreCase))
        {
            return IdentityResult.Failed(new IdentityError { Code = "PasswordContainsEmail", Description = ContainsEmailText });
        }

        return IdentityResult.Success;
    }

    private static bool IsLongEnough(string password)
    {
        // Text elements, not UTF-16 units: an emoji or an accented letter is one character for the user.
        var length = new System.Globalization.StringInfo(password).LengthInTextElements;
        return length >= LongLength
            || (length >= ShortLength && password.Any(char.IsDigit) && password.Any(char.IsUpper) && password.Any(c => !char.IsLetterOrDigit(c)));
    }
}

/// <summary>
/// A short embedded list of the passwords most tried by attackers that would otherwise pass the rule
/// (French and international lists). Compared ignoring case and a trailing run of digits and symbols,
/// so that « Azerty123! » and « AZERTY2024* » fall with « azerty ».
/// </summary>
public static class CommonPasswords
{
    private static readonly HashSet<string> Stems = new(StringComparer.OrdinalIgnoreCase)
    {
        "password", "passw0rd", "motdepasse", "azerty", "azertyuiop", "qwerty", "qwertyuiop", "abc", "abcd", "abcdef", "abcdefgh",
        "admin", "administrateur", "administrator", "root", "user", "utilisateur", "bonjour", "soleil", "loulou", "doudou", "chouchou",
        "marseille", "paris", "lyon", "toulouse", "bordeaux", "limoges", "france", "mairie", "commune", "hubee", "openhubee", "datapass",
        "welcome", "bienvenue", "iloveyou", "jetaime", "monkey", "dragon", "football", "princess", "sunshine", "letmein", "master",
        "superman", "batman", "starwars", "changeme", "changemoi", "secret", "test", "testtest", "demo", "nicolas", "julien", "camille",
        "thomas", "marie", "pierre", "jean", "printemps", "ete", "automne", "hiver", "janvier", "fevrier", "mars", "avril", "mai",
        "juin", "juillet", "aout", "septembre", "octobre", "novembre", "decembre", "lundi", "vendredi", "chocolat", "service", "accueil",
    };

    private static readonly HashSet<string> Exact = new(StringComparer.OrdinalIgnoreCase)
    {
        "123456789012", "1234567890123", "12345678901234", "111111111111", "000000000000", "123123123123", "azertyuiopqsdf",
        "qwertyuiopasdf", "1q2w3e4r5t6y", "1qaz2wsx3edc", "zaq12wsxcde3", "aaaaaaaaaaaa", "motdepasse123", "password1234",
    };

    public static bool Contains(string password)
    {
        if (Exact.Contains(password))
        {
            return true;
        }

        var stem = password.TrimEnd("0123456789!@#$%&*()-_+=.,;:?/\\§€£ ".ToCharArray());
        return stem.Length == 0 || Stems.Contains(stem);
    }
}
