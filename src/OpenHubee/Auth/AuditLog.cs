using OpenHubee.Data;

namespace OpenHubee.Auth;

/// <summary>Adds audit entries to the current unit of work, so they commit (or roll back) with the change they describe.</summary>
public sealed class AuditLog(HubDbContext db, TimeProvider clock, IHttpContextAccessor http)
{
    public void Add(Guid? organizationId, string actor, string action, string? target = null, string? details = null) =>
        db.AuditEntries.Add(new AuditEntry
        {
            DateTime = clock.GetUtcNow(),
            OrganizationId = organizationId,
            Actor = actor,
            Action = action,
            Target = target,
            Details = details,
            RemoteAddress = http.HttpContext?.Connection.RemoteIpAddress?.ToString(),
        });
}
