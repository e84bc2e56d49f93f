using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using OpenHubee.Data;
using Npgsql;
using OpenHubee.Migrations.Postgres;
using OpenHubee.Migrations.Sqlite;

using static OpenHubee.Bench.Measure;

namespace OpenHubee.Bench;

public sealed class P5Options : BenchOptions
{
    public int Cases { get; set; } = 100_000;
    /// <summary>Timed requests in all, spread evenly over the scenarios.</summary>
    public int Requests { get; set; } = 520;
    /// <summary>A PostgreSQL server (connection string without database) instead of the embedded SQLite; empty: start .ci/postgres.sh.</summary>
    public string? Postgres { get; set; }
}

/// <summary>
/// Quality target P5: the agents' list /teledossiers, 50 per page, out of 100,000 télédossiers of the organisation.
/// Seeds Limoges/EtatCivil cases bound to PORTAIL through the service's own HubDbContext, restarts the service in
/// Release, signs in as the demo agent and times sequential GETs of the list: the server time from the answer's
/// <c>Server-Timing</c> header (what P5 is about), and the client time over loopback beside it.
/// </summary>
public static partial class P5Benchmark
{
    private const string Email = "julie.bernard@limoges.example";
    private const string Password = "Demo-EtatCivil-2026!";
    private const string LimogesSiret = "21870850100018";
    private const string DilaSiret = "13000918600011";

    // The scenarios cycled through: the default tab (Nouveaux), « Tous », a démarche filter, a search by name and by
    // number, the other sort, each on page 1 and on a deep page (page 100 of 50 = OFFSET 4,950), and the last page.
    private static readonly (string Name, string Url)[] Queries =
    [
        ("Nouveaux (default), page 1", "/teledossiers?taille=50"),
        ("Nouveaux, page 100", "/teledossiers?taille=50&page=100"),
        ("Tous, page 1", "/teledossiers?statut=tous&taille=50"),
        ("Tous, page 100", "/teledossiers?statut=tous&taille=50&page=100"),
        ("Tous, last page (2,000)", "/teledossiers?statut=tous&taille=50&page=2000"),
        ("En cours, page 3", "/teledossiers?statut=en-cours&taille=50&page=3"),
        ("Démarche filter, page 1", "/teledossiers?statut=tous&demarche=EtatCivil&taille=50"),
        ("Démarche filter, page 100", "/teledossiers?statut=tous&demarche=EtatCivil&taille=50&page=100"),
        ("Search by name, page 1", "/teledossiers?statut=tous&q=MARTIN&taille=50"),
        ("Search by name, page 100", "/teledossiers?statut=tous&q=MARTIN&taille=50&page=100"),
        ("Search by number", "/teledossiers?statut=tous&q=P5-0042424&taille=50"),
        ("Sort by update, page 1", "/teledossiers?statut=tous&tri=maj&taille=50"),
        ("Sort by update, page 100", "/teledossiers?statut=tous&tri=maj&taille=50&page=100"),
    ];

    private sealed record Sample(int Query, double ClientMs, double ServerMs, double DbMs, int DbCommands);

