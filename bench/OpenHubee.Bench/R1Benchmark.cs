using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using OpenHubee.Data;
using OpenHubee.Migrations.Sqlite;

namespace OpenHubee.Bench;

public sealed class R1Options : BenchOptions
{
    public int Clients { get; set; } = 50;
    public int KillAfterMilliseconds { get; set; } = 4000;
}

/// <summary>
/// Reliability target R1: the service is killed (SIGKILL) while 50 clients create folders and upload attachments,
/// then restarted on the same data folder. Checks, from what the clients were told and from the database and blob
/// folder themselves: nothing acknowledged is lost; no attachment is RECEIVED unless its stored bytes match its size
/// and digest; every completed folder has exactly one notification per case; no orphan blob or staging file is left
/// after the cleanup job. SQLite (the embedded default), local blob store.
/// </summary>
public static class R1Benchmark
{
    private const string Root = "/teledossiers/v1";
    private const string Limoges = """{"type":"SI","companyRegister":"21870850100018","branchCode":"87085"}""";

    /// <summary>What the server acknowledged to a client before the kill.</summary>
    private sealed class Acknowledged
    {
        public ConcurrentDictionary<Guid, Guid[]> Folders { get; } = new();       // folder → its attachments
        public ConcurrentDictionary<Guid, string> Uploads { get; } = new();       // attachment → SHA-256 sent
        public ConcurrentDictionary<Guid, bool> Completed { get; } = new();       // folder
        public int Errors;
    }

