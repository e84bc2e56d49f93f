using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenHubee.Data;
using OpenHubee.Features.Accounts;
using OpenHubee.Hosting;
using OpenHubee.Tests.Infrastructure;

namespace OpenHubee.Tests.Accounts;

/// <summary>The rules of « Gestion des comptes » (portal.md §C Users, §4.7), as plain functions.</summary>
public sealed class UserRulesTests
{
    [Theory]
    [InlineData("+33555123456")]
    [InlineData("+33612345678")]
    public void Phones_are_plus_33_and_nine_digits(string phone) => UserRules.IsValidPhone(phone).ShouldBeTrue();

    [Theory]
    [InlineData("0555123456")]
    [InlineData("+33 5 55 12 34 56")]
    [InlineData("+33.555.123.456")]
    [InlineData("+3355512345")]
    [InlineData("+335551234567")]
    [InlineData("+32555123456")]
    [InlineData("+33-555123456")]
    [InlineData("")]
    [InlineData(null)]
    public void Other_phone_formats_are_refused(string? phone) => UserRules.IsValidPhone(phone).ShouldBeFalse();

    [Theory]
    [InlineData("contact@limoges.fr")]
    [InlineData("Mairie@limoges.fr")]
    [InlineData("accueil@limoges.fr")]
    [InlineData("etat-civil@limoges.fr")]
    [InlineData("état.civil@limoges.fr")]
    [InlineData("secretariat@saint-junien.fr")]
    [InlineData("mairie.saint-junien@wanadoo.fr")]
    [InlineData("accueil-mairie@limoges.fr")]
    [InlineData("noreply@limoges.fr")]
    [InlineData("info+hubee@limoges.fr")]
    public void Functional_mailboxes_are_refused(string email) => UserRules.IsFunctionalMailbox(email).ShouldBeTrue();

    [Theory]
    [InlineData("jeanne.martin@limoges.fr")]
    [InlineData("j.contacteur@limoges.fr")]
    [InlineData("villeneuve.paul@limoges.fr")]
    [InlineData("marie.accueil-dupont@limoges.fr")]
    [InlineData("camille@limoges.fr")]
    public void Personal_addresses_are_accepted(string email) => UserRules.IsFunctionalMailbox(email).ShouldBeFalse();

    [Fact]
    public void Nobody_changes_their_own_rights()
    {
        var me = Guid.NewGuid();
        UserRules.MayChangeRightsOf(me, me).ShouldBeFalse();
        UserRules.MayChangeRightsOf(me, Guid.NewGuid()).ShouldBeTrue();
        UserRules.MayDeactivate(PortalActorType.LocalAdministrator, me, new PortalUser { Id = me, ActorType = PortalActorType.LocalAdministrator }).ShouldBeFalse();
    }

    [Fact]
    public void The_SI_cannot_deactivate_a_technical_delegate()
    {
        var delegate_ = new PortalUser { Id = Guid.NewGuid(), ActorType = PortalActorType.TechnicalDelegate };
        UserRules.MayDeactivate(PortalActorType.LocalAdministrator, Guid.NewGuid(), delegate_).ShouldBeFalse();
        UserRules.MayDeactivate(PortalActorType.NationalAdministrator, Guid.NewGuid(), delegate_).ShouldBeTrue();
        UserRules.MayDeactivate(PortalActorType.LocalAdministrator, Guid.NewGuid(), new PortalUser { Id = Guid.NewGuid(), ActorType = PortalActorType.Agent }).ShouldBeTrue();
    }

    [Fact]
    public void Identity_needs_names_and_one_valid_phone()
    {
        UserRules.CheckIdentity(new UserIdentity(null, "Jeanne", "MARTIN", null, null, "+33612345678")).ShouldBeEmpty();
        UserRules.CheckIdentity(new UserIdentity(null, "Jeanne", "MARTIN", null, null, null)).ShouldBe([UserRules.PhoneRequiredText]);
        UserRules.CheckIdentity(new UserIdentity(null, "", " ", null, "05 55 12 34 56", null)).Count.ShouldBe(3);
    }
}

/// <summary>« Gestion des comptes » through its service, on the demo commune of Limoges.</summary>
public sealed class UserManagementTests : IClassFixture<HubFactory>
{
    private readonly HubFactory hub;

    public UserManagementTests(HubFactory hub) => this.hub = hub;

