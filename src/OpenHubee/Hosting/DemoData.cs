using Microsoft.EntityFrameworkCore;
using OpenHubee.Auth;
using OpenHubee.Data;
using OpenHubee.Domain;

namespace OpenHubee.Hosting;

/// <summary>
/// The operators and processes of the HubEE documentation, two communes with active API-mode
/// subscriptions, and demo API clients, so that a newcomer can run the README walk-through at once.
/// Never seeded in Production unless asked for.
/// </summary>
public static class DemoData
{
    public const string LimogesSiret = "21870850100018";
    public const string LimogesBranch = "87085";
    public const string BordeauxSiret = "21330063500017";
    public const string BordeauxBranch = "33063";
    public const string DilaSiret = "13000918600011";
    public const string DgsSiret = "13001653800014";
    public const string CnafSiret = "18006501200014";

    /// <summary>Demo API clients: (client id, secret, scope, organisation SIRET, process for SI clients).</summary>
    public static readonly IReadOnlyList<(string ClientId, string Secret, string Scope, string Siret, string? Process)> Clients =
    [
        ("demo-dila", "demo-dila-secret", Scopes.Osl, DilaSiret, null),
        ("demo-dgs", "demo-dgs-secret", Scopes.Osl, DgsSiret, null),
        ("demo-cnaf", "demo-cnaf-secret", Scopes.Osl, CnafSiret, null),
        ("demo-limoges-etatcivil", "demo-limoges-etatcivil-secret", Scopes.Si, LimogesSiret, "EtatCivil"),
        ("demo-limoges-pacs", "demo-limoges-pacs-secret", Scopes.Si, LimogesSiret, "depotDossierPACS"),
        ("demo-limoges-certdc", "demo-limoges-certdc-secret", Scopes.Si, LimogesSiret, "CERTDC"),
        ("demo-bordeaux-etatcivil", "demo-bordeaux-etatcivil-secret", Scopes.Si, BordeauxSiret, "EtatCivil"),
        ("demo-admin", "demo-admin-secret", Scopes.Admin, Bootstrap.HubOrganizationSiret, null),
        ("demo-datapass", "demo-datapass-secret", Scopes.Datapass, Bootstrap.HubOrganizationSiret, null),
    ];

    /// <summary>
    /// Demo portal accounts of COMMUNE DE LIMOGES: (e-mail, password, actor type, first name, last name, habilitations).
    /// The administrator confirms each login with a code mailed as an .eml file to &lt;data&gt;/mail; the agent needs none.
    /// </summary>
    public static readonly IReadOnlyList<(string Email, string Password, string ActorType, string FirstName, string LastName, string[] Habilitations)> PortalAccounts =
    [
        ("admin@limoges.example", "Demo-Limoges-2026!", PortalActorType.LocalAdministrator, "Claire", "MOREAU", []),
        ("julie.bernard@limoges.example", "Demo-EtatCivil-2026!", PortalActorType.Agent, "Julie", "BERNARD", ["EtatCivil"]),
    ];

