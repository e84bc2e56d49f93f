using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using OpenHubee.Data;
using OpenHubee.Domain;

namespace OpenHubee.Portal.Pages.Abonnements;

/// <summary>« Abonnements – Gestion des abonnements de votre service instructeur » (portal.md §A.4).</summary>
public sealed class IndexModel(HubDbContext db, TimeProvider clock) : PageModel
{
    public sealed record Row(Guid Id, string Operator, string ProcessName, long DatapassId, string? AccessMode, string? Editor,
        string Status, DateTimeOffset? ActivateDateTime, DateTimeOffset? SuspendDateTime, string Subscriber);

    [BindProperty(SupportsGet = true, Name = "operateur")]
    public string? Operator { get; set; }

    [BindProperty(SupportsGet = true, Name = "demarche")]
    public string? Process { get; set; }

    [BindProperty(SupportsGet = true, Name = "statut")]
    public string? Status { get; set; }

    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public IReadOnlyList<string> Operators { get; private set; } = [];
    public IReadOnlyList<(string Code, string Name)> Processes { get; private set; } = [];
    public static readonly string[] Statuses = [SubscriptionStatus.Actif, SubscriptionStatus.Inactif, SubscriptionStatus.Suspendu, SubscriptionStatus.Refuse];
    public bool ShowsSubscriber { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!PortalRights.Of(User).CanSeeSubscriptions)
        {
            return Forbid();
        }

        var now = clock.GetUtcNow();
        var visible = SubscriptionAccess.Visible(db, User).AsNoTracking();
        var all = await visible.Select(s => new
        {
            s.Id, Operator = s.Process!.Osl!.Code ?? s.Process.Osl.Name, ProcessCode = s.ProcessCode, ProcessName = s.Process.Name, s.DatapassId, s.AccessMode,
            Editor = s.Editor!.Name, s.Status, s.ActivateDateTime, s.SuspendDateTime, Subscriber = s.Subscriber!.Name,
        }).ToListAsync(ct);
        Operators = all.Select(s => s.Operator).Distinct().Order(StringComparer.Ordinal).ToList();
        Processes = all.Select(s => (s.ProcessCode, s.ProcessName)).Distinct().OrderBy(p => p.ProcessName, StringComparer.Ordinal).ToList();
        ShowsSubscriber = all.Select(s => s.Subscriber).Distinct().Count() > 1;
        Rows = all
            .Select(s => new Row(s.Id, s.Operator, s.ProcessName, s.DatapassId, s.AccessMode, s.Editor,
                SubscriptionLifecycle.StatusAt(s.Status, s.ActivateDateTime, s.SuspendDateTime, now), s.ActivateDateTime, s.SuspendDateTime, s.Subscriber)
            { })
            .Where(r => string.IsNullOrEmpty(Operator) || r.Operator == Operator)
            .Where(r => string.IsNullOrEmpty(Process) || all.Any(a => a.Id == r.Id && a.ProcessCode == Process))
            .Where(r => string.IsNullOrEmpty(Status) || r.Status == Status)
            .OrderBy(r => r.Subscriber, StringComparer.Ordinal).ThenBy(r => r.ProcessName, StringComparer.Ordinal)
            .ToList();
        return Page();
    }
}
