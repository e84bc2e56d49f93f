using System.Text.RegularExpressions;
using AngleSharp.Html.Parser;
using MimeKit;

namespace OpenHubee.Tests.Infrastructure;

/// <summary>Reads the mails of the embedded mail folder and drives the password pages as a browser would.</summary>
public static partial class Mailbox
{
    public static IReadOnlyList<MimeMessage> Read(HubFactory hub, string to) =>
        !Directory.Exists(Path.Combine(hub.DataDirectory, "mail")) ? [] :
        Directory.GetFiles(Path.Combine(hub.DataDirectory, "mail"), "*.eml")
            // Names start with the (test) clock's second, then a random part: mails of the same second are ordered by writing time.
            .OrderBy(f => Path.GetFileName(f)[..15], StringComparer.Ordinal).ThenBy(File.GetLastWriteTimeUtc).ThenBy(f => f, StringComparer.Ordinal)
            .Select(f => MimeMessage.Load(f))
            .Where(m => m.To.Mailboxes.Any(a => string.Equals(a.Address, to, StringComparison.OrdinalIgnoreCase)))
            .ToList();

    /// <summary>The password link of a mail, as the path and query the test client can request.</summary>
    public static string PasswordLink(MimeMessage mail)
    {
        var match = LinkPattern().Match(mail.TextBody ?? "");
        match.Success.ShouldBeTrue("no password link in: " + mail.TextBody);
        return new Uri(match.Value).PathAndQuery;
    }

    public static async Task<AngleSharp.Html.Dom.IHtmlDocument> PageAsync(HttpResponseMessage response) =>
        await new HtmlParser().ParseDocumentAsync(await response.Content.ReadAsStringAsync());

    /// <summary>GETs the page, then posts its form with the antiforgery token it carries.</summary>
    public static async Task<HttpResponseMessage> SubmitPasswordAsync(HttpClient browser, string link, string password, string? confirmation = null)
    {
        var page = await PageAsync(await browser.GetAsync(link));
        var token = page.QuerySelector("form input[name=__RequestVerificationToken]")?.GetAttribute("value");
        token.ShouldNotBeNull("the page has no form: " + page.Body?.TextContent);
        return await browser.PostAsync(link, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["NewPassword"] = password,
            ["ConfirmPassword"] = confirmation ?? password,
        }));
    }

    [GeneratedRegex(@"https?://\S+/compte/mot-de-passe\?\S+")]
    private static partial Regex LinkPattern();
}
