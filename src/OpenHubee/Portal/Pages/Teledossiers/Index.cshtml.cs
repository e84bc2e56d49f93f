using System.Globalization;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using OpenHubee.Data;
using OpenHubee.Domain;

namespace OpenHubee.Portal.Pages.Teledossiers;

/// <summary>
/// « Instruire les télédossiers » (portal.md §C 4.8): status tabs, filters, search, sort and paging over the
/// télédossiers this person sees; unit and bulk actions through <see cref="PortalDesk"/>. Notified cases are
/// collected when the list is shown, so that they are « Nouveau » at once (§B).
/// </summary>
public sealed class IndexModel(HubDbContext db, PortalDesk desk) : PageModel
{
    public sealed record Row(Guid Id, string Status, string ProcessName, string LastName, string FirstName, string Number, DateTimeOffset? Transmitted, DateTimeOffset? Updated);

    private sealed record ListRow(Guid Id, string Status, string ProcessCode, string LastName, string FirstName, string Number, DateTimeOffset? Transmitted, DateTimeOffset? Updated);

    public sealed record Tab(string Key, string Label, string[] Statuses, string? Status);

    public static readonly IReadOnlyList<Tab> Tabs =
    [
        new("nouveaux", "Nouveaux", [CaseStatus.Sent, CaseStatus.HubeeNotified], CaseStatus.Sent),
        new("recus", "Reçus", [CaseStatus.SiReceived], CaseStatus.SiReceived),
        new("en-cours", "En cours", [CaseStatus.InProgress], CaseStatus.InProgress),
        new("attente", "En attente de compléments", [CaseStatus.AddAwaiting], CaseStatus.AddAwaiting),
        new("refuses", "Refusés", [CaseStatus.Refused], CaseStatus.Refused),
        new("traites", "Traités", [CaseStatus.Done], CaseStatus.Done),
        new("clos", "Clos", [CaseStatus.Closed], CaseStatus.Closed),
        new("tous", "Tous les télédossiers", [], null),
    ];

    public static readonly int[] PageSizes = [10, 20, 50, 100];

    [BindProperty(SupportsGet = true, Name = "statut")] public string? TabKey { get; set; }
    [BindProperty(SupportsGet = true, Name = "demarche")] public List<string> ProcessFilter { get; set; } = [];
    [BindProperty(SupportsGet = true, Name = "du")] public string? From { get; set; }
    [BindProperty(SupportsGet = true, Name = "au")] public string? To { get; set; }
    [BindProperty(SupportsGet = true, Name = "q")] public string? Search { get; set; }
    [BindProperty(SupportsGet = true, Name = "tri")] public string? Sort { get; set; }
    [BindProperty(SupportsGet = true, Name = "ordre")] public string? Order { get; set; }
    [BindProperty(SupportsGet = true, Name = "taille")] public int Size { get; set; }
    // From the query string only: Razor Pages' route values hold a "page" too (the page's path), which would win.
    [BindProperty(SupportsGet = true, Name = "page"), FromQuery(Name = "page")] public int PageNumber { get; set; }

    public Tab Current { get; private set; } = Tabs[0];
    public IReadOnlyList<Row> Rows { get; private set; } = [];
    public IReadOnlyList<(string Code, string Name)> Processes { get; private set; } = [];
    public int Total { get; private set; }
    public int PageCount => Math.Max(1, (Total + Size - 1) / Size);
    public bool CanManage { get; private set; }
    public Process? CommonProcess { get; private set; }
    public bool AnyAwaitingAllowed { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var user = await desk.UserAsync(User, ct);
        if (user is null)
        {
            return Forbid();
        }

        CanManage = user.CanManage;
        Current = Tabs.FirstOrDefault(t => t.Key == TabKey) ?? Tabs[0];
        Size = PageSizes.Contains(Size) ? Size : 20;
        PageNumber = Math.Max(1, PageNumber);

        await desk.CollectAsync(user, ct);

        var visible = desk.Visible(user).AsNoTracking();

        // The démarche filter's options: the démarches of the visible cases, and an agent's habilitations. An agent's
        // visible cases are within their habilitations, so theirs are the habilitations alone; an administrator's are
        // found with one index seek per démarche of the hub rather than by reading every case (P5).
        var habilitations = user.Habilitations.ToList();
        var options = user.SeesAllProcesses
            ? db.Processes.Where(p => visible.Any(c => c.ProcessCode == p.Code))
            : db.Processes.Where(p => habilitations.Contains(p.Code));
        var processes = await options.AsNoTracking().Select(p => new { p.Code, p.Name, p.AuthorizedAwaiting }).ToListAsync(ct);
        Processes = processes.OrderBy(p => p.Name, StringComparer.CurrentCulture).Select(p => (p.Code, p.Name)).ToList();
        AnyAwaitingAllowed = processes.Any(p => p.AuthorizedAwaiting);

        var cases = visible;
        if (Current.Statuses.Length > 0)
        {
            var statuses = Current.Statuses;
            cases = cases.Where(c => statuses.Contains(c.Status));
        }

        var filter = ProcessFilter.Where(p => !string.IsNullOrEmpty(p)).ToList();
        if (filter.Count > 0)
        {
            cases = cases.Where(c => filter.Contains(c.ProcessCode));
        }

        if (ParisDay(From) is { } from)
        {
            var start = SubscriptionLifecycle.StartOfParisDay(from);
            cases = cases.Where(c => c.TransmissionDateTime >= start);
        }

        if (ParisDay(To) is { } to)
        {
            var end = SubscriptionLifecycle.StartOfParisDay(to.AddDays(1));
            cases = cases.Where(c => c.TransmissionDateTime < end);
        }

        if (Search?.Trim() is { Length: > 0 } q)
        {
            var pattern = "%" + q.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal) + "%";
            // The case's own copies of the applicant names: the search reads the list's index, not every folder.
            cases = cases.Where(c => EF.Functions.Like(c.ExternalId, pattern, "\\")
                || EF.Functions.Like(c.ApplicantLastName, pattern, "\\")
                || EF.Functions.Like(c.ApplicantFirstName, pattern, "\\"));
        }

