using Microsoft.EntityFrameworkCore;
using OpenHubee.Api;
using OpenHubee.Auth;
using OpenHubee.Data;
using OpenHubee.Domain;

namespace OpenHubee.Features.Referential;

/// <summary>The contract's <c>localAdministrator</c> / <c>delegationActor</c> object (POST /subscriptions).</summary>
public sealed record ContactDto(string? FirstName, string? LastName, string Email, string? Function = null, string? PhoneNumber = null, string? MobileNumber = null);

/// <summary>
/// The seam where portal accounts are created for a new subscription (local administrator, technical delegate):
/// the accounts feature registers the implementation (DataPassSubscriptionAccounts).
/// </summary>
public interface ISubscriptionAccounts
{
    Task EnsureAccountsAsync(Subscription subscription, ContactDto localAdministrator, ContactDto? delegationActor, CancellationToken ct);
}

/// <summary>A field of a change: absent (keep the current value) or set, possibly to null.</summary>
public readonly record struct Optional<T>(bool IsSet, T Value)
{
    public static implicit operator Optional<T>(T value) => new(true, value);
}

/// <summary>What a caller (PUT /subscriptions/{id}, the portal form, an editor) asks to change. Unset fields are kept.</summary>
public sealed record SubscriptionChange
{
    public Optional<string?> AccessMode { get; init; }
    public Optional<string?> NotificationFrequency { get; init; }
    public Optional<string?> Email { get; init; }
    /// <summary>Actif (activate or reactivate), Suspendu, or the current status (no change).</summary>
    public Optional<string?> Status { get; init; }
    /// <summary>The Europe/Paris day from which the subscription is active; today or later.</summary>
    public Optional<DateOnly?> ActivateDay { get; init; }
    /// <summary>The Europe/Paris day from which the subscription is suspended (extension); null with status Actif cancels a scheduled suspension.</summary>
    public Optional<DateOnly?> SuspendDay { get; init; }
    public Optional<DateTimeOffset?> EndDateTime { get; init; }
    public Optional<string?> DelegationActorEmail { get; init; }
    public Optional<string?> LocalAdministratorEmail { get; init; }
    public Optional<OrganizationIdentifierDto?> Editor { get; init; }
}

/// <summary>What DataPass (or a national administrator) declares when a subscription request is decided.</summary>
public sealed record NewSubscription(
    long DatapassId,
    string ProcessCode,
    OrganizationIdentifierDto Subscriber,
    ContactDto LocalAdministrator,
    ContactDto? DelegationActor,
    string? Status = null,
    string? NotificationFrequency = null,
    string? Email = null,
    string? AccessMode = null,
    DateOnly? ActivateDay = null,
    DateTimeOffset? ValidateDateTime = null,
    DateTimeOffset? RejectDateTime = null,
    string? RejectionReason = null,
    DateTimeOffset? EndDateTime = null);

/// <summary>A broken rule: <see cref="Field"/> is the wire field (null for a message that stands alone).</summary>
public sealed record RuleViolation(string? Field, string Problem, bool MissingField = false)
{
    /// <summary>The JSON-Schema style of the API (api.md §5.3).</summary>
    public string ToApiMessage() => Field is null ? Problem : MissingField ? $"#:{Field} required key not found" : $"#/{Field}: {Problem}";
}

public sealed class SubscriptionRuleException(IReadOnlyList<RuleViolation> violations)
    : Exception(string.Join(", ", violations.Select(v => v.ToApiMessage())))
{
    public IReadOnlyList<RuleViolation> Violations { get; } = violations;
}

/// <summary>An audit action decided by the rules, written by the service with the change.</summary>
public sealed record SubscriptionAuditAction(string Action, string? Details);

/// <summary>
/// The subscription lifecycle of api.md §4 and portal.md §C 4.1–4.5, as plain functions: the API and the
/// portal both go through them. The status a reader sees is computed by <see cref="SubscriptionLifecycle"/>.
/// </summary>
public static class SubscriptionRules
{
    public const string SuspensionImmediately = "Immediately";
    public const string SuspensionNextDay = "NextDay";

    public static string? CanonicalAccessMode(string? value) =>
        value is null ? null : new[] { AccessMode.Portail, AccessMode.Api }.FirstOrDefault(m => m.Equals(value.Trim(), StringComparison.OrdinalIgnoreCase));