    private async Task<(ActingUser Admin, Guid AgentId)> DemoAsync()
    {
        using var scope = hub.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var admin = await db.Users.AsNoTracking().SingleAsync(u => u.Email == DemoData.PortalAccounts[0].Email);
        var agent = await db.Users.AsNoTracking().SingleAsync(u => u.Email == DemoData.PortalAccounts[1].Email);
        return (new ActingUser(admin.Id, admin.OrganizationId, admin.ActorType, "Claire MOREAU <admin@limoges.example>", true, true), agent.Id);
    }

    [Fact]
    public async Task An_administrator_creates_an_agent_with_habilitations_and_the_password_mail()
    {
        var (admin, _) = await DemoAsync();
        using var scope = hub.Services.CreateScope();
        var management = scope.ServiceProvider.GetRequiredService<UserManagement>();
        var result = await management.CreateAsync(admin, new NewUser(PortalActorType.Agent, ["EtatCivil", "depotDossierPACS"], "louis.petit@limoges.example",
            "Monsieur", "Louis", "PETIT", "Agent d'accueil", "+33555111111", null), CancellationToken.None);
        result.Errors.ShouldBeEmpty();
        result.User!.Roles.ShouldBe([PortalRole.CaseManagement]);
        result.User.Habilitations.ShouldBe(["EtatCivil", "depotDossierPACS"], ignoreOrder: true);
        result.User.Civility.ShouldBe("Monsieur");
        Mailbox.Read(hub, "louis.petit@limoges.example").Single().Subject!.ShouldContain("Création de mot de passe");

        var again = await management.CreateAsync(admin, new NewUser(PortalActorType.Agent, [], "louis.petit@limoges.example",
            null, "Louis", "PETIT", null, "+33555111111", null), CancellationToken.None);
        again.Errors.Single().ShouldContain("Un compte existe déjà pour l'adresse « louis.petit@limoges.example »");

        var functional = await management.CreateAsync(admin, new NewUser(PortalActorType.Agent, ["HebergementTourisme"], "mairie@limoges.example",
            null, "", "PETIT", null, "0555111111", null), CancellationToken.None);
        functional.Errors.ShouldContain(UserRules.FunctionalMailboxText);
        functional.Errors.ShouldContain("Le prénom est obligatoire.");
        functional.Errors.ShouldContain(e => e.Contains("démarches auxquelles votre service instructeur est abonné"));
        functional.Errors.ShouldContain(e => e.StartsWith("Téléphone principal", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Own_rights_are_refused_on_the_server_and_changes_are_audited()
    {
        var (admin, agentId) = await DemoAsync();
        using var scope = hub.Services.CreateScope();
        var management = scope.ServiceProvider.GetRequiredService<UserManagement>();
        var own = await management.UpdateRightsAsync(admin, admin.UserId,
            new UserRights(PortalActorType.LocalAdministrator, [.. UserRules.AllRoles], []), CancellationToken.None);
        own.Errors.ShouldBe([UserRules.OwnRightsText]);
        (await management.SetActiveAsync(admin, admin.UserId, false, CancellationToken.None)).Errors.ShouldBe([UserRules.OwnRightsText]);

        var readOnly = admin with { CanManage = false };
        (await management.SetActiveAsync(readOnly, agentId, false, CancellationToken.None)).Errors.ShouldBe([UserRules.ReadOnlyText]);

        (await management.UpdateRightsAsync(admin, agentId,
            new UserRights(PortalActorType.Agent, [PortalRole.CaseManagement, PortalRole.SubscriptionConsultation], ["EtatCivil", "CERTDC"]), CancellationToken.None)).Errors.ShouldBeEmpty();
        (await management.SetActiveAsync(admin, agentId, false, CancellationToken.None)).Errors.ShouldBeEmpty();
        (await management.SetActiveAsync(admin, agentId, true, CancellationToken.None)).Errors.ShouldBeEmpty();

        var actions = await scope.ServiceProvider.GetRequiredService<HubDbContext>().AuditEntries.AsNoTracking()
            .Where(e => e.Target == DemoData.PortalAccounts[1].Email).Select(e => e.Action).ToListAsync();
        actions.ShouldContain("ACCOUNT_ROLES_CHANGED");
        actions.ShouldContain("ACCOUNT_HABILITATIONS_CHANGED");
        actions.ShouldContain("ACCOUNT_DEACTIVATED");
        actions.ShouldContain("ACCOUNT_REACTIVATED");
    }
}
