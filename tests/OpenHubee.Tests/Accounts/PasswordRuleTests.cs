using OpenHubee.Features.Accounts;

namespace OpenHubee.Tests.Accounts;

public sealed class PasswordRuleTests
{
    [Theory]
    [InlineData("correct cheval pile agrafe")] // 12+ characters: nothing else is asked
    [InlineData("jardinsuspendu")]
    [InlineData("Limoges87~ok")] // any special character, not only !@#$%&*()
    [InlineData("Vu3.mer?")] // 8 characters with a digit, an upper-case letter and a special character
    [InlineData("Ab3[défi")]
    [InlineData("Conseil_87x")]
    [InlineData("Hé7 éclair")]
    [InlineData("Ç4va§bien")]
    public void Accepted(string password) => PasswordRule.Check(password, "jeanne.martin@limoges.example").Succeeded.ShouldBeTrue();

    [Theory]
    [InlineData("", PasswordRule.RuleText)]
    [InlineData("Ab3!xyz", PasswordRule.RuleText)] // 7 characters
    [InlineData("abcd3!xyz", PasswordRule.RuleText)] // no upper-case letter, under 12
    [InlineData("Abcd!xyzw", PasswordRule.RuleText)] // no digit, under 12
    [InlineData("Abcd3xyzw", PasswordRule.RuleText)] // no special character, under 12
    [InlineData("Azerty123!", PasswordRule.TooCommonText)]
    [InlineData("Password1!", PasswordRule.TooCommonText)]
    [InlineData("MotDePasse2024*", PasswordRule.TooCommonText)]
    [InlineData("123456789012", PasswordRule.TooCommonText)]
    [InlineData("Soleil2025!!", PasswordRule.TooCommonText)]
    [InlineData("jeanne.martin-2025", PasswordRule.ContainsEmailText)]
    public void Refused(string password, string message)
    {
        var result = PasswordRule.Check(password, "jeanne.martin@limoges.example");
        result.Succeeded.ShouldBeFalse();
        result.Errors.Single().Description.ShouldBe(message);
    }
}