    public static async Task<int> RunAsync(R1Options options)
    {
        var root = Repo.Root();
        var work = Path.Combine(Path.GetTempPath(), "openhubee-bench-" + Guid.NewGuid().ToString("N")[..8]);
        var data = Path.Combine(work, "openhubee-data");
        Directory.CreateDirectory(work);
        Console.WriteLine($"R1: {options.Clients} clients, kill -9 after {options.KillAfterMilliseconds} ms, work folder {work}");
        try
        {
            var hubDll = await Repo.OpenHubeeReleaseAsync(root, options.Build, work);

            var environment = Repo.ProductionWithDemoClients(data);
            // No background job before the kill: the cleanup must be the restarted node's.
            environment["OpenHubee__Jobs__Enabled"] = "false";

            var acknowledged = new Acknowledged();
            int inFlightAtKill;
            await using (var server = await ServerProcess.StartAsync("OpenHubEE", hubDll, [], environment, Path.Combine(work, "openhubee-1.log")))
            {
                using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 256 }) { BaseAddress = server.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
                var token = await HubOAuth.DemoTokenAsync(http, "demo-dila", "OSL");
                using var stop = new CancellationTokenSource();
                var inFlight = 0;
                var clients = Enumerable.Range(0, options.Clients).Select(i => Task.Run(async () =>
                {
                    var n = 0;
                    while (!stop.IsCancellationRequested)
                    {
                        Interlocked.Increment(ref inFlight);
                        try
                        {
                            await SendAsync(http, token, $"R1-{i:D2}-{n++:D5}", acknowledged, stop.Token);
                        }
                        catch (Exception) when (stop.IsCancellationRequested)
                        {
                            // The kill: whatever was not acknowledged may or may not have happened.
                        }
                        catch (Exception)
                        {
                            Interlocked.Increment(ref acknowledged.Errors);
                        }
                        finally
                        {
                            Interlocked.Decrement(ref inFlight);
                        }
                    }
                })).ToArray();

                await Task.Delay(options.KillAfterMilliseconds);
                inFlightAtKill = Volatile.Read(ref inFlight);
                Console.WriteLine($"kill -9 {server.Pid} with {inFlightAtKill} exchanges in flight");
                await stop.CancelAsync();
                await server.DisposeAsync(); // Process.Kill: SIGKILL, no shutdown code runs
                await Task.WhenAll(clients);
            }

            // Restart on the same data folder, with the cleanup job due at once.
            var restart = new Dictionary<string, string>(environment)
            {
                ["OpenHubee__Jobs__Enabled"] = "true",
                ["OpenHubee__Jobs__StagingMaxAge"] = "00:00:01",
                ["OpenHubee__Jobs__HousekeepingInterval"] = "00:00:05",
            };
            Dictionary<string, int> checks;
            await using (var server = await ServerProcess.StartAsync("OpenHubEE", hubDll, [], restart, Path.Combine(work, "openhubee-2.log")))
            {
                Console.WriteLine($"restarted as pid {server.Pid}; waiting for the housekeeping job");
                await Task.Delay(TimeSpan.FromSeconds(15));
                using var http = new HttpClient { BaseAddress = server.BaseAddress };
                var token = await HubOAuth.DemoTokenAsync(http, "demo-dila", "OSL");
                checks = await VerifyAsync(http, token, Path.Combine(data, "openhubee.db"), Path.Combine(data, "blobs"), acknowledged);
            }

            var failed = checks.Where(c => c.Key.StartsWith("FAIL", StringComparison.Ordinal) && c.Value > 0).ToList();
            var report = Report(options, acknowledged, inFlightAtKill, checks, failed.Count == 0);
            Console.WriteLine(report);
            if (options.WriteReport)
            {
                Repo.AddSection(Path.Combine(root, "docs/benchmarks.md"), report);
                Console.WriteLine("added to docs/benchmarks.md");
            }

            return failed.Count == 0 ? 0 : 1;
        }
        finally
        {
            if (!options.Keep)
            {
                Directory.Delete(work, recursive: true);
            }
        }
    }

    private static async Task SendAsync(HttpClient http, string token, string externalId, Acknowledged acknowledged, CancellationToken ct)
    {
        var contents = new[] { RandomNumberGenerator.GetBytes(200_000 + Random.Shared.Next(50_000)), RandomNumberGenerator.GetBytes(150_000) };
        var json = $$"""
            {"processCode":"EtatCivil","externalId":"{{externalId}}",
             "applicant":{"firstName":"George","lastName":"DUBOIS"},
             "cases":[{"recipient":{{Limoges}},"externalId":"{{externalId}}-01"}],
             "attachments":[{{string.Join(",", contents.Select((c, i) => $$"""{"fileName":"piece{{i}}.pdf","type":"recapPDF","size":{{c.Length}},"mimeType":"application/pdf","recipients":["{{externalId}}-01"]}"""))}}]}
            """;
        using var create = HubOAuth.Authorized(token, new HttpRequestMessage(HttpMethod.Post, $"{Root}/folders") { Content = new StringContent(json, Encoding.UTF8, "application/json") });
        using var created = await http.SendAsync(create, ct);
        created.EnsureSuccessStatusCode();
        using var folder = JsonDocument.Parse(await created.Content.ReadAsStringAsync(ct));
        var folderId = folder.RootElement.GetProperty("id").GetGuid();
        var attachmentIds = folder.RootElement.GetProperty("attachments").EnumerateArray().Select(a => a.GetProperty("id").GetGuid()).ToArray();
        acknowledged.Folders[folderId] = attachmentIds;

        for (var i = 0; i < attachmentIds.Length; i++)
        {
            var digest = Convert.ToBase64String(SHA256.HashData(contents[i]));
            var body = new ByteArrayContent(contents[i]);
            body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var put = HubOAuth.Authorized(token, new HttpRequestMessage(HttpMethod.Put, $"{Root}/folders/{folderId}/attachments/{attachmentIds[i]}") { Content = body });
            put.Headers.TryAddWithoutValidation("digest", digest);
            using var uploaded = await http.SendAsync(put, ct);
            if (uploaded.StatusCode != HttpStatusCode.NoContent)
            {
                throw new InvalidOperationException($"upload: {(int)uploaded.StatusCode}");
            }

            acknowledged.Uploads[attachmentIds[i]] = digest;
        }

        using var complete = HubOAuth.Authorized(token, new HttpRequestMessage(HttpMethod.Patch, $"{Root}/folders/{folderId}") { Content = new StringContent("""{"globalStatus":"HUBEE_COMPLETED"}""", Encoding.UTF8, "application/json") });
        using var completed = await http.SendAsync(complete, ct);
        if (completed.StatusCode != HttpStatusCode.NoContent)
        {
            throw new InvalidOperationException($"complete: {(int)completed.StatusCode}");
        }

        acknowledged.Completed[folderId] = true;
    }

    /// <summary>Counts per check; a "FAIL …" entry above 0 means R1 is not met.</summary>
    private static async Task<Dictionary<string, int>> VerifyAsync(HttpClient http, string token, string dbPath, string blobRoot, Acknowledged acknowledged)
    {
        var checks = new Dictionary<string, int>(StringComparer.Ordinal);
        void Count(string check, int n = 1) => checks[check] = checks.GetValueOrDefault(check) + n;
        foreach (var failure in new[]
        {
            "FAIL acknowledged folder missing", "FAIL acknowledged upload not RECEIVED", "FAIL acknowledged completion lost",
            "FAIL RECEIVED attachment without its blob", "FAIL RECEIVED attachment whose bytes differ",
            "FAIL completed case without exactly one notification",
        })
        {
            Count(failure, 0);
        }

        // 1. Through the API: every acknowledged folder is there, with the acknowledged attachments RECEIVED.
        foreach (var (folderId, attachmentIds) in acknowledged.Folders)
        {
            using var get = HubOAuth.Authorized(token, new HttpRequestMessage(HttpMethod.Get, $"{Root}/folders/{folderId}"));
            using var response = await http.SendAsync(get);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                Count("FAIL acknowledged folder missing");
                continue;
            }

            Count("acknowledged folders found");
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            var statuses = json.RootElement.GetProperty("attachments").EnumerateArray()
                .ToDictionary(a => a.GetProperty("id").GetGuid(), a => a.GetProperty("status").GetString());
            foreach (var id in attachmentIds.Where(acknowledged.Uploads.ContainsKey))
            {
                Count(statuses.GetValueOrDefault(id) == "RECEIVED" ? "acknowledged uploads RECEIVED" : "FAIL acknowledged upload not RECEIVED");
            }

            if (acknowledged.Completed.ContainsKey(folderId))
            {
                Count(json.RootElement.GetProperty("globalStatus").GetString() is "HUBEE_NOTIFIED" or "HUBEE_COMPLETED"
                    ? "acknowledged completions kept" : "FAIL acknowledged completion lost");
            }
        }

        // 2. In the database and the blob folder: every RECEIVED attachment has its exact bytes; one notification per
        //    case of every notified folder; no blob nobody references; no staging file.
        var builder = new DbContextOptionsBuilder<HubDbContext>();
        builder.UseHubSqlite($"Data Source={dbPath};Mode=ReadOnly");
        await using var db = new HubDbContext(builder.Options);
        var attachments = await db.Attachments.AsNoTracking().Select(a => new { a.Id, a.Status, a.BlobKey, a.Size, a.Digest }).ToListAsync();
        foreach (var a in attachments.Where(a => a.Status == AttachmentStatus.Received))
        {
            var path = a.BlobKey is null ? null : Path.Combine(blobRoot, a.BlobKey[..2], a.BlobKey[2..4], a.BlobKey);
            if (path is null || !File.Exists(path))
            {
                Count("FAIL RECEIVED attachment without its blob");
                continue;
            }

            await using var file = File.OpenRead(path);
            var digest = Convert.ToBase64String(await SHA256.HashDataAsync(file));
            Count(file.Length == a.Size && digest == a.Digest ? "RECEIVED attachments with exact bytes" : "FAIL RECEIVED attachment whose bytes differ");
        }

        Count("attachments not RECEIVED (upload interrupted or never sent)", attachments.Count(a => a.Status != AttachmentStatus.Received));
        var notifiedCases = await db.Cases.AsNoTracking()
            .Where(c => db.Folders.Any(f => f.Id == c.FolderId && f.GlobalStatus != CaseStatus.HubeeReceived))
            .Select(c => new { c.Id, Notifications = db.Notifications.Count(n => n.CaseId == c.Id && n.EventId == null) })
            .ToListAsync();
        foreach (var c in notifiedCases)
        {
            Count(c.Notifications == 1 ? "completed cases with exactly one notification" : "FAIL completed case without exactly one notification");
        }

        var referenced = attachments.Where(a => a.BlobKey is not null).Select(a => a.BlobKey!).ToHashSet(StringComparer.Ordinal);
        var stored = Directory.Exists(blobRoot)
            ? Directory.EnumerateFiles(blobRoot, "*", SearchOption.AllDirectories).ToList()
            : [];
        Count("blobs stored", stored.Count(f => !f.Contains("/.staging/", StringComparison.Ordinal)));
        Count("FAIL orphan blobs after the cleanup job", stored.Count(f => !f.Contains("/.staging/", StringComparison.Ordinal) && !referenced.Contains(Path.GetFileName(f))));
        Count("FAIL staging files after the cleanup job", stored.Count(f => f.Contains("/.staging/", StringComparison.Ordinal)));
        return checks;
    }

    private static string Report(R1Options options, Acknowledged acknowledged, int inFlightAtKill, Dictionary<string, int> checks, bool met)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"## R1 — kill -9 during {options.Clients} concurrent senders, then restart ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)");
        sb.AppendLine();
        sb.AppendLine($"Command: `{options.CommandLine}`. SQLite (embedded default), local blob store, Production environment. " +
            $"{options.Clients} clients each loop over: create a folder (1 case, 2 attachments of 150–250 KB of random bytes), upload both with their " +
            $"`digest`, complete it. SIGKILL after {options.KillAfterMilliseconds} ms with {inFlightAtKill} exchanges in flight; restart on the same " +
            "data folder with the housekeeping job due at once (staging and orphan age 1 s); checks 15 s later through the API and in the database " +
            "and blob folder. **R1 " + (met ? "met" : "NOT met") + "**.");
        sb.AppendLine();
        sb.AppendLine($"Acknowledged before the kill: {acknowledged.Folders.Count} folders created, {acknowledged.Uploads.Count} uploads, " +
            $"{acknowledged.Completed.Count} completions; client errors before the kill: {acknowledged.Errors}.");
        sb.AppendLine();
        sb.AppendLine("| Check | Count |");
        sb.AppendLine("|---|---|");
        foreach (var (check, count) in checks.OrderBy(c => c.Key.StartsWith("FAIL", StringComparison.Ordinal)).ThenBy(c => c.Key, StringComparer.Ordinal))
        {
            sb.AppendLine($"| {check} | {count} |");
        }

        return sb.ToString();
    }
}