    /// <summary>Accepts the wire value whatever its case and accents ("Refuse", "refusé").</summary>
    public static string? CanonicalStatus(string? value)
    {
        if (value is null)
        {
            return null;
        }

        var v = value.Trim().Replace('é', 'e').Replace('É', 'E');
        return new[] { SubscriptionStatus.Actif, SubscriptionStatus.Inactif, SubscriptionStatus.Refuse, SubscriptionStatus.Suspendu }
            .FirstOrDefault(s => s.Replace('é', 'e').Equals(v, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Checks a new subscription and returns it (Refusé or Inactif, possibly with an access mode and an activation day).</summary>
    public static (Subscription Subscription, List<RuleViolation> Violations) Create(NewSubscription request, Process? process, Organization? subscriber, DateTimeOffset now)
    {
        var violations = new List<RuleViolation>();
        var status = request.Status is null ? SubscriptionStatus.Inactif : CanonicalStatus(request.Status);
        if (status is null)
        {
            violations.Add(new("status", "String is not a valid enum value"));
        }
        else if (status is not (SubscriptionStatus.Inactif or SubscriptionStatus.Refuse or SubscriptionStatus.Actif))
        {
            violations.Add(new("status", $"A subscription cannot be created with status {status}"));
        }

        if (process is null)
        {
            violations.Add(new("processCode", "Process is not found"));
        }
        else if (!process.IsActivated && status != SubscriptionStatus.Refuse)
        {
            violations.Add(new("processCode", "Process is not activated"));
        }

        if (subscriber is null)
        {
            violations.Add(new("subscriber", $"Organization {request.Subscriber} is not found"));
        }
        else if (subscriber.Type != Scopes.Si)
        {
            violations.Add(new("subscriber", "Organization is not an instructing service (SI)"));
        }

        var frequency = request.NotificationFrequency is null ? NotificationFrequency.Unitaire : NotificationFrequency.Canonical(request.NotificationFrequency);
        if (frequency is null)
        {
            violations.Add(new("notificationFrequency", "String is not a valid value"));
        }

        if (status == SubscriptionStatus.Refuse && string.IsNullOrWhiteSpace(request.RejectionReason))
        {
            violations.Add(new("rejectionReason", "required key not found", MissingField: true));
        }

        var subscription = new Subscription
        {
            Id = Guid.NewGuid(),
            DatapassId = request.DatapassId,
            ProcessCode = request.ProcessCode,
            SubscriberOrganizationId = subscriber?.Id ?? Guid.Empty,
            NotificationFrequency = frequency ?? NotificationFrequency.Unitaire,
            Email = request.Email,
            Status = status == SubscriptionStatus.Refuse ? SubscriptionStatus.Refuse : SubscriptionStatus.Inactif,
            CreateDateTime = now,
            UpdateDateTime = now,
            LocalAdministratorEmail = request.LocalAdministrator.Email,
            DelegationActorEmail = request.DelegationActor?.Email,
            EndDateTime = request.EndDateTime,
        };
        if (subscription.Status == SubscriptionStatus.Refuse)
        {
            subscription.RejectionReason = request.RejectionReason;
            subscription.RejectDateTime = request.RejectDateTime ?? now;
            if (request.AccessMode is not null || request.ActivateDay is not null)
            {
                violations.Add(new("status", "A refused subscription cannot be activated"));
            }
        }
        else
        {
            subscription.ValidateDateTime = request.ValidateDateTime ?? now;
            // Access mode and activation given at creation follow the same rules as a later change.
            var change = new SubscriptionChange
            {
                AccessMode = request.AccessMode is null ? default(Optional<string?>) : request.AccessMode,
                ActivateDay = request.ActivateDay is null ? default(Optional<DateOnly?>) : request.ActivateDay,
                Status = status == SubscriptionStatus.Actif ? SubscriptionStatus.Actif : default(Optional<string?>),
            };
            violations.AddRange(Apply(subscription, change, editor: null, now, SuspensionImmediately, requireEmail: false, []));
        }

        return (subscription, violations);
    }

    /// <summary>
    /// Checks a change against the lifecycle and applies it only when every rule holds. Rules:
    /// a Refusé subscription never changes state; activation needs an access mode; activation and suspension
    /// days are today or later (Europe/Paris) and take effect at 00:00; an active subscription goes back to
    /// Inactif never; an editor is named only in API mode; the notification address is required unless Aucune.
    /// </summary>
    public static List<RuleViolation> Apply(Subscription s, SubscriptionChange change, Organization? editor, DateTimeOffset now,
        string suspensionEffect, bool requireEmail, List<SubscriptionAuditAction> audit)
    {
        var violations = new List<RuleViolation>();
        var today = SubscriptionLifecycle.ParisDay(now);
        var current = SubscriptionLifecycle.StatusAt(s, now);
        var refused = s.Status == SubscriptionStatus.Refuse;

        // Access mode.
        var accessMode = s.AccessMode;
        if (change.AccessMode.IsSet)
        {
            if (change.AccessMode.Value is null)
            {
                if (s.AccessMode is not null)
                {
                    violations.Add(new("accessMode", "An access mode cannot be removed once chosen"));
                }
            }
            else if (CanonicalAccessMode(change.AccessMode.Value) is { } mode)
            {
                accessMode = mode;
            }
            else
            {
                violations.Add(new("accessMode", "String is not a valid enum value"));
            }
        }

        // Notifications.
        var frequency = s.NotificationFrequency;
        if (change.NotificationFrequency.IsSet && change.NotificationFrequency.Value is not null)
        {
            frequency = NotificationFrequency.Canonical(change.NotificationFrequency.Value) ?? frequency;
            if (NotificationFrequency.Canonical(change.NotificationFrequency.Value) is null)
            {
                violations.Add(new("notificationFrequency", "String is not a valid value"));
            }
        }

        var email = change.Email.IsSet ? change.Email.Value : s.Email;
        if (requireEmail && frequency != NotificationFrequency.Aucune && string.IsNullOrWhiteSpace(email))
        {
            violations.Add(new("email", "required key not found", MissingField: true));
        }

        // Activation day.
        var activate = s.ActivateDateTime;
        var alreadyActive = s.ActivateDateTime is { } a && a <= now;
        if (change.ActivateDay.IsSet)
        {
            var day = change.ActivateDay.Value;
            var unchanged = day is null ? s.ActivateDateTime is null
                : s.ActivateDateTime is { } stored && SubscriptionLifecycle.ParisDay(stored) == day;
            if (!unchanged)
            {
                if (refused)
                {
                    violations.Add(new("activateDateTime", "A refused subscription cannot be activated"));
                }
                else if (day is null)
                {
                    if (alreadyActive)
                    {
                        violations.Add(new("activateDateTime", "The subscription is already active"));
                    }
                    else
                    {
                        activate = null;
                    }
                }
                else if (alreadyActive)
                {
                    // Re-sending today's date (DataPass activates with "now") keeps the earlier activation.
                    if (day > today)
                    {
                        violations.Add(new("activateDateTime", "The subscription is already active"));
                    }
                }
                else if (day < today)
                {
                    violations.Add(new("activateDateTime", "The activation date must be today or later"));
                }
                else
                {
                    activate = SubscriptionLifecycle.StartOfParisDay(day.Value);
                }
            }
        }

        // Status: activation, suspension, reactivation. Re-sending the stored suspension day is no change.
        var suspend = s.SuspendDateTime;
        if (change.SuspendDay.IsSet && (change.SuspendDay.Value is { } sd
                ? s.SuspendDateTime is { } storedSuspend && SubscriptionLifecycle.ParisDay(storedSuspend) == sd
                : s.SuspendDateTime is null))
        {
            change = change with { SuspendDay = default(Optional<DateOnly?>) };
        }

        var requested = change.Status.IsSet && change.Status.Value is not null ? CanonicalStatus(change.Status.Value) : null;
        if (change.Status.IsSet && change.Status.Value is not null && requested is null)
        {
            violations.Add(new("status", "String is not a valid enum value"));
        }
        else if (requested is not null && requested != current)
        {
            if (refused)
            {
                violations.Add(new("status", "A refused subscription cannot be activated"));
            }
            else if (requested == SubscriptionStatus.Refuse)
            {
                violations.Add(new("status", "A subscription is refused only when it is created"));
            }
            else if (requested == SubscriptionStatus.Inactif)
            {
                violations.Add(new("status", "An activated subscription cannot become Inactif again; suspend it"));
            }
            else if (requested == SubscriptionStatus.Actif)
            {
                if (current == SubscriptionStatus.Suspendu)
                {
                    suspend = null;
                }

                activate ??= SubscriptionLifecycle.StartOfParisDay(today);
            }
        }

        if (!refused && requested == SubscriptionStatus.Suspendu && (current != SubscriptionStatus.Suspendu || change.SuspendDay is { IsSet: true, Value: not null }))
        {
            suspend = SuspensionStart(change.SuspendDay, today, now, suspensionEffect, violations);
        }
        else if (!refused && (requested is null || requested == SubscriptionStatus.Actif) && change.SuspendDay.IsSet && current != SubscriptionStatus.Suspendu)
        {
            // Scheduling or cancelling a future suspension on an active subscription (extension field).
            suspend = change.SuspendDay.Value is null ? null : SuspensionStart(change.SuspendDay, today, now, suspensionEffect, violations);
        }

        if (activate is not null && accessMode is null && activate != s.ActivateDateTime)
        {
            violations.Add(new("accessMode", "An access mode is required to activate the subscription"));
        }

        // Editor (API mode only; cleared when the subscription goes back to the portal).
        var editorId = s.EditorOrganizationId;
        if (change.Editor.IsSet)
        {
            if (change.Editor.Value is null)
            {
                editorId = null;
            }
            else if (editor is null)
            {
                violations.Add(new("editor", $"Organization {change.Editor.Value} is not found"));
            }
            else if (accessMode != AccessMode.Api)
            {
                violations.Add(new("editor", "An editor can be named only in API access mode"));
            }
            else
            {
                editorId = editor.Id;
            }
        }

        if (accessMode != AccessMode.Api && editorId is not null && !(change.Editor is { IsSet: true, Value: not null }))
        {
            editorId = null;
        }

        if (change.LocalAdministratorEmail is { IsSet: true, Value: null })
        {
            violations.Add(new("localAdministrator", "required key not found", MissingField: true));
        }

        if (violations.Count > 0)
        {
            return violations;
        }

        void Changed(string action, string? details) => audit.Add(new SubscriptionAuditAction(action, details));

        if (accessMode != s.AccessMode)
        {
            Changed("SUBSCRIPTION_ACCESS_MODE_CHANGED", $"{s.AccessMode ?? "none"} -> {accessMode}");
            s.AccessMode = accessMode;
        }

        if (frequency != s.NotificationFrequency || email != s.Email)
        {
            Changed("SUBSCRIPTION_NOTIFICATIONS_CHANGED", $"frequency={frequency}, email={email}");
            (s.NotificationFrequency, s.Email) = (frequency, email);
        }

        if (activate != s.ActivateDateTime)
        {
            Changed("SUBSCRIPTION_ACTIVATION_SET", activate is null ? "cancelled" : $"from {SubscriptionLifecycle.ParisDay(activate.Value):yyyy-MM-dd} 00:00 Europe/Paris");
            s.ActivateDateTime = activate;
        }

        if (suspend != s.SuspendDateTime)
        {
            Changed(suspend is null ? "SUBSCRIPTION_REACTIVATED" : "SUBSCRIPTION_SUSPENDED", suspend is null ? null : $"from {suspend.Value:O}");
            s.SuspendDateTime = suspend;
        }

        // The decided status, kept for the record; what readers see is computed from the dates.
        s.Status = refused ? SubscriptionStatus.Refuse
            : s.SuspendDateTime is not null ? SubscriptionStatus.Suspendu
            : s.ActivateDateTime is not null ? SubscriptionStatus.Actif
            : SubscriptionStatus.Inactif;

        if (editorId != s.EditorOrganizationId)
        {
            Changed("SUBSCRIPTION_EDITOR_CHANGED", editorId is null ? "none" : change.Editor.Value?.ToString());
            s.EditorOrganizationId = editorId;
        }

        if (change.DelegationActorEmail.IsSet && change.DelegationActorEmail.Value != s.DelegationActorEmail)
        {
            Changed("SUBSCRIPTION_DELEGATION_CHANGED", change.DelegationActorEmail.Value ?? "none");
            s.DelegationActorEmail = change.DelegationActorEmail.Value;
        }

        if (change.LocalAdministratorEmail is { IsSet: true, Value: { } admin } && admin != s.LocalAdministratorEmail)
        {
            Changed("SUBSCRIPTION_LOCAL_ADMINISTRATOR_CHANGED", admin);
            s.LocalAdministratorEmail = admin;
        }

        if (change.EndDateTime.IsSet && change.EndDateTime.Value != s.EndDateTime)
        {
            Changed("SUBSCRIPTION_END_DATE_SET", change.EndDateTime.Value?.ToString("O"));
            s.EndDateTime = change.EndDateTime.Value;
        }

        return violations;
    }

    private static DateTimeOffset? SuspensionStart(Optional<DateOnly?> requestedDay, DateOnly today, DateTimeOffset now, string effect, List<RuleViolation> violations)
    {
        if (requestedDay is { IsSet: true, Value: { } day })
        {
            if (day < today)
            {
                violations.Add(new("suspendDateTime", "The suspension date must be today or later"));
                return null;
            }

            return day == today ? now : SubscriptionLifecycle.StartOfParisDay(day);
        }

        // Decision 16: immediate by default, or from the next day (00:00 Europe/Paris) when configured.
        return effect == SuspensionNextDay ? SubscriptionLifecycle.StartOfParisDay(today.AddDays(1)) : now;
    }
}

/// <summary>
/// Creates and changes subscriptions through <see cref="SubscriptionRules"/>, with their side effects: the audit
/// trail, the SI credentials created at the first save in API mode (one client per subscription, kept when the
/// mode changes), and the portal accounts (<see cref="ISubscriptionAccounts"/>). Used by the API and the portal;
/// the caller decides who may act and passes an actor name for the audit.
/// </summary>
public sealed class SubscriptionService(
    HubDbContext db,
    ApiClientService apiClients,
    AuditLog audit,
    TimeProvider clock,
    ISubscriptionAccounts accounts,
    IConfiguration configuration)
{
    private string SuspensionEffect => configuration["OpenHubee:Subscriptions:SuspensionEffect"] ?? SubscriptionRules.SuspensionImmediately;

    public async Task<Subscription> CreateAsync(NewSubscription request, string actor, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var process = await db.Processes.FirstOrDefaultAsync(p => p.Code == request.ProcessCode, ct);
        var subscriber = await FindOrganizationAsync(request.Subscriber, ct);
        var (subscription, violations) = SubscriptionRules.Create(request, process, subscriber, now);
        if (violations.Count > 0)
        {
            throw new SubscriptionRuleException(violations);
        }

        // One subscription per instructing service and process; a refusal is kept as history and does not count.
        if (subscription.Status != SubscriptionStatus.Refuse && await db.Subscriptions.AnyAsync(
                s => s.SubscriberOrganizationId == subscriber!.Id && s.ProcessCode == request.ProcessCode && s.Status != SubscriptionStatus.Refuse, ct))
        {
            throw new SubscriptionRuleException([new(null, $"Subscription {request.ProcessCode} for organization {subscriber!.Identifier} already exists")]);
        }

        await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        db.Subscriptions.Add(subscription);
        audit.Add(subscription.SubscriberOrganizationId, actor, subscription.Status == SubscriptionStatus.Refuse ? "SUBSCRIPTION_REFUSED" : "SUBSCRIPTION_CREATED",
            subscription.Id.ToString(), $"process={subscription.ProcessCode}, datapassId={subscription.DatapassId}");
        if (subscription.AccessMode is not null)
        {
            audit.Add(subscription.SubscriberOrganizationId, actor, "SUBSCRIPTION_ACCESS_MODE_CHANGED", subscription.Id.ToString(), $"none -> {subscription.AccessMode}");
        }

        if (subscription.ActivateDateTime is { } activate)
        {
            audit.Add(subscription.SubscriberOrganizationId, actor, "SUBSCRIPTION_ACTIVATION_SET", subscription.Id.ToString(),
                $"from {SubscriptionLifecycle.ParisDay(activate):yyyy-MM-dd} 00:00 Europe/Paris");
        }

        await db.SaveChangesAsync(ct);
        await EnsureCredentialsAsync(subscription, actor, ct);
        if (subscription.Status != SubscriptionStatus.Refuse)
        {
            await accounts.EnsureAccountsAsync(subscription, request.LocalAdministrator, request.DelegationActor, ct);
        }

        if (tx is not null)
        {
            await tx.CommitAsync(ct);
        }

        subscription.Subscriber = subscriber;
        subscription.Process = process;
        return subscription;
    }

    /// <summary>Applies a change; null when the subscription does not exist.</summary>
    public async Task<Subscription?> UpdateAsync(Guid id, SubscriptionChange change, string actor, CancellationToken ct = default)
    {
        var subscription = await db.Subscriptions.Include(s => s.Subscriber).Include(s => s.Editor).FirstOrDefaultAsync(s => s.Id == id, ct);
        if (subscription is null)
        {
            return null;
        }

        var editor = change.Editor is { IsSet: true, Value: { } editorId } ? await FindOrganizationAsync(editorId, ct) : null;
        var previousAdmin = subscription.LocalAdministratorEmail;
        var previousDelegate = subscription.DelegationActorEmail;
        var actions = new List<SubscriptionAuditAction>();
        var violations = SubscriptionRules.Apply(subscription, change, editor, clock.GetUtcNow(), SuspensionEffect, requireEmail: true, actions);
        if (violations.Count > 0)
        {
            throw new SubscriptionRuleException(violations);
        }

        await using var tx = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        if (actions.Count > 0)
        {
            subscription.UpdateDateTime = clock.GetUtcNow();
            foreach (var action in actions)
            {
                audit.Add(subscription.SubscriberOrganizationId, actor, action.Action, subscription.Id.ToString(), action.Details);
            }
        }

        await db.SaveChangesAsync(ct);
        await EnsureCredentialsAsync(subscription, actor, ct);
        if (subscription.LocalAdministratorEmail != previousAdmin || (subscription.DelegationActorEmail is { } d && d != previousDelegate))
        {
            await accounts.EnsureAccountsAsync(subscription, new ContactDto(null, null, subscription.LocalAdministratorEmail),
                subscription.DelegationActorEmail is { } delegate_ ? new ContactDto(null, null, delegate_) : null, ct);
        }

        if (tx is not null)
        {
            await tx.CommitAsync(ct);
        }

        if (editor is not null)
        {
            subscription.Editor = editor;
        }

        return subscription;
    }

    /// <summary>The subscription's SI credentials (« Copier »), or null when none exist yet; every retrieval is audited.</summary>
    public async Task<(string ClientId, string Secret)?> RevealCredentialsAsync(Guid subscriptionId, string actor, CancellationToken ct = default)
    {
        var client = await db.ApiClients.FirstOrDefaultAsync(c => c.SubscriptionId == subscriptionId && c.Scope == Scopes.Si, ct);
        return client is null || await apiClients.RevealSecretAsync(client, actor, ct) is not { } secret ? null : (client.ClientId, secret);
    }

    /// <summary>« Régénérer la clé secrète »: the old secret and its tokens stop working at once.</summary>
    public async Task<string?> RegenerateSecretAsync(Guid subscriptionId, string actor, CancellationToken ct = default)
    {
        var client = await db.ApiClients.FirstOrDefaultAsync(c => c.SubscriptionId == subscriptionId && c.Scope == Scopes.Si, ct);
        return client is null ? null : await apiClients.RegenerateSecretAsync(client, actor, ct: ct);
    }

    /// <summary>The first save in API mode creates the subscription's credentials; later switches keep them (decision 18).</summary>
    private async Task EnsureCredentialsAsync(Subscription subscription, string actor, CancellationToken ct)
    {
        if (subscription.AccessMode == AccessMode.Api && subscription.Status != SubscriptionStatus.Refuse
            && !await db.ApiClients.AnyAsync(c => c.SubscriptionId == subscription.Id, ct))
        {
            await apiClients.CreateAsync(Scopes.Si, subscription.SubscriberOrganizationId, subscription.Id, actor, ct: ct);
        }
    }

    private Task<Organization?> FindOrganizationAsync(OrganizationIdentifierDto id, CancellationToken ct) =>
        db.Organizations.FirstOrDefaultAsync(o => o.Type == id.Type && o.CompanyRegister == id.CompanyRegister && o.BranchCode == id.BranchCode, ct);
}
