using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using static OpenHubee.Bench.Measure;

namespace OpenHubee.Bench;

public sealed class P3Options : BenchOptions
{
    public int DurationSeconds { get; set; } = 60;
    public int WarmupSeconds { get; set; } = 10;
    public int Senders { get; set; } = 8;
    public int AttachmentBytes { get; set; } = 100 * 1024;

    /// <summary>A PostgreSQL connection string without database; "" = .ci/postgres.sh's cluster; null = SQLite.</summary>
    public string? Postgres { get; set; }

}

/// <summary>
/// Quality target P3: complete exchanges per second. Operators (OSL) create a folder with one case and two
/// attachments of 100 KB, upload both and complete it; the instructing services' software (SI) polls its
/// notifications, reads each case, downloads both attachments, posts two status events and deletes the
/// notification — over HTTP against the service running in Release as its own process, with reused tokens.
/// One exchange counts when its notification is deleted. The service is the production build with the
/// production environment (JSON logs, jobs on, Unitaire mails written by the outbox), plus the demo data.
/// </summary>
public static class P3Benchmark
{
    private const string Root = "/teledossiers/v1";

    // The three API-mode subscriptions of the demo data with an SI client: each is polled by its own consumer,
    // as each commune's software polls for its own démarche.
    private static readonly (string ClientId, string ProcessCode, string Recipient)[] Consumers =
    [
        ("demo-limoges-etatcivil", "EtatCivil", """{"type":"SI","companyRegister":"21870850100018","branchCode":"87085"}"""),
        ("demo-limoges-pacs", "depotDossierPACS", """{"type":"SI","companyRegister":"21870850100018","branchCode":"87085"}"""),
        ("demo-bordeaux-etatcivil", "EtatCivil", """{"type":"SI","companyRegister":"21330063500017","branchCode":"33063"}"""),
    ];

    public static async Task<int> RunAsync(P3Options options)
    {
        var root = Repo.Root();
        var work = Path.Combine(Path.GetTempPath(), "openhubee-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        var postgres = await BenchPostgres.ResolveAsync(root, options.Postgres);
        var database = postgres is null ? "SQLite (embedded default)" : "PostgreSQL " + await BenchPostgres.VersionAsync(postgres);
        var databaseName = "openhubee_p3_" + Guid.NewGuid().ToString("N")[..8];
        Console.WriteLine($"P3 on {database}: {options.Senders} senders, {options.WarmupSeconds} s warm-up + {options.DurationSeconds} s, work folder {work}");
        try
        {
            var hubDll = await Repo.OpenHubeeReleaseAsync(root, options.Build, work);

            var environment = Repo.ProductionWithDemoClients(Path.Combine(work, "openhubee-data"));
            if (postgres is not null)
            {
                environment["OpenHubee__Database__Provider"] = "Postgres";
                environment["ConnectionStrings__OpenHubee"] = $"{postgres};Database={databaseName}";
            }

            await using var server = await ServerProcess.StartAsync("OpenHubEE", hubDll, [], environment, Path.Combine(work, "openhubee.log"));
            Console.WriteLine($"OpenHubEE pid {server.Pid} on {server.BaseAddress}");
            using var run = new Run(server.BaseAddress, options);
            await run.SignInAsync();

            var loadBefore = LoadAverage();
            var cpuBefore = server.ReadCpu();
            var rss = RssSampler.Start(server);
            var result = await run.ExecuteAsync();
            var cpu = server.ReadCpu() - cpuBefore;
            var rssGrowth = rss.Stop();
            var report = Report(options, database, result, cpu, server.ReadRss(), rssGrowth, loadBefore, LoadAverage());
            Console.WriteLine(report);
            if (options.WriteReport)
            {
                Repo.AddSection(Path.Combine(root, "docs/benchmarks.md"), report);
                Console.WriteLine("added to docs/benchmarks.md");
            }

            return result.Errors.IsEmpty ? 0 : 1;
        }
        finally
        {
            if (!options.Keep)
            {
                Directory.Delete(work, recursive: true);
                if (postgres is not null)
                {
                    await BenchPostgres.DropDatabaseAsync(postgres, databaseName);
                }
            }
        }
    }

    private sealed record Result(
        int Completed, int Sent, double Seconds, int[] PerSecond, int Backlog,
        ConcurrentDictionary<string, ConcurrentBag<double>> Latencies, ConcurrentQueue<string> Errors);

    /// <summary>One measured run: senders and consumers working together for warm-up + duration.</summary>
    private sealed class Run(Uri baseAddress, P3Options options) : IDisposable
    {
        private readonly HttpClient http = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(10), MaxConnectionsPerServer = 256 })
        {
            BaseAddress = baseAddress,
            Timeout = TimeSpan.FromSeconds(60),
        };

