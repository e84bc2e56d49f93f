using System.Net;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenHubee.Data;
using OpenHubee.Features.Accounts;
using OpenHubee.Hosting;
using OpenHubee.Portal.Pages.Compte;
using OpenHubee.Tests.Infrastructure;

namespace OpenHubee.Tests.Accounts;

/// <summary>portal.md §A step 1: the accounts a DataPass subscription brings, from the mail to the first password.</summary>
public sealed class DataPassAccountTests : IClassFixture<HubFactory>
{
    private readonly HubFactory hub;

    public DataPassAccountTests(HubFactory hub) => this.hub = hub;

    internal static async Task<Guid> DataPassSubscriptionAsync(HubFactory hub, AccountContact admin, AccountContact? delegate_ = null)
    {
        using var scope = hub.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var limoges = await db.Organizations.SingleAsync(o => o.CompanyRegister == DemoData.LimogesSiret);
        await scope.ServiceProvider.GetRequiredService<DataPassAccounts>()
            .EnsureAccountsAsync(limoges.Id, "HebergementTourisme", admin, delegate_, CancellationToken.None);
        return limoges.Id;
    }

    private static AccountContact Contact(string email, string first = "Jeanne", string last = "MARTIN") =>
        new(email, first, last, "Responsable état civil", "+33555000000", "+33600000000");