    public static async Task<int> RunAsync(P5Options options)
    {
        var root = Repo.Root();
        var id = Guid.NewGuid().ToString("N")[..8];
        var work = Path.Combine(Path.GetTempPath(), "openhubee-bench-" + id);
        Directory.CreateDirectory(work);
        var data = Path.Combine(work, "openhubee-data");
        var postgres = await BenchPostgres.ResolveAsync(root, options.Postgres);
        var database = "openhubee_bench_" + id;
        var provider = postgres is null ? "SQLite (embedded default)" : "PostgreSQL " + await BenchPostgres.VersionAsync(postgres);
        Console.WriteLine($"P5: {options.Cases:N0} cases, {options.Requests} requests, {provider}, work folder {work}");
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
            if (postgres is not null)
            {
                environment["OpenHubee__Database__Provider"] = "Postgres";
                environment["ConnectionStrings__OpenHubee"] = $"{postgres};Database={database}";
            }

            // 1. Schema and demo data.
            await using (var first = await ServerProcess.StartAsync("OpenHubEE", hubDll, [], environment, Path.Combine(work, "openhubee-1.log")))
            {
                Console.WriteLine($"OpenHubEE pid {first.Pid} started once for the schema and demo data");
            }

            // 2. Seed.
            var watch = Stopwatch.StartNew();
            var dbPath = Path.Combine(data, "openhubee.db");
            var statusCounts = await SeedAsync(Options(postgres is null ? null : $"{postgres};Database={database}", dbPath), options.Cases);
            var seedSeconds = watch.Elapsed.TotalSeconds;
            var dbSize = postgres is null ? new FileInfo(dbPath).Length : 0;
            Console.WriteLine($"seeded {options.Cases:N0} folders+cases in {seedSeconds:F1} s{(postgres is null ? $", database {dbSize / 1e6:F0} MB" : "")}");

            // 3. Measure.
            var loadBefore = LoadAverage();
            var samples = new List<Sample>();
            var found = new List<string>();
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

                // Warm-up: every scenario three times (JIT, EF query cache, SQLite page cache), and what each one finds,
                // so that a change of the queries can be checked against the same data (same totals, same rows).
                for (var round = 0; round < 3; round++)
                {
                    foreach (var (name, url) in Queries)
                    {
                        var (_, html) = await GetListAsync(client, url);
                        if (round == 0)
                        {
                            var total = TotalRegex().Match(html);
                            var numbers = NumberRegex().Matches(html).Select(m => m.Groups[1].Value).ToList();
                            found.Add($"{name}: {(total.Success ? total.Groups[1].Value : "?")} found, rows {Describe(numbers)}");
                        }
                    }
                }

                foreach (var line in found)
                {
                    Console.WriteLine("  " + line);
                }

                var cpuBefore = hub.ReadCpu();
                var rounds = Math.Max(1, (options.Requests + Queries.Length - 1) / Queries.Length);
                for (var i = 0; i < rounds * Queries.Length; i++)
                {
                    var q = i % Queries.Length;
                    var (sample, _) = await GetListAsync(client, Queries[q].Url);
                    samples.Add(sample with { Query = q });
                }

                serverCpu = (hub.ReadCpu() - cpuBefore).TotalSeconds;
            }

