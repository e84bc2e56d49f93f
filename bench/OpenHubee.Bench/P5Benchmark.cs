using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using OpenHubee.Data;
using OpenHubee.Migrations.Sqlite;

namespace OpenHubee.Bench;

public sealed class P5Options
{
    public int Cases { get; set; } = 100_000;
    public int Requests { get; set; } = 200;
    public bool WriteReport { get; set; } = true;
    public bool Build { get; set; } = true;
    public bool Keep { get; set; }
    public string CommandLine { get; set; } = "";
}

/// <summary>
/// Quality target P5: the agents' list /teledossiers, 50 per page, out of 100,000 télédossiers of the organisation.
/// Seeds Limoges/EtatCivil cases bound to PORTAIL through the service's own HubDbContext, restarts the service in
/// Release, signs in as the demo agent and times sequential GETs of the list from the client (over loopback).
/// </summary>
public static partial class P5Benchmark
{
    private const string Email = "julie.bernard@limoges.example";
    private const string Password = "Demo-EtatCivil-2026!";
    private const string LimogesSiret = "21870850100018";
    private const string DilaSiret = "13000918600011";

    // The queries cycled through: default tab, "Tous", several pages, a démarche filter, another status tab.
    private static readonly string[] Queries =
    [
        "/teledossiers?taille=50",
        "/teledossiers?statut=tous&taille=50",
        "/teledossiers?statut=tous&taille=50&page=2",
        "/teledossiers?statut=tous&taille=50&page=100",
        "/teledossiers?statut=tous&taille=50&page=1000",
        "/teledossiers?statut=tous&demarche=EtatCivil&taille=50",
        "/teledossiers?statut=tous&demarche=EtatCivil&taille=50&page=500",
        "/teledossiers?statut=en-cours&taille=50&page=3",
    ];

