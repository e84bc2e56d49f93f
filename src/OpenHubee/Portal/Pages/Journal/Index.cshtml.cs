using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using OpenHubee.Data;
using OpenHubee.Features.Accounts;

namespace OpenHubee.Portal.Pages.Journal;

/// <summary>
/// « Journal d'audit » (portal.md §B): the security-relevant actions of the person's organisation, newest first,
/// 50 a page. National administrators read every organisation's, with an organisation filter.
/// </summary>
public sealed class IndexModel(HubDbContext db) : PageModel
{
    public const int PageSize = 50;

    public sealed record Row(DateTimeOffset DateTime, string Actor, string Action, string? Target, string? Details, string? RemoteAddress, string? Organization);

    [BindProperty(SupportsGet = true, Name = "numero")]
    public int PageNumber { get; set; } = 1;

    [BindProperty(SupportsGet = true, Name = "organisation")]
    public Guid? OrganizationId { get; set; }

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public int Total { get; private set; }
    public int PageCount => Math.Max(1, (Total + PageSize - 1) / PageSize);
    public bool IsNational { get; private set; }
    public IReadOnlyList<(Guid Id, string Name)> Organizations { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var rights = PortalRights.Of(User);
        if (!rights.CanReadAudit)
        {
            return Forbid();
        }

        IsNational = rights.IsNationalAdministrator;
        var entries = db.AuditEntries.AsNoTracking();
        if (IsNational)
        {
            Organizations = (await db.Organizations.AsNoTracking().OrderBy(o => o.Name).Select(o => new { o.Id, o.Name }).ToListAsync(ct))
                .Select(o => (o.Id, o.Name)).ToList();
            if (OrganizationId is { } filter)
            {
                entries = entries.Where(e => e.OrganizationId == filter);
            }
        }
        else
        {
            var own = ActingUser.Of(User).OrganizationId;
            entries = entries.Where(e => e.OrganizationId == own);
        }

        Total = await entries.CountAsync(ct);
        PageNumber = Math.Clamp(PageNumber, 1, PageCount);
        var page = await entries.OrderByDescending(e => e.DateTime).ThenByDescending(e => e.Id)
            .Skip((PageNumber - 1) * PageSize).Take(PageSize).ToListAsync(ct);
        var names = IsNational ? Organizations.ToDictionary(o => o.Id, o => o.Name) : [];
        Rows = page.Select(e => new Row(e.DateTime, e.Actor, AuditLabels.Of(e.Action), e.Target, e.Details, e.RemoteAddress,
            e.OrganizationId is { } id ? names.GetValueOrDefault(id) : null)).ToList();
        return Page();
    }

    public string PageLink(int page) => $"/journal?numero={page}" + (OrganizationId is { } id ? $"&organisation={id}" : "");
}