        private readonly ConcurrentDictionary<string, ConcurrentBag<double>> latencies = new();
        private readonly ConcurrentQueue<string> errors = new();
        private readonly byte[][] attachments = [Payload(options.AttachmentBytes, 1), Payload(options.AttachmentBytes, 2)];
        private string oslToken = "";
        private readonly Dictionary<string, string> siTokens = [];
        private long measuring; // 0 during warm-up, 1 while measured
        private int sent;
        private int completed;
        private readonly int[] perSecond = new int[options.DurationSeconds + 1];
        private readonly Stopwatch clock = new();

        public void Dispose() => http.Dispose();

        public async Task SignInAsync()
        {
            // The tokens are obtained once and reused, as HubEE clients do for their hour of validity.
            oslToken = await HubOAuth.DemoTokenAsync(http, "demo-dila", "OSL");
            foreach (var (clientId, _, _) in Consumers)
            {
                siTokens[clientId] = await HubOAuth.DemoTokenAsync(http, clientId, "SI");
            }
        }

        public async Task<Result> ExecuteAsync()
        {
            var digestValues = attachments.Select(a => Convert.ToBase64String(SHA256.HashData(a))).ToArray();
            using var stop = new CancellationTokenSource();
            clock.Start();
            var senders = Enumerable.Range(0, options.Senders).Select(i => Task.Run(() => SendLoopAsync(i, digestValues, stop.Token))).ToArray();
            var consumers = Consumers.Select(c => Task.Run(() => ConsumeLoopAsync(c.ClientId, stop.Token))).ToArray();

            await Task.Delay(TimeSpan.FromSeconds(options.WarmupSeconds));
            latencies.Clear();
            var completedAtStart = Volatile.Read(ref completed);
            var measured = Stopwatch.StartNew();
            Interlocked.Exchange(ref measuring, 1);
            await Task.Delay(TimeSpan.FromSeconds(options.DurationSeconds));
            Interlocked.Exchange(ref measuring, 0);
            var seconds = measured.Elapsed.TotalSeconds;
            var completedInWindow = Volatile.Read(ref completed) - completedAtStart;
            var backlog = Volatile.Read(ref sent) - Volatile.Read(ref completed);
            await stop.CancelAsync();
            await Task.WhenAll(senders.Concat(consumers));
            return new Result(completedInWindow, Volatile.Read(ref sent), seconds, perSecond, backlog, latencies, errors);
        }