    public static async Task<int> RunAsync(P5Options options)
    {
        var root = Repo.Root();
        var work = Path.Combine(Path.GetTempPath(), "openhubee-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        var data = Path.Combine(work, "openhubee-data");
        Console.WriteLine($"P5: {options.Cases:N0} cases, {options.Requests} requests, work folder {work}");
        try
        {
            var hubDll = Path.Combine(root, "src/OpenHubee/bin/Release/net10.0/OpenHubee.dll");
            if (options.Build)
            {
                await Repo.BuildAsync(root, "src/OpenHubee/OpenHubee.csproj", Path.Combine(work, "build-openhubee.log"));
            }

            var environment = new Dictionary<string, string>
            {
                ["OpenHubee__DataDirectory"] = data,
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["OpenHubee__DemoBanner"] = "false",
            };

            // 1. Schema and demo data.
            await using (var first = await ServerProcess.StartAsync("OpenHubEE", hubDll, [], environment, Path.Combine(work, "openhubee-1.log")))
            {
                Console.WriteLine($"OpenHubEE pid {first.Pid} started once for the schema and demo data");
            }

            // 2. Seed.
            var watch = Stopwatch.StartNew();
            var dbPath = Path.Combine(data, "openhubee.db");
            var statusCounts = await SeedAsync(dbPath, options.Cases);
            var seedSeconds = watch.Elapsed.TotalSeconds;
            var dbSize = new FileInfo(dbPath).Length;
            Console.WriteLine($"seeded {options.Cases:N0} folders+cases in {seedSeconds:F1} s, database {dbSize / 1e6:F0} MB");

            // 3. Measure.
            var loadBefore = LoadAverage();
            var samples = new List<(int Query, double Ms)>();
            string totals;
            double serverCpu;
            await using (var hub = await ServerProcess.StartAsync("OpenHubEE", hubDll, [], environment, Path.Combine(work, "openhubee-2.log")))
            {
                Console.WriteLine($"OpenHubEE pid {hub.Pid} on {hub.BaseAddress}");
                var cookies = new CookieContainer();
                using var client = new HttpClient(new SocketsHttpHandler { CookieContainer = cookies, AllowAutoRedirect = false, UseCookies = true })
                {
                    BaseAddress = hub.BaseAddress,
                    Timeout = TimeSpan.FromSeconds(60),
                };
                await LoginAsync(client);

                var found = new StringBuilder();
                foreach (var q in Queries)
                {
                    var (_, html) = await GetListAsync(client, q);
                    var total = TotalRegex().Match(html);
                    found.Append(CultureInfo.InvariantCulture, $"`{q}` → {(total.Success ? total.Groups[1].Value : "?")}; ");
                }

                totals = found.ToString().TrimEnd(' ', ';');
                Console.WriteLine("totals: " + totals);
                for (var i = 0; i < 20; i++)
                {
                    await GetListAsync(client, Queries[i % Queries.Length]);
                }

                var cpuBefore = hub.ReadCpu();
                for (var i = 0; i < options.Requests; i++)
                {
                    var q = i % Queries.Length;
                    var (ms, _) = await GetListAsync(client, Queries[q]);
                    samples.Add((q, ms));
                }

                serverCpu = (hub.ReadCpu() - cpuBefore).TotalSeconds;
            }

            var report = await Report(options, root, samples, totals, statusCounts, seedSeconds, dbSize, serverCpu, loadBefore, LoadAverage());
            Console.WriteLine();
            Console.WriteLine(report);
            if (options.WriteReport)
            {
                var path = Path.Combine(root, "docs/benchmarks.md");
                Repo.AddSection(path, report);
                Console.WriteLine($"written to {path}");
            }

            return 0;
        }
        finally
        {
            if (options.Keep)
            {
                Console.WriteLine($"kept {work}");
            }
            else
            {
                SqliteConnection.ClearAllPools();
                Directory.Delete(work, recursive: true);
            }
        }
    }

    private static async Task<Dictionary<string, int>> SeedAsync(string dbPath, int count)
    {
        var builder = new DbContextOptionsBuilder<HubDbContext>();
        builder.UseHubSqlite($"Data Source={dbPath};Default Timeout=30");
        await using var db = new HubDbContext(builder.Options);
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var limoges = await db.Organizations.SingleAsync(o => o.CompanyRegister == LimogesSiret);
        var dila = await db.Organizations.FirstAsync(o => o.CompanyRegister == DilaSiret);

        // No HUBEE_NOTIFIED: the list would collect them (up to 500 per request), which is not the steady state measured.
        (string Status, int Weight)[] mix =
        [
            (CaseStatus.Sent, 5), (CaseStatus.SiReceived, 10), (CaseStatus.InProgress, 15), (CaseStatus.AddAwaiting, 5),
            (CaseStatus.Refused, 5), (CaseStatus.Done, 40), (CaseStatus.Closed, 20),
        ];
        var weights = mix.Sum(m => m.Weight);
        var counts = mix.ToDictionary(m => m.Status, _ => 0);
        var random = new Random(5);
        string[] lastNames = ["MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU", "LAURENT"];
        string[] firstNames = ["Marie", "Jean", "Pierre", "Camille", "Louis", "Léa", "Hugo", "Chloé", "Lucas", "Manon"];
        var now = DateTimeOffset.UtcNow;

        await using var transaction = await db.Database.BeginTransactionAsync();
        const int batch = 5000;
        for (var start = 0; start < count; start += batch)
        {
            for (var i = start; i < Math.Min(count, start + batch); i++)
            {
                var pick = random.Next(weights);
                var status = mix[0].Status;
                foreach (var (s, w) in mix)
                {
                    if (pick < w)
                    {
                        status = s;
                        break;
                    }

                    pick -= w;
                }

                counts[status]++;
                var created = now.AddSeconds(-random.Next(2 * 365 * 24 * 3600));
                var transmitted = created.AddMinutes(random.Next(1, 60));
                var updated = transmitted.AddHours(random.Next(0, 240));
                var external = "P5-" + i.ToString("D7", CultureInfo.InvariantCulture);
                var folder = new Folder
                {
                    Id = Guid.NewGuid(), ProcessCode = "EtatCivil", TransmitterOrganizationId = dila.Id, ExternalId = external, GlobalStatus = status,
                    ApplicantFirstName = firstNames[random.Next(firstNames.Length)], ApplicantLastName = lastNames[random.Next(lastNames.Length)],
                    CreateDateTime = created, UpdateDateTime = updated, CloseDateTime = status == CaseStatus.Closed ? updated : null,
                };
                var @case = new Case
                {
                    Id = Guid.NewGuid(), FolderId = folder.Id, Position = 0, ProcessCode = "EtatCivil", RecipientOrganizationId = limoges.Id,
                    ExternalId = external, Status = status, AccessMode = AccessMode.Portail, CreateDateTime = created, UpdateDateTime = updated,
                    TransmissionDateTime = transmitted, StatusDateTime = updated, CloseDateTime = status == CaseStatus.Closed ? updated : null,
                };
                db.Folders.Add(folder);
                db.Cases.Add(@case);
            }

            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }

        await transaction.CommitAsync();
        await db.Database.ExecuteSqlRawAsync("ANALYZE");
        return counts;
    }

    private static async Task LoginAsync(HttpClient client)
    {
        var form = await client.GetStringAsync("/connexion");
        var token = TokenRegex().Match(form);
        if (!token.Success)
        {
            throw new InvalidOperationException("no anti-forgery token on /connexion");
        }

        using var response = await client.PostAsync("/connexion", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["Email"] = Email,
            ["Password"] = Password,
            ["__RequestVerificationToken"] = WebUtility.HtmlDecode(token.Groups[1].Value),
        }));
        if (response.StatusCode != HttpStatusCode.Redirect && response.StatusCode != HttpStatusCode.Found)
        {
            throw new InvalidOperationException($"sign-in answered {(int)response.StatusCode}, not a redirect");
        }
    }

    private static async Task<(double Ms, string Html)> GetListAsync(HttpClient client, string path)
    {
        var start = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseContentRead);
        var html = await response.Content.ReadAsStringAsync();
        var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (response.StatusCode != HttpStatusCode.OK || !html.Contains("nombre-resultats", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode} without the list (signed in?)");
        }

        return (ms, html);
    }

    private static double Percentile(IReadOnlyList<double> values, double p)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    private static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    private static async Task<string> Report(P5Options options, string root, List<(int Query, double Ms)> samples, string totals,
        Dictionary<string, int> statusCounts, double seedSeconds, long dbSize, double serverCpu, string loadBefore, string loadAfter)
    {
        var inv = CultureInfo.InvariantCulture;
        var commit = (await Repo.RunAsync("git", ["rev-parse", "--short", "HEAD"], root)).Trim();
        var dirty = (await Repo.RunAsync("git", ["status", "--porcelain", "--untracked-files=no"], root)).Trim().Length > 0;
        var nproc = (await Repo.RunAsync("nproc", [], null)).Trim();
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        var all = samples.Select(s => s.Ms).ToList();
        var p50 = Percentile(all, 50);
        var p95 = Percentile(all, 95);
        var p99 = Percentile(all, 99);
        var full = options.Cases == 100_000;
        string Mark(bool ok) => ok ? "✅" : "❌";

        var md = new StringBuilder();
        md.AppendLine(inv, $"## P5 — portal list, 50 of {options.Cases:N0} télédossiers, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        md.AppendLine(inv, $"- Commit: `{commit}`{(dirty ? " (with uncommitted changes)" : "")}");
        md.AppendLine(inv, $"- Machine: `nproc` = {nproc}, {cpu}; load average (1/5/15 min) before: {loadBefore}, after: {loadAfter} (shared machine).");
        md.AppendLine(inv, $"- Command: `{options.CommandLine}`");
        md.AppendLine(inv, $"- Data: demo data plus {options.Cases:N0} folders + cases for COMMUNE DE LIMOGES / EtatCivil, `AccessMode` PORTAIL, transmitted over the last 2 years, " +
                           $"statuses {string.Join(", ", statusCounts.Select(kv => $"{kv.Key} {kv.Value:N0}"))}; seeded through `HubDbContext` in one transaction in {seedSeconds:F0} s, then `ANALYZE`; SQLite file {dbSize / 1e6:F0} MB.");
        md.AppendLine(inv, $"- Server: Release build, own process, SQLite (embedded default), restarted after seeding. Client: signed in as {Email} (habilitated to EtatCivil only), " +
                           $"20 warm-up requests, then {samples.Count} sequential GETs cycling through {Queries.Length} list URLs (totals found: {totals}).");
        md.AppendLine("- **Times are client-measured** (request sent → whole HTML body read, HttpClient over 127.0.0.1): they include loopback, Kestrel and Razor rendering, so they bound the server time from above.");
        md.AppendLine(inv, $"- Server CPU time over the {samples.Count} timed requests: {serverCpu:F1} s ({serverCpu * 1000 / samples.Count:F0} ms per request).");
        md.AppendLine();
        md.AppendLine("| Requests | n | p50 (ms) | p95 (ms) | p99 (ms) | max (ms) |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|");
        md.AppendLine(inv, $"| **All** | {all.Count} | {p50:F1} | {p95:F1} | {p99:F1} | {all.Max():F1} |");
        for (var q = 0; q < Queries.Length; q++)
        {
            var ms = samples.Where(s => s.Query == q).Select(s => s.Ms).ToList();
            if (ms.Count > 0)
            {
                md.AppendLine(inv, $"| `{Queries[q]}` | {ms.Count} | {Percentile(ms, 50):F1} | {Percentile(ms, 95):F1} | {Percentile(ms, 99):F1} | {ms.Max():F1} |");
            }
        }

        md.AppendLine();
        md.AppendLine(full
            ? $"**P5 {(p95 < 100 ? "met" : "not met")}** {Mark(p95 < 100)}: p95 {p95:F1} ms client-measured (target: server time p95 < 100 ms)."
            : $"P5 not judged: {options.Cases:N0} cases, not 100,000 (p95 {p95:F1} ms).");
        return md.ToString();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenRegex();

    [GeneratedRegex("id=\"nombre-resultats\">([0-9  ]+) télédossier")]
    private static partial Regex TotalRegex();
}