            var report = await Report(options, root, provider, samples, found, statusCounts, seedSeconds, dbSize, serverCpu, loadBefore, LoadAverage());
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
                Console.WriteLine($"kept {work}{(postgres is null ? "" : $" and database {database}")}");
            }
            else
            {
                SqliteConnection.ClearAllPools();
                Directory.Delete(work, recursive: true);
                if (postgres is not null)
                {
                    await BenchPostgres.DropDatabaseAsync(postgres, database);
                }
            }
        }
    }

    private static DbContextOptions<HubDbContext> Options(string? postgres, string dbPath)
    {
        var builder = new DbContextOptionsBuilder<HubDbContext>();
        if (postgres is null)
        {
            builder.UseHubSqlite($"Data Source={dbPath};Default Timeout=30");
        }
        else
        {
            builder.UseHubPostgres(postgres);
        }

        return builder.Options;
    }

    private static async Task<Dictionary<string, int>> SeedAsync(DbContextOptions<HubDbContext> options, int count)
    {
        await using var db = new HubDbContext(options);
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
        // Ids come from the same seeded generator as the rest, so that two runs hold the same rows in the same order.
        var random = new Random(5);
        Guid NewId()
        {
            Span<byte> bytes = stackalloc byte[16];
            random.NextBytes(bytes);
            return new Guid(bytes);
        }

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
                    Id = NewId(), ProcessCode = "EtatCivil", TransmitterOrganizationId = dila.Id, ExternalId = external, GlobalStatus = status,
                    ApplicantFirstName = firstNames[random.Next(firstNames.Length)], ApplicantLastName = lastNames[random.Next(lastNames.Length)],
                    CreateDateTime = created, UpdateDateTime = updated, CloseDateTime = status == CaseStatus.Closed ? updated : null,
                };
                var @case = new Case
                {
                    Id = NewId(), FolderId = folder.Id, Position = 0, ProcessCode = "EtatCivil", RecipientOrganizationId = limoges.Id,
                    ExternalId = external, ApplicantFirstName = folder.ApplicantFirstName, ApplicantLastName = folder.ApplicantLastName,
                    Status = status, AccessMode = AccessMode.Portail, CreateDateTime = created, UpdateDateTime = updated,
                    TransmissionDateTime = transmitted, StatusDateTime = updated, CloseDateTime = status == CaseStatus.Closed ? updated : null,
                };
                db.Folders.Add(folder);
                db.Cases.Add(@case);
            }

            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }

        await transaction.CommitAsync();
        // The steady state: planner statistics, and on PostgreSQL the visibility map that index-only scans need
        // (autovacuum sets it after bulk inserts; the benchmark does not wait for it).
        await db.Database.ExecuteSqlRawAsync(db.Database.ProviderName?.Contains("Npgsql", StringComparison.Ordinal) == true ? "VACUUM ANALYZE" : "ANALYZE");
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

    private static async Task<(Sample Sample, string Html)> GetListAsync(HttpClient client, string path)
    {
        var start = Stopwatch.GetTimestamp();
        using var response = await client.GetAsync(path, HttpCompletionOption.ResponseContentRead);
        var html = await response.Content.ReadAsStringAsync();
        var ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (response.StatusCode != HttpStatusCode.OK || !html.Contains("nombre-resultats", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"GET {path} answered {(int)response.StatusCode} without the list (signed in?)");
        }

        // Server-Timing: app;dur=12.3, db;dur=4.5;desc="6 commands" (src/OpenHubee/Hosting/ServerTiming.cs).
        var timing = response.Headers.TryGetValues("Server-Timing", out var values) ? string.Join(", ", values) : "";
        var app = AppTimingRegex().Match(timing);
        var db = DbTimingRegex().Match(timing);
        if (!app.Success)
        {
            throw new InvalidOperationException($"GET {path}: no Server-Timing header (an older build?)");
        }

        return (new Sample(0, ms, Number(app.Groups[1].Value), db.Success ? Number(db.Groups[1].Value) : double.NaN,
            db.Success ? int.Parse(db.Groups[2].Value, CultureInfo.InvariantCulture) : 0), html);
    }

    private static double Number(string value) => double.Parse(value, CultureInfo.InvariantCulture);

    private static string Describe(List<string> numbers) => numbers.Count switch
    {
        0 => "none",
        1 => numbers[0],
        _ => $"{numbers.Count}: {numbers[0]} … {numbers[^1]}, hash {Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(',', numbers))))[..8]}",
    };

    private static async Task<string> Report(P5Options options, string root, string provider, List<Sample> samples, List<string> found,
        Dictionary<string, int> statusCounts, double seedSeconds, long dbSize, double serverCpu, string loadBefore, string loadAfter)
    {
        var inv = CultureInfo.InvariantCulture;
        var commit = (await Repo.RunAsync("git", ["rev-parse", "--short", "HEAD"], root)).Trim();
        var dirty = (await Repo.RunAsync("git", ["status", "--porcelain", "--untracked-files=no"], root)).Trim().Length > 0;
        var nproc = (await Repo.RunAsync("nproc", [], null)).Trim();
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";
        var server = samples.Select(s => s.ServerMs).ToList();
        var p95 = Percentile(server, 95);
        var full = options.Cases == 100_000;
        string Mark(bool ok) => ok ? "✅" : "❌";
        string Row(string name, List<Sample> rows) =>
            string.Create(inv, $"| {name} | {rows.Count} | {Percentile([.. rows.Select(r => r.ServerMs)], 50):F1} | {Percentile([.. rows.Select(r => r.ServerMs)], 95):F1} | " +
                               $"{Percentile([.. rows.Select(r => r.ServerMs)], 99):F1} | {Percentile([.. rows.Select(r => r.DbMs)], 50):F1} | {rows.Max(r => r.DbCommands)} | " +
                               $"{Percentile([.. rows.Select(r => r.ClientMs)], 50):F1} | {Percentile([.. rows.Select(r => r.ClientMs)], 95):F1} | {Percentile([.. rows.Select(r => r.ClientMs)], 99):F1} |");

        var md = new StringBuilder();
        md.AppendLine(inv, $"## P5 — portal list, 50 of {options.Cases:N0} télédossiers, {provider}, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        md.AppendLine(inv, $"- Commit: `{commit}`{(dirty ? " (with uncommitted changes)" : "")}");
        md.AppendLine(inv, $"- Machine: `nproc` = {nproc}, {cpu}; load average (1/5/15 min) before: {loadBefore}, after: {loadAfter} (shared machine).");
        md.AppendLine(inv, $"- Command: `{options.CommandLine}`");
        md.AppendLine(inv, $"- Data: demo data plus {options.Cases:N0} folders + cases for COMMUNE DE LIMOGES / EtatCivil, `AccessMode` PORTAIL, transmitted over the last 2 years, " +
                           $"statuses {string.Join(", ", statusCounts.Select(kv => $"{kv.Key} {kv.Value:N0}"))}; seeded through `HubDbContext` in one transaction in {seedSeconds:F0} s, then `{(dbSize > 0 ? "ANALYZE" : "VACUUM ANALYZE")}`" +
                           $"{(dbSize > 0 ? $"; SQLite file {dbSize / 1e6:F0} MB" : "")}.");
        md.AppendLine(inv, $"- Server: Release build, own process, {provider}, restarted after seeding. Client: signed in as {Email} (habilitated to EtatCivil only), " +
                           $"each scenario requested 3 times to warm up, then {samples.Count} sequential GETs cycling through the {Queries.Length} scenarios.");
        md.AppendLine("- **Server time** = the answer's `Server-Timing: app;dur=` (first middleware → headers sent, i.e. handler and Razor rendering, the page being buffered); " +
                      "db = the `db;dur=` part (time in database commands, rows read included), with the number of commands; " +
                      "client time = request sent → whole HTML body read by HttpClient over 127.0.0.1.");
        md.AppendLine(inv, $"- Server CPU time over the {samples.Count} timed requests: {serverCpu:F1} s ({serverCpu * 1000 / samples.Count:F1} ms per request).");
        md.AppendLine();
        md.AppendLine("| Scenario | n | server p50 (ms) | server p95 | server p99 | db p50 | db commands | client p50 | client p95 | client p99 |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        md.AppendLine(Row("**All**", samples));
        for (var q = 0; q < Queries.Length; q++)
        {
            var rows = samples.Where(s => s.Query == q).ToList();
            if (rows.Count > 0)
            {
                md.AppendLine(Row($"{Queries[q].Name} `{Queries[q].Url}`", rows));
            }
        }

        md.AppendLine();
        md.AppendLine("What each scenario found (count, then the numbers of the rows shown): " + string.Join("; ", found) + ".");
        md.AppendLine();
        md.AppendLine(full
            ? $"**P5 {(p95 < 100 ? "met" : "not met")}** {Mark(p95 < 100)}: server time p95 {p95:F1} ms over all scenarios (target: < 100 ms)."
            : $"P5 not judged: {options.Cases:N0} cases, not 100,000 (server time p95 {p95:F1} ms).");
        return md.ToString();
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"")]
    private static partial Regex TokenRegex();

    [GeneratedRegex("id=\"nombre-resultats\">([0-9  ]+) télédossier")]
    private static partial Regex TotalRegex();

    [GeneratedRegex("aria-label=\"Consulter le télédossier ([^\"]+)\"")]
    private static partial Regex NumberRegex();

    [GeneratedRegex(@"\bapp;dur=([0-9.]+)")]
    private static partial Regex AppTimingRegex();

    [GeneratedRegex(@"\bdb;dur=([0-9.]+);desc=""([0-9]+) commands""")]
    private static partial Regex DbTimingRegex();
}
