using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using OpenHubee.Data;

namespace OpenHubee.Portal.Pages.Teledossiers;

/// <summary>
/// « Instruire les télédossiers »: the télédossiers of the organisation's Portail-mode subscriptions, limited
/// to the person's habilitations (administrators holding a télédossier role see every démarche).
/// </summary>
public sealed class IndexModel(HubDbContext db) : PageModel
{
    public sealed record Row(Guid Id, string Status, string ProcessName, string LastName, string FirstName, string Number, DateTimeOffset? Transmitted, DateTimeOffset? Updated);

    public IReadOnlyList<Row> Rows { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var rights = PortalRights.Of(User);
        if (!rights.CanSeeCases)
        {
            return Forbid();
        }

        var organizationId = Guid.Parse(User.FindFirstValue(PortalRights.OrganizationClaim)!);
        var userId = PortalAuthentication.UserId(User);
        var user = await db.Users.AsNoTracking().FirstAsync(u => u.Id == userId, ct);
        var cases = db.Cases.AsNoTracking().Where(c => c.RecipientOrganizationId == organizationId && c.AccessMode == AccessMode.Portail);
        if (user.ActorType is not (PortalActorType.LocalAdministrator or PortalActorType.NationalAdministrator))
        {
            var habilitations = user.Habilitations;
            cases = cases.Where(c => habilitations.Contains(c.ProcessCode));
        }

        Rows = await cases.OrderByDescending(c => c.TransmissionDateTime).Take(100)
            .Join(db.Processes, c => c.ProcessCode, p => p.Code, (c, p) => new Row(c.Id, c.Status, p.Name, c.Folder!.ApplicantLastName, c.Folder.ApplicantFirstName,
                c.ExternalId, c.TransmissionDateTime, c.UpdateDateTime))
            .ToListAsync(ct);
        return Page();
    }
}