    [Fact]
    public async Task The_local_administrator_gets_an_account_and_a_mail_whose_link_sets_the_password_once()
    {
        var email = "jeanne.martin@limoges.example";
        var limoges = await DataPassSubscriptionAsync(hub, Contact(email), Contact("paul.durand@editeur.example", "Paul", "DURAND"));

        using (var scope = hub.Services.CreateScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var admin = await db.Users.AsNoTracking().SingleAsync(u => u.Email == email);
            admin.OrganizationId.ShouldBe(limoges);
            admin.ActorType.ShouldBe(PortalActorType.LocalAdministrator);
            admin.IsDataPassAccount.ShouldBeTrue();
            admin.Roles.ShouldBe([PortalRole.SubscriptionManagement, PortalRole.UserManagement], ignoreOrder: true);
            admin.PasswordHash.ShouldBeNull();
            admin.FirstName.ShouldBe("Jeanne");
            admin.PhoneNumber.ShouldBe("+33555000000");

            var delegate_ = await db.Users.AsNoTracking().SingleAsync(u => u.Email == "paul.durand@editeur.example");
            delegate_.ActorType.ShouldBe(PortalActorType.TechnicalDelegate);
            delegate_.OrganizationId.ShouldBe(limoges);
            delegate_.Roles.ShouldBe([PortalRole.SubscriptionManagement]);

            (await db.AuditEntries.CountAsync(a => a.Action == "ACCOUNT_CREATED" && a.Target == email && a.Actor == DataPassAccounts.Actor)).ShouldBe(1);
        }

        var mail = Mailbox.Read(hub, email).ShouldHaveSingleItem();
        mail.From.Mailboxes.Single().Address.ShouldBe("ne-pas-repondre@openhubee.local");
        mail.Subject!.ShouldContain("Création de mot de passe");
        mail.TextBody!.ShouldContain("48 heures");
        mail.TextBody!.ShouldContain("« Administrateur local »");
        Mailbox.Read(hub, "paul.durand@editeur.example").ShouldHaveSingleItem();
        var link = Mailbox.PasswordLink(mail);
        link.ShouldStartWith("/compte/mot-de-passe?email=");
        // A newcomer opens the raw file in any editor: the French text and the whole link are there as is.
        var raw = await File.ReadAllTextAsync(Directory.GetFiles(Path.Combine(hub.DataDirectory, "mail"), "*.eml")
            .Single(f => File.ReadAllText(f).Contains("To: Jeanne MARTIN", StringComparison.Ordinal)));
        raw.Split('\n').Select(line => line.TrimEnd('\r')).ShouldContain("http://localhost:5080" + link);
        raw.ShouldContain("Pour créer votre mot de passe, ouvrez ce lien", Shouldly.Case.Sensitive);

        var browser = hub.CreateClient();
        var page = await Mailbox.PageAsync(await browser.GetAsync(link));
        page.QuerySelector("h1")!.TextContent.ShouldBe("Créer mon mot de passe");
        page.QuerySelector("label[for=NewPassword]")!.TextContent.ShouldBe("Nouveau mot de passe");
        page.QuerySelector("label[for=ConfirmPassword]")!.TextContent.ShouldBe("Confirmer le mot de passe");

        // The rule is explained in French and the link survives a refused password.
        var refused = await Mailbox.PageAsync(await Mailbox.SubmitPasswordAsync(browser, link, "Court1!"));
        refused.QuerySelector("[role=alert]")!.TextContent.ShouldContain(PasswordRule.RuleText);
        var mismatch = await Mailbox.PageAsync(await Mailbox.SubmitPasswordAsync(browser, link, "Limoges#Hiver87", "Limoges#Hiver88"));
        mismatch.QuerySelector("[role=alert]")!.TextContent.ShouldContain(MotDePasseModel.MismatchMessage);

        var done = await Mailbox.SubmitPasswordAsync(browser, link, "Limoges#Hiver87");
        done.StatusCode.ShouldBe(HttpStatusCode.OK);
        done.RequestMessage!.RequestUri!.AbsolutePath.ShouldBe("/compte/mot-de-passe/enregistre");
        (await Mailbox.PageAsync(done)).QuerySelector("[role=status]")!.TextContent.ShouldContain("Votre mot de passe a bien été enregistré");

        using (var scope = hub.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
            var admin = (await users.FindByEmailAsync(email))!;
            (await users.CheckPasswordAsync(admin, "Limoges#Hiver87")).ShouldBeTrue();
            admin.EmailConfirmed.ShouldBeTrue();
            admin.PasswordChangedDateTime.ShouldNotBeNull();
        }

        // Single use: the same link now leads to the « Mot de passe oublié ? » advice, on GET and on POST.
        var again = await Mailbox.PageAsync(await browser.GetAsync(link));
        again.QuerySelector("[role=alert]")!.TextContent.ShouldContain(MotDePasseModel.InvalidLinkMessage);
        again.QuerySelector("form").ShouldBeNull();
        var replay = await hub.CreateClient().PostAsync(link, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["NewPassword"] = "Autre#Mot2passe", ["ConfirmPassword"] = "Autre#Mot2passe",
        }));
        replay.StatusCode.ShouldBe(HttpStatusCode.BadRequest); // no antiforgery token: refused before anything else
    }

    [Fact]
    public async Task A_second_subscription_does_not_create_a_second_account_nor_resend_a_mail()
    {
        var email = "claire.bernard@limoges.example";
        await DataPassSubscriptionAsync(hub, Contact(email, "Claire", "BERNARD"));
        await DataPassSubscriptionAsync(hub, Contact(email, "Claire", "BERNARD"));
        Mailbox.Read(hub, email).Count.ShouldBe(1);
        using var scope = hub.Services.CreateScope();
        (await scope.ServiceProvider.GetRequiredService<HubDbContext>().Users.CountAsync(u => u.Email == email)).ShouldBe(1);
    }

    [Fact]
    public async Task Concurrent_subscriptions_naming_the_same_person_create_one_account()
    {
        var email = "hugo.fabre@limoges.example";
        _ = hub.Services; // start the host once, outside the race
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => DataPassSubscriptionAsync(hub, Contact(email, "Hugo", "FABRE")))));
        using var scope = hub.Services.CreateScope();
        (await scope.ServiceProvider.GetRequiredService<HubDbContext>().Users.CountAsync(u => u.Email == email)).ShouldBe(1);
        Mailbox.Read(hub, email).Count.ShouldBe(1);
    }

    [Fact]
    public async Task Forgotten_password_sends_a_new_link_and_answers_the_same_for_unknown_addresses()
    {
        var email = "luc.petit@limoges.example";
        await DataPassSubscriptionAsync(hub, Contact(email, "Luc", "PETIT"));
        var browser = hub.CreateClient();
        foreach (var address in new[] { email, "inconnu@limoges.example" })
        {
            var form = await Mailbox.PageAsync(await browser.GetAsync("/compte/mot-de-passe-oublie"));
            var token = form.QuerySelector("input[name=__RequestVerificationToken]")!.GetAttribute("value")!;
            var answer = await browser.PostAsync("/compte/mot-de-passe-oublie", new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["__RequestVerificationToken"] = token, ["Email"] = address,
            }));
            (await Mailbox.PageAsync(answer)).QuerySelector("[role=status]")!.TextContent.ShouldBe(MotDePasseOublieModel.SentMessage);
        }

        var mails = Mailbox.Read(hub, email);
        mails.Count.ShouldBe(2);
        Mailbox.Read(hub, "inconnu@limoges.example").ShouldBeEmpty();
        var done = await Mailbox.SubmitPasswordAsync(browser, Mailbox.PasswordLink(mails[^1]), "Un mot de passe assez long");
        done.RequestMessage!.RequestUri!.AbsolutePath.ShouldBe("/compte/mot-de-passe/enregistre");
        // Setting the password spent every link sent before, including the first one.
        var first = await Mailbox.PageAsync(await browser.GetAsync(Mailbox.PasswordLink(mails[0])));
        first.QuerySelector("[role=alert]")!.TextContent.ShouldContain(MotDePasseModel.InvalidLinkMessage);
    }

    [Fact]
    public async Task Five_failed_attempts_lock_the_account()
    {
        var email = "sophie.moreau@limoges.example";
        await DataPassSubscriptionAsync(hub, Contact(email, "Sophie", "MOREAU"));
        using var scope = hub.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<PortalUser>>();
        var user = (await users.FindByEmailAsync(email))!;
        for (var i = 0; i < 4; i++)
        {
            await users.AccessFailedAsync(user);
        }

        (await users.IsLockedOutAsync(user)).ShouldBeFalse();
        await users.AccessFailedAsync(user);
        (await users.IsLockedOutAsync(user)).ShouldBeTrue();
    }

    [Fact]
    public async Task A_creation_link_is_refused_after_48_hours()
    {
        await using var own = new HubFactory();
        var email = "marc.leroy@limoges.example";
        await DataPassSubscriptionAsync(own, Contact(email, "Marc", "LEROY"));
        var link = Mailbox.PasswordLink(Mailbox.Read(own, email).Single());
        var browser = own.CreateClient();

        own.Clock.Advance(TimeSpan.FromHours(47));
        (await Mailbox.PageAsync(await browser.GetAsync(link))).QuerySelector("form").ShouldNotBeNull();

        own.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        var page = await Mailbox.PageAsync(await browser.GetAsync(link));
        page.QuerySelector("form").ShouldBeNull();
        page.QuerySelector("[role=alert]")!.TextContent.ShouldContain(MotDePasseModel.InvalidLinkMessage);
    }
}