    public static async Task SeedAsync(IServiceProvider services, ILogger logger)
    {
        var db = services.GetRequiredService<HubDbContext>();
        var clock = services.GetRequiredService<TimeProvider>();
        if (await db.Processes.AnyAsync(p => p.Code == "EtatCivil"))
        {
            return;
        }

        var now = clock.GetUtcNow();
        var dinum = await Bootstrap.EnsureHubOrganizationAsync(db, clock);
        Organization Org(string type, string siret, string branch, string name, string? code, string postalCode, string territory) =>
            new() { Id = Guid.NewGuid(), Type = type, CompanyRegister = siret, BranchCode = branch, Name = name, Code = code, PostalCode = postalCode, Territory = territory, Country = "France", CreateDateTime = now };

        var dila = Org(Scopes.Osl, DilaSiret, "-", "DIRECTION DE L'INFORMATION LEGALE ET ADMINISTRATIVE", "DILA", "75015", "Paris");
        var dgs = Org(Scopes.Osl, DgsSiret, "-", "DIRECTION GENERALE DE LA SANTE", "DGS", "75007", "Paris");
        var cnaf = Org(Scopes.Osl, CnafSiret, "-", "CAISSE NATIONALE DES ALLOCATIONS FAMILIALES", "CNAF", "75014", "Paris");
        var limoges = Org(Scopes.Si, LimogesSiret, LimogesBranch, "COMMUNE DE LIMOGES", null, "87000", "Haute-Vienne");
        limoges.Email = "mairie@limoges.example";
        var bordeaux = Org(Scopes.Si, BordeauxSiret, BordeauxBranch, "COMMUNE DE BORDEAUX", null, "33000", "Gironde");
        db.Organizations.AddRange(dila, dgs, cnaf, limoges, bordeaux);

        Process P(string code, string name, Organization osl, string[] formats, string[] types, bool messages, bool awaiting, string[]? siFormats = null) => new()
        {
            Code = code, Name = name, OslOrganizationId = osl.Id, AttachmentFormatsEnabled = [.. formats], AttachmentTypesEnabled = [.. types],
            SiAttachmentFormatsEnabled = [.. siFormats ?? ["application/pdf"]], AttachmentMaxSizeEnabled = 1L << 30,
            StatusBeforeFileDeletion = code == "CERTDC" ? CaseStatus.InProgress : CaseStatus.Closed, TimeBeforeFileDeletion = 30,
            TimeBeforeArchiving = 90, TimeBeforeFolderDeletion = 365, MessageToTransmitter = messages, MessageWithStatus = messages,
            AuthorizedAwaiting = awaiting, SubscriptionValidation = "Auto", CreationDateTime = now, IsActivated = true,
        };
        string[] pdfXml = ["application/pdf", "application/xml", "text/xml"];
        db.Processes.AddRange(
            P("EtatCivil", "Demande d'acte d'état civil", dila, pdfXml, [], messages: true, awaiting: false),
            P("recensementCitoyen", "Recensement citoyen obligatoire", dila, pdfXml, [], messages: true, awaiting: true),
            P("depotDossierPACS", "Déclaration conjointe de PACS", dila, pdfXml, [], messages: true, awaiting: false),
            P("JeChangeDeCoordonnees", "Déclaration de changement de coordonnées", dila, pdfXml, [], messages: true, awaiting: false),
            P("HebergementTourisme", "Déclaration d'hébergement touristique", dila, pdfXml, [], messages: true, awaiting: false),
            P("CERTDC", "Certificat de décès électronique", dgs, ["application/pdf", "application/xml"], [], messages: false, awaiting: false, siFormats: []),
            P("RSABEI-RSABAI", "Demande de RSA", cnaf, ["application/xml", "application/pdf"], [], messages: true, awaiting: true));
        await db.SaveChangesAsync();

        var activeSince = SubscriptionLifecycle.StartOfParisDay(SubscriptionLifecycle.ParisDay(now).AddDays(-30));
        long datapassId = 10_000;
        Subscription Sub(Organization si, string process) => new()
        {
            Id = Guid.NewGuid(), DatapassId = datapassId++, ProcessCode = process, SubscriberOrganizationId = si.Id, AccessMode = AccessMode.Api,
            NotificationFrequency = NotificationFrequency.Unitaire, Email = si == limoges ? "teledossiers@limoges.example" : "teledossiers@bordeaux.example",
            Status = SubscriptionStatus.Inactif, ActivateDateTime = activeSince, ValidateDateTime = activeSince, CreateDateTime = now,
            LocalAdministratorEmail = si == limoges ? "admin@limoges.example" : "admin@bordeaux.example",
        };
        var subscriptions = new[]
        {
            Sub(limoges, "EtatCivil"), Sub(limoges, "depotDossierPACS"), Sub(limoges, "recensementCitoyen"), Sub(limoges, "JeChangeDeCoordonnees"),
            Sub(limoges, "CERTDC"), Sub(bordeaux, "EtatCivil"),
        };
        db.Subscriptions.AddRange(subscriptions);
        await db.SaveChangesAsync();

        var apiClients = services.GetRequiredService<ApiClientService>();
        var organizations = new Dictionary<string, Organization>
        {
            [DilaSiret] = dila, [DgsSiret] = dgs, [CnafSiret] = cnaf, [LimogesSiret] = limoges, [BordeauxSiret] = bordeaux, [Bootstrap.HubOrganizationSiret] = dinum,
        };
        foreach (var (clientId, secret, scope, siret, process) in Clients)
        {
            var organization = organizations[siret];
            var subscription = process is null ? null : subscriptions.First(s => s.SubscriberOrganizationId == organization.Id && s.ProcessCode == process);
            await apiClients.CreateAsync(scope, organization.Id, subscription?.Id, "demo-data", clientId, secret);
        }

        var users = services.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<PortalUser>>();
        // Tests that count mails per person can leave the demo portal accounts out.
        var accounts = services.GetRequiredService<IConfiguration>().GetValue("OpenHubee:DemoData:PortalAccounts", true) ? PortalAccounts : [];
        foreach (var (email, password, actorType, firstName, lastName, habilitations) in accounts)
        {
            var created = await users.CreateAsync(new PortalUser
            {
                Id = Guid.NewGuid(), UserName = email, Email = email, EmailConfirmed = true, OrganizationId = limoges.Id, ActorType = actorType,
                Civility = "Madame", FirstName = firstName, LastName = lastName, PhoneNumber = "+33555450000",
                Function = actorType == PortalActorType.LocalAdministrator ? "Directrice des services numériques" : "Officier d'état civil",
                IsDataPassAccount = actorType == PortalActorType.LocalAdministrator, Roles = [.. PortalRole.DefaultsFor(actorType)], Habilitations = [.. habilitations],
                CreateDateTime = now, PasswordChangedDateTime = now,
            }, password);
            if (!created.Succeeded)
            {
                throw new InvalidOperationException($"Demo account {email}: {string.Join(" ", created.Errors.Select(e => e.Description))}");
            }
        }

        logger.LogInformation("Demo data seeded: {Clients}", string.Join(", ", Clients.Select(c => $"{c.ClientId} ({c.Scope})")));
    }
}