        private async Task SendLoopAsync(int sender, string[] digestValues, CancellationToken stop)
        {
            var n = 0;
            while (!stop.IsCancellationRequested)
            {
                var (_, processCode, recipient) = Consumers[(sender + n) % Consumers.Length];
                var externalId = $"P3-{sender:D2}-{n++:D7}";
                try
                {
                    var total = Stopwatch.StartNew();
                    var folder = await TimedJsonAsync("1 create folder", oslToken, HttpMethod.Post, $"{Root}/folders", FolderJson(externalId, processCode, recipient), HttpStatusCode.Created);
                    var folderId = folder.GetProperty("id").GetString();
                    var ids = folder.GetProperty("attachments").EnumerateArray().Select(a => a.GetProperty("id").GetString()).ToArray();
                    for (var i = 0; i < ids.Length; i++)
                    {
                        using var put = new HttpRequestMessage(HttpMethod.Put, $"{Root}/folders/{folderId}/attachments/{ids[i]}") { Content = new ByteArrayContent(attachments[i]) };
                        put.Content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                        put.Headers.TryAddWithoutValidation("digest", digestValues[i]);
                        await TimedAsync("2 upload attachment", oslToken, put, HttpStatusCode.NoContent);
                    }

                    using var complete = new HttpRequestMessage(HttpMethod.Patch, $"{Root}/folders/{folderId}") { Content = Json("""{"globalStatus":"HUBEE_COMPLETED"}""") };
                    await TimedAsync("3 complete folder", oslToken, complete, HttpStatusCode.NoContent);
                    Record("operator: whole sending", total);
                    Interlocked.Increment(ref sent);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
                catch (Exception e)
                {
                    Fail($"sender {sender} {externalId}: {e.Message}");
                }
            }
        }

        private async Task ConsumeLoopAsync(string clientId, CancellationToken stop)
        {
            var token = siTokens[clientId];
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    using var poll = new HttpRequestMessage(HttpMethod.Get, $"{Root}/notifications?maxResult=25");
                    var notifications = await TimedJsonAsync("4 poll notifications", token, poll, HttpStatusCode.OK);
                    var batch = notifications.EnumerateArray().ToArray();
                    if (batch.Length == 0)
                    {
                        // What a polling client does when there is nothing: wait before asking again. One second is
                        // far more eager than real SI software (minutes), and empty polls then cost the server little.
                        await Task.Delay(1000, stop);
                        continue;
                    }

                    // The batch's télédossiers are processed side by side, then the next batch is polled; a
                    // notification is deleted only once its case is processed, so a poll never returns work in progress.
                    await Task.WhenAll(batch.Select(n => ProcessAsync(token, n)));
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }
                catch (Exception e)
                {
                    Fail($"consumer {clientId}: {e.Message}");
                }
            }
        }

        private async Task ProcessAsync(string token, JsonElement notification)
        {
            var notificationId = notification.GetProperty("id").GetString();
            var caseId = notification.GetProperty("caseId").GetString();
            var total = Stopwatch.StartNew();
            var @case = await TimedJsonAsync("5 read case", token, HttpMethod.Get, $"{Root}/cases/{caseId}", null, HttpStatusCode.OK);
            foreach (var attachment in @case.GetProperty("attachments").EnumerateArray())
            {
                var id = attachment.GetProperty("id").GetString();
                var watch = Stopwatch.StartNew();
                using var request = HubOAuth.Authorized(token, new HttpRequestMessage(HttpMethod.Get, $"{Root}/cases/{caseId}/attachments/{id}"));
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                await Expect(response, HttpStatusCode.OK, request);
                var bytes = await response.Content.ReadAsByteArrayAsync();
                if (bytes.Length != options.AttachmentBytes)
                {
                    throw new InvalidOperationException($"attachment {id}: {bytes.Length} bytes instead of {options.AttachmentBytes}");
                }

                Record("6 download attachment", watch);
            }

            foreach (var status in new[] { "SI_RECEIVED", "IN_PROGRESS" })
            {
                await TimedJsonAsync("7 post status event", token, HttpMethod.Post, $"{Root}/cases/{caseId}/events",
                    $$"""{"actionType":"STATUS_UPDATE","caseNewStatus":"{{status}}","notification":true,"author":"Logiciel métier"}""", HttpStatusCode.Created);
            }

            using var delete = new HttpRequestMessage(HttpMethod.Delete, $"{Root}/notifications/{notificationId}");
            await TimedAsync("8 delete notification", token, delete, HttpStatusCode.NoContent);
            Record("SI: whole processing", total);
            Interlocked.Increment(ref completed);
            if (Interlocked.Read(ref measuring) == 1)
            {
                var second = Math.Min((int)(clock.Elapsed.TotalSeconds - options.WarmupSeconds), perSecond.Length - 1);
                Interlocked.Increment(ref perSecond[Math.Max(second, 0)]);
            }
        }

        private Task<JsonElement> TimedJsonAsync(string step, string token, HttpMethod method, string url, string? json, HttpStatusCode expected)
        {
            var request = new HttpRequestMessage(method, url);
            if (json is not null)
            {
                request.Content = Json(json);
            }

            return TimedJsonAsync(step, token, request, expected);
        }

        private async Task<JsonElement> TimedJsonAsync(string step, string token, HttpRequestMessage request, HttpStatusCode expected)
        {
            using (request)
            {
                var watch = Stopwatch.StartNew();
                using var response = await http.SendAsync(HubOAuth.Authorized(token, request));
                await Expect(response, expected, request);
                var body = await response.Content.ReadAsByteArrayAsync();
                Record(step, watch);
                return JsonDocument.Parse(body).RootElement.Clone();
            }
        }

        private async Task TimedAsync(string step, string token, HttpRequestMessage request, HttpStatusCode expected)
        {
            var watch = Stopwatch.StartNew();
            using var response = await http.SendAsync(HubOAuth.Authorized(token, request));
            await Expect(response, expected, request);
            Record(step, watch);
        }

        private static async Task Expect(HttpResponseMessage response, HttpStatusCode expected, HttpRequestMessage request)
        {
            if (response.StatusCode != expected)
            {
                var body = await response.Content.ReadAsStringAsync();
                throw new InvalidOperationException($"{request.Method} {request.RequestUri}: {(int)response.StatusCode} instead of {(int)expected}: {body[..Math.Min(body.Length, 300)]}");
            }
        }

        private void Record(string step, Stopwatch watch) => latencies.GetOrAdd(step, _ => []).Add(watch.Elapsed.TotalMilliseconds);

        private void Fail(string message)
        {
            if (errors.Count < 50)
            {
                errors.Enqueue(message);
            }
        }
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    private static string FolderJson(string externalId, string processCode, string recipient) => $$"""
        {"processCode":"{{processCode}}","externalId":"{{externalId}}",
         "applicant":{"firstName":"George","lastName":"DUBOIS","email":"george.dubois@example.org"},
         "cases":[{"recipient":{{recipient}},"externalId":"{{externalId}}-01"}],
         "attachments":[
           {"fileName":"demande.pdf","type":"recapPDF","size":{{AttachmentSize}},"mimeType":"application/pdf","recipients":["{{externalId}}-01"]},
           {"fileName":"piece.pdf","type":"recapPDF","size":{{AttachmentSize}},"mimeType":"application/pdf","recipients":["{{externalId}}-01"]}]}
        """;

    // Set once before the run (FolderJson is static so that the JSON template stays readable).
    private static int AttachmentSize;

    /// <summary>A PDF-looking payload of the given size (the hub checks the declared MIME type, not the content).</summary>
    private static byte[] Payload(int size, int seed)
    {
        var bytes = new byte[size];
        new Random(seed).NextBytes(bytes);
        "%PDF-1.4\n"u8.CopyTo(bytes);
        AttachmentSize = size;
        return bytes;
    }

    private static string Report(P3Options options, string database, Result result, TimeSpan serverCpu, long rssAfter, long rssGrowth, string loadBefore, string loadAfter)
    {
        var rate = result.Completed / result.Seconds;
        var target = 100.0;
        var seconds = result.PerSecond.Take(options.DurationSeconds).ToArray();
        var sb = new StringBuilder();
        sb.AppendLine($"## P3 — complete exchanges per second, {database} ({DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC)");
        sb.AppendLine();
        sb.AppendLine($"Command: `{options.CommandLine}`. Machine: {Environment.ProcessorCount} cores, load average before {loadBefore}, after {loadAfter}.");
        sb.AppendLine($"Service: Release build, Production environment (JSON logs, jobs and mail outbox on), demo data; {options.Senders} operator senders, " +
            $"{Consumers.Length} SI consumers (one per API-mode subscription, batches of 25 processed side by side), client and server on the same machine.");
        sb.AppendLine();
        sb.AppendLine("| Measure | Value |");
        sb.AppendLine("|---|---|");
        sb.AppendLine($"| Complete exchanges in the {F(result.Seconds, "F0")} s window (after {options.WarmupSeconds} s warm-up) | {result.Completed:N0} |");
        sb.AppendLine($"| **Sustained rate** | **{F(rate)} télédossiers/s** (target ≥ {target:F0}: {(rate >= target ? "met" : "NOT met")}) |");
        sb.AppendLine($"| Slowest / fastest second of the window | {(seconds.Length == 0 ? "-" : $"{seconds.Min()} / {seconds.Max()}")} |");
        sb.AppendLine($"| Backlog at the end (sent, not yet processed by the SI) | {result.Backlog:N0} |");
        sb.AppendLine($"| Server CPU (user + system) | {F(serverCpu.TotalSeconds / (options.WarmupSeconds + result.Seconds), "F2")} cores on average |");
        sb.AppendLine($"| Server memory (RSS) at the end / growth during the run | {rssAfter / 1_000_000:N0} MB / {rssGrowth / 1_000_000:N0} MB |");
        sb.AppendLine($"| Errors | {(result.Errors.IsEmpty ? "none" : string.Join("; ", result.Errors.Take(5)))} |");
        sb.AppendLine();
        sb.AppendLine("| Step (client-measured, ms) | count | p50 | p95 | p99 |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var (step, values) in result.Latencies.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            var list = values.ToArray();
            sb.AppendLine($"| {step} | {list.Length:N0} | {Ms(Percentile(list, 50))} | {Ms(Percentile(list, 95))} | {Ms(Percentile(list, 99))} |");
        }

        return sb.ToString();
    }
}
