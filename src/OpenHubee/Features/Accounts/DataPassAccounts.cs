using Microsoft.EntityFrameworkCore;
using OpenHubee.Data;

namespace OpenHubee.Features.Accounts;

/// <summary>
/// The accounts a validated DataPass subscription brings (portal.md §A step 1, §4.2 step 4): the declared
/// « Administrateur métier » becomes an « Administrateur local » of the SI, and the technical delegate,
/// if any and still without an account, a « Délégué technique ». Both are « Compte DataPass » and
/// receive the password-creation mail. People who already have an account are left as they are.
/// </summary>
public sealed class DataPassAccounts(AccountService accounts, HubDbContext db, ILogger<DataPassAccounts> logger)
{
    public const string Actor = "DataPass";

    public async Task EnsureAccountsAsync(
        Guid subscriberOrganizationId, string processCode, AccountContact localAdministrator, AccountContact? delegationActor, CancellationToken ct)
    {
        var processName = await db.Processes.AsNoTracking().Where(p => p.Code == processCode).Select(p => p.Name).FirstOrDefaultAsync(ct);
        var context = $"process={processCode}";
        if (!string.IsNullOrWhiteSpace(localAdministrator.Email))
        {
            var (_, created) = await accounts.EnsureAccountAsync(
                localAdministrator.Email, subscriberOrganizationId, PortalActorType.LocalAdministrator, localAdministrator, isDataPass: true, Actor, context, ct);
            logger.LogInformation("DataPass subscription to {Process} ({Name}): local administrator {Email} {Outcome}",
                processCode, processName, localAdministrator.Email, created ? "account created" : "already has an account");
        }

        if (delegationActor is not null && !string.IsNullOrWhiteSpace(delegationActor.Email))
        {
            // The delegate works across every SI that delegates to them: their account is created once,
            // in the first SI that names them, and reused afterwards.
            var (_, created) = await accounts.EnsureAccountAsync(
                delegationActor.Email, subscriberOrganizationId, PortalActorType.TechnicalDelegate, delegationActor, isDataPass: true, Actor, context, ct);
            logger.LogInformation("DataPass subscription to {Process}: technical delegate {Email} {Outcome}",
                processCode, delegationActor.Email, created ? "account created" : "already has an account");
        }
    }
}

/// <summary>Subscriptions created through the API (DataPass) bring their accounts through <see cref="DataPassAccounts"/>.</summary>
public sealed class DataPassSubscriptionAccounts(DataPassAccounts accounts) : Referential.ISubscriptionAccounts
{
    public Task EnsureAccountsAsync(Subscription subscription, Referential.ContactDto localAdministrator, Referential.ContactDto? delegationActor, CancellationToken ct) =>
        accounts.EnsureAccountsAsync(subscription.SubscriberOrganizationId, subscription.ProcessCode, ToContact(localAdministrator),
            delegationActor is null ? null : ToContact(delegationActor), ct);

    private static AccountContact ToContact(Referential.ContactDto c) => new(c.Email, c.FirstName, c.LastName, c.Function, c.PhoneNumber, c.MobileNumber);
}