        var ascending = Order == "asc";
        var byUpdate = Sort == "maj";
        IQueryable<Case> Ordered(bool up) => (byUpdate, up) switch
        {
            (true, true) => cases.OrderBy(c => c.UpdateDateTime).ThenBy(c => c.Id),
            (true, false) => cases.OrderByDescending(c => c.UpdateDateTime).ThenByDescending(c => c.Id),
            (false, true) => cases.OrderBy(c => c.TransmissionDateTime).ThenBy(c => c.Id),
            _ => cases.OrderByDescending(c => c.TransmissionDateTime).ThenByDescending(c => c.Id),
        };

        Task<List<ListRow>> RowsAsync(bool up, int skip, int take) => Ordered(up).Skip(skip).Take(take)
            .Select(c => new ListRow(c.Id, c.Status, c.ProcessCode, c.ApplicantLastName, c.ApplicantFirstName, c.ExternalId, c.TransmissionDateTime, c.UpdateDateTime))
            .ToListAsync(ct);

        // Each query below walks the list's indexes (HubDbContext, P5); what is left to save is walks.
        List<ListRow> page;
        if (PageNumber == 1)
        {
            // The first page does not depend on the count: read it first, and when it is not full it holds every
            // match, so there is nothing left to count (a search that finds a few télédossiers reads them once).
            page = await RowsAsync(ascending, 0, Size);
            Total = page.Count < Size ? page.Count : await cases.CountAsync(ct);
        }
        else
        {
            Total = await cases.CountAsync(ct);
            PageNumber = Math.Min(PageNumber, PageCount);
            var skip = (PageNumber - 1) * Size;
            var take = Math.Min(Size, Total - skip);
            if (take <= 0)
            {
                page = [];
            }
            else if (skip > Total - skip - take)
            {
                // Past the middle, the same rows are nearer the other end: read them in the opposite order (the order
                // is total, Id breaking ties, so it is the exact reverse) and turn them back, so that OFFSET walks at
                // most half of the matches, and the last page none.
                page = await RowsAsync(!ascending, Total - skip - take, take);
                page.Reverse();
            }
            else
            {
                page = await RowsAsync(ascending, skip, take);
            }
        }

        var names = processes.ToDictionary(p => p.Code, p => p.Name);
        Rows = page.Select(c => new Row(c.Id, c.Status, names.GetValueOrDefault(c.ProcessCode, c.ProcessCode), c.LastName, c.FirstName,
            c.Number, c.Transmitted, c.Updated)).ToList();
        return Page();
    }

    /// <summary>Bulk status change: every selected télédossier moves, or none (each is checked first).</summary>
    public async Task<IActionResult> OnPostStatutAsync(List<Guid> ids, string? next, CancellationToken ct)
    {
        var comment = next is null ? null : Request.Form["comment-" + next].FirstOrDefault();
        var user = await desk.UserAsync(User, ct);
        if (user is null)
        {
            return Forbid();
        }

        try
        {
            if (!user.CanManage)
            {
                throw new DeskException(PortalDesk.ReadOnlyMessage);
            }

            if (ids.Count == 0 || next is null)
            {
                throw new DeskException("Sélectionnez au moins un télédossier.");
            }

            var selected = await desk.Visible(user).AsNoTracking().Where(c => ids.Contains(c.Id)).Select(c => new { c.Id, c.Status, c.ProcessCode, c.ExternalId }).ToListAsync(ct);
            var processes = await db.Processes.AsNoTracking().Where(p => selected.Select(s => s.ProcessCode).Contains(p.Code)).ToDictionaryAsync(p => p.Code, ct);
            if (selected.Count != ids.Distinct().Count())
            {
                throw new DeskException("Certains télédossiers sélectionnés n'existent pas ou vous n'y avez pas accès.");
            }

            if (selected.Select(s => CaseLabels.Of(s.Status)).Distinct().Count() > 1)
            {
                throw new DeskException("Les télédossiers sélectionnés n'ont pas tous le même statut.");
            }

            if (selected.FirstOrDefault(s => !PortalCaseRules.Allows(s.Status, next, processes[s.ProcessCode])) is { } refused)
            {
                throw new DeskException($"Le télédossier {refused.ExternalId} ne peut pas passer de « {CaseLabels.Of(refused.Status)} » à « {CaseLabels.Of(next)} ».");
            }

            foreach (var s in selected)
            {
                await desk.ChangeStatusAsync(user, s.Id, next, comment, ct);
            }

            TempData["Succes"] = selected.Count == 1
                ? $"Le télédossier {selected[0].ExternalId} est passé au statut « {CaseLabels.Of(next)} »."
                : $"{selected.Count} télédossiers sont passés au statut « {CaseLabels.Of(next)} ».";
        }
        catch (DeskException e)
        {
            TempData["Erreur"] = e.Message;
        }

        return Redirect(Request.Headers.Referer.FirstOrDefault() is { } back && back.Contains("/teledossiers", StringComparison.Ordinal) ? back : "/teledossiers");
    }

    /// <summary>« Télécharger »: one or several télédossiers as one ZIP streamed to the browser.</summary>
    public async Task<IActionResult> OnPostTelechargerAsync(List<Guid> ids, CancellationToken ct)
    {
        var user = await desk.UserAsync(User, ct);
        if (user is null)
        {
            return Forbid();
        }

        var prepared = new List<(Case, IReadOnlyList<Attachment>)>();
        try
        {
            if (!user.CanManage)
            {
                throw new DeskException(PortalDesk.ReadOnlyMessage);
            }

            if (ids.Count == 0)
            {
                throw new DeskException("Sélectionnez au moins un télédossier.");
            }

            foreach (var id in ids.Distinct())
            {
                prepared.Add(await desk.PrepareDownloadAsync(user, id, null, ct));
            }
        }
        catch (DeskException e)
        {
            TempData["Erreur"] = e.Message;
            return Redirect(Request.Headers.Referer.FirstOrDefault() is { } back && back.Contains("/teledossiers", StringComparison.Ordinal) ? back : "/teledossiers");
        }

        var name = prepared.Count == 1 ? $"teledossier-{PortalDesk.SafeName(prepared[0].Item1.ExternalId)}.zip" : $"teledossiers-{prepared.Count}.zip";
        await StreamZipAsync(HttpContext, desk, user, prepared, name, ct);
        return new EmptyResult();
    }

    internal static async Task StreamZipAsync(HttpContext http, PortalDesk desk, DeskUser user, IReadOnlyList<(Case, IReadOnlyList<Attachment>)> cases, string name, CancellationToken ct)
    {
        http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        http.Response.ContentType = "application/zip";
        http.Response.Headers.ContentDisposition = new Microsoft.Net.Http.Headers.ContentDispositionHeaderValue("attachment") { FileNameStar = name, FileName = name }.ToString();
        await desk.WriteZipAsync(user, cases, http.Response.Body, ct);
    }

    public string TabUrl(Tab tab) => LinkTo(statut: tab.Key, page: 1);

    public string LinkTo(string? statut = null, int? page = null, string? tri = null, string? ordre = null, int? taille = null)
    {
        var query = new List<KeyValuePair<string, string?>> { new("statut", statut ?? Current.Key) };
        query.AddRange(ProcessFilter.Where(p => !string.IsNullOrEmpty(p)).Select(p => new KeyValuePair<string, string?>("demarche", p)));
        if (!string.IsNullOrEmpty(From)) query.Add(new("du", From));
        if (!string.IsNullOrEmpty(To)) query.Add(new("au", To));
        if (!string.IsNullOrEmpty(Search)) query.Add(new("q", Search));
        query.Add(new("tri", tri ?? Sort ?? "transmission"));
        query.Add(new("ordre", ordre ?? Order ?? "desc"));
        query.Add(new("taille", (taille ?? Size).ToString(CultureInfo.InvariantCulture)));
        query.Add(new("page", (page ?? PageNumber).ToString(CultureInfo.InvariantCulture)));
        return "/teledossiers" + Microsoft.AspNetCore.Http.QueryString.Create(query).ToUriComponent();
    }

    private static DateOnly? ParisDay(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var d) ? d : null;
}
