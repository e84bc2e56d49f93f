using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

using static OpenHubee.Bench.Measure;

namespace OpenHubee.Bench;

public sealed class P1Options : BenchOptions
{
    public long SizeBytes { get; set; } = 1L << 30;
    public int Runs { get; set; } = 3;
}

/// <summary>One timed transfer: bytes over seconds, and the server's RSS growth while it ran.</summary>
public sealed record Transfer(double Seconds, long Bytes, long RssGrowth, long RssBefore, int Samples, double ServerCpuSeconds)
{
    public double MegabytesPerSecond => Bytes / 1e6 / Seconds;
}

public sealed record P1Run(Transfer BaselineUpload, Transfer HubUpload, Transfer BaselineDownload, Transfer HubDownload);

/// <summary>
/// Quality target P1: upload (PUT with digest) and download of a 1 GiB attachment through OpenHubEE, against a bare
/// Kestrel endpoint that only copies bytes to and from a file, both measured in the same run on the same machine.
/// </summary>
public static class P1Benchmark
{
    private const int ClientBuffer = 1 << 20;
    private const string Api = "teledossiers/v1/";

    public static async Task<int> RunAsync(P1Options options)
    {
        var root = Repo.Root();
        var work = Path.Combine(Path.GetTempPath(), "openhubee-bench-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(work);
        Console.WriteLine($"P1: {options.SizeBytes:N0} bytes, {options.Runs} runs, work folder {work}");
        try
        {
            var hubDll = Path.Combine(root, "src/OpenHubee/bin/Release/net10.0/OpenHubee.dll");
            var bareDll = Path.Combine(root, "bench/BareKestrel/bin/Release/net10.0/BareKestrel.dll");
            if (options.Build)
            {
                await Repo.BuildAsync(root, "src/OpenHubee/OpenHubee.csproj", Path.Combine(work, "build-openhubee.log"));
                await Repo.BuildAsync(root, "bench/BareKestrel/BareKestrel.csproj", Path.Combine(work, "build-bare.log"));
            }

            var payload = Path.Combine(work, "payload.bin");
            var watch = Stopwatch.StartNew();
            var digest = await GeneratePayloadAsync(payload, options.SizeBytes);
            Console.WriteLine($"payload generated in {watch.Elapsed.TotalSeconds:F1} s, sha-256 {digest}");

            var runs = new List<P1Run>();
            var loadBefore = LoadAverage();
            await using (var hub = await ServerProcess.StartAsync("OpenHubEE", hubDll, [], new Dictionary<string, string>
                         {
                             ["OpenHubee__DataDirectory"] = Path.Combine(work, "openhubee-data"),
                             ["ASPNETCORE_ENVIRONMENT"] = "Development",
                             ["OpenHubee__DemoBanner"] = "false",
                         }, Path.Combine(work, "openhubee.log")))
            await using (var bare = await ServerProcess.StartAsync("BareKestrel", bareDll, ["--File", Path.Combine(work, "bare-received.bin")],
                             new Dictionary<string, string>(), Path.Combine(work, "bare.log")))
            {
                Console.WriteLine($"OpenHubEE pid {hub.Pid} on {hub.BaseAddress}, bare Kestrel pid {bare.Pid} on {bare.BaseAddress}");
                using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, AutomaticDecompression = DecompressionMethods.None })
                {
                    Timeout = Timeout.InfiniteTimeSpan,
                };
                var exchange = new HubClient(client, hub.BaseAddress);
                for (var run = 1; run <= options.Runs; run++)
                {
                    // Each OpenHubEE transfer is next to the baseline's in time, in the order ABBA for odd runs and BAAB
                    // for even ones, so that a drift of the (shared) machine's load does not favour one of them.
                    Transfer bu, bd, hu, hd;
                    HubFolder folder;
                    if (run % 2 == 1)
                    {
                        bu = await BaselineUploadAsync(client, bare, payload, options.SizeBytes);
                        (hu, folder) = await HubUploadAsync(exchange, hub, payload, digest, options.SizeBytes, run);
                        hd = await HubDownloadAsync(exchange, hub, folder, digest, options.SizeBytes);
                        bd = await BaselineDownloadAsync(client, bare, digest, options.SizeBytes);
                    }
                    else
                    {
                        (hu, folder) = await HubUploadAsync(exchange, hub, payload, digest, options.SizeBytes, run);
                        bu = await BaselineUploadAsync(client, bare, payload, options.SizeBytes);
                        bd = await BaselineDownloadAsync(client, bare, digest, options.SizeBytes);
                        hd = await HubDownloadAsync(exchange, hub, folder, digest, options.SizeBytes);
                    }

                    var result = new P1Run(bu, hu, bd, hd);
                    runs.Add(result);
                    Console.WriteLine($"run {run}: upload {bu.MegabytesPerSecond:F0} vs {hu.MegabytesPerSecond:F0} MB/s (+{Mb(hu.RssGrowth)} MB, " +
                                      $"server CPU {bu.ServerCpuSeconds:F1} vs {hu.ServerCpuSeconds:F1} s), download {bd.MegabytesPerSecond:F0} vs " +
                                      $"{hd.MegabytesPerSecond:F0} MB/s (+{Mb(hd.RssGrowth)} MB, server CPU {bd.ServerCpuSeconds:F1} vs {hd.ServerCpuSeconds:F1} s)");
                }
            }

            var report = await Report(options, root, runs, loadBefore, LoadAverage());
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
                Directory.Delete(work, recursive: true);
            }
        }
    }

    private static Task<Transfer> BaselineUploadAsync(HttpClient client, ServerProcess bare, string payload, long size)
    {
        var file = new Uri(bare.BaseAddress, "file");
        return MeasureAsync(bare, async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, file) { Content = PayloadContent(payload, size) };
            using var response = await client.SendAsync(request);
            Console.WriteLine($"  BareKestrel answered the PUT {Stopwatch.GetElapsedTime(lastPayloadByteTimestamp).TotalMilliseconds:F0} ms after the body's end");
            Expect(response, HttpStatusCode.NoContent, "baseline PUT");
            return size;
        });
    }

    private static Task<Transfer> BaselineDownloadAsync(HttpClient client, ServerProcess bare, string digest, long size) =>
        MeasureAsync(bare, async () =>
        {
            using var response = await client.GetAsync(new Uri(bare.BaseAddress, "file"), HttpCompletionOption.ResponseHeadersRead);
            Expect(response, HttpStatusCode.OK, "baseline GET");
            return await ReadAndCheckAsync(response, digest, size);
        });

    private sealed record HubFolder(string CaseId, string AttachmentId, string SiToken);

    private static async Task<(Transfer Upload, HubFolder Folder)> HubUploadAsync(HubClient exchange, ServerProcess hub, string payload, string digest, long size, int run)
    {
        // Untimed: tokens, folder declaration, completion. Timed: the PUT alone (and later the SI's GET alone).
        var osl = await exchange.TokenAsync("demo-dila", "demo-dila-secret", "OSL");
        var si = await exchange.TokenAsync("demo-limoges-etatcivil", "demo-limoges-etatcivil-secret", "SI");
        var externalId = $"BENCH-P1-{DateTime.UtcNow:yyyyMMddHHmmss}-{run}";
        var folder = await exchange.SendJsonAsync(HttpMethod.Post, "folders", osl, new
        {
            processCode = "EtatCivil",
            externalId,
            applicant = new { firstName = "Bench", lastName = "P1" },
            cases = new[] { new { recipient = new { type = "SI", companyRegister = "21870850100018", branchCode = "87085" }, externalId = externalId + "-01" } },
            attachments = new[] { new { fileName = "payload.pdf", type = "recapPDF", size, mimeType = "application/pdf", recipients = new[] { externalId + "-01" } } },
        }, HttpStatusCode.Created);
        var folderId = folder.GetProperty("id").GetString()!;
        var attachmentId = folder.GetProperty("attachments")[0].GetProperty("id").GetString()!;
        var caseId = folder.GetProperty("cases")[0].GetProperty("id").GetString()!;

        var upload = await MeasureAsync(hub, async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, exchange.Url($"folders/{folderId}/attachments/{attachmentId}"))
            {
                Content = PayloadContent(payload, size),
            };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", osl);
            request.Headers.TryAddWithoutValidation("digest", digest);
            using var response = await exchange.Client.SendAsync(request);
            Console.WriteLine($"  OpenHubEE answered the PUT {Stopwatch.GetElapsedTime(lastPayloadByteTimestamp).TotalMilliseconds:F0} ms after the body's end");
            Expect(response, HttpStatusCode.NoContent, "OpenHubEE PUT attachment");
            return size;
        });

        await exchange.SendJsonAsync(HttpMethod.Patch, $"folders/{folderId}", osl, new { globalStatus = "HUBEE_COMPLETED" }, HttpStatusCode.NoContent);
        return (upload, new HubFolder(caseId, attachmentId, si));
    }

    private static Task<Transfer> HubDownloadAsync(HubClient exchange, ServerProcess hub, HubFolder folder, string digest, long size) =>
        MeasureAsync(hub, async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, exchange.Url($"cases/{folder.CaseId}/attachments/{folder.AttachmentId}"));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", folder.SiToken);
            using var response = await exchange.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Expect(response, HttpStatusCode.OK, "OpenHubEE GET attachment");
            var announced = response.Headers.TryGetValues("digest", out var values) ? values.FirstOrDefault() : null;
            if (announced != digest)
            {
                throw new InvalidOperationException($"OpenHubEE announced digest '{announced}', expected '{digest}'");
            }

            return await ReadAndCheckAsync(response, digest, size);
        });

    /// <summary>Flushes dirty pages first (untimed) so that the previous transfer's write-back does not run during this one.</summary>
    private static async Task<Transfer> MeasureAsync(ServerProcess server, Func<Task<long>> transfer)
    {
        await Repo.RunAsync("sync", [], null);
        var sampler = RssSampler.Start(server);
        var cpu = server.ReadCpu();
        var watch = Stopwatch.StartNew();
        long bytes;
        try
        {
            bytes = await transfer();
        }
        finally
        {
            watch.Stop();
        }

        var serverCpu = (server.ReadCpu() - cpu).TotalSeconds;
        var growth = sampler.Stop();
        return new Transfer(watch.Elapsed.TotalSeconds, bytes, growth, sampler.Before, sampler.Samples, serverCpu);
    }

    /// <summary>When the client read the payload's end, i.e. sent its last bytes (diagnostic: the server's time after the body).</summary>
    private static long lastPayloadByteTimestamp;

    internal static void NoteEnd() => lastPayloadByteTimestamp = Stopwatch.GetTimestamp();

    private static StreamContent PayloadContent(string payload, long size)
    {
        var stream = new EndNotingStream(new FileStream(payload, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.Asynchronous | FileOptions.SequentialScan));
        var content = new StreamContent(stream, ClientBuffer);
        content.Headers.ContentLength = size;
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    /// <summary>Reads the whole body and checks its SHA-256 (the same client work for both servers).</summary>
    private static async Task<long> ReadAndCheckAsync(HttpResponseMessage response, string digest, long size)
    {
        await using var body = await response.Content.ReadAsStreamAsync();
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[ClientBuffer];
        long total = 0;
        int read;
        while ((read = await body.ReadAsync(buffer)) > 0)
        {
            hash.AppendData(buffer, 0, read);
            total += read;
        }

        var actual = Convert.ToBase64String(hash.GetHashAndReset());
        if (total != size || actual != digest)
        {
            throw new InvalidOperationException($"downloaded {total} bytes with sha-256 {actual}, expected {size} bytes with {digest}");
        }

        return total;
    }

    /// <summary>Writes pseudo-random bytes (incompressible, reproducible) and returns their SHA-256 in base64.</summary>
    private static async Task<string> GeneratePayloadAsync(string path, long size)
    {
        var random = new Random(20_26_11_28);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[ClientBuffer];
        await using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous);
        for (long written = 0; written < size;)
        {
            var chunk = (int)Math.Min(buffer.Length, size - written);
            random.NextBytes(buffer.AsSpan(0, chunk));
            hash.AppendData(buffer, 0, chunk);
            await file.WriteAsync(buffer.AsMemory(0, chunk));
            written += chunk;
        }

        return Convert.ToBase64String(hash.GetHashAndReset());
    }

    private static void Expect(HttpResponseMessage response, HttpStatusCode expected, string what)
    {
        if (response.StatusCode != expected)
        {
            throw new InvalidOperationException($"{what}: {(int)response.StatusCode} {response.ReasonPhrase}, expected {(int)expected}");
        }
    }

    private static string Mb(long bytes) => (bytes / 1e6).ToString("F1", CultureInfo.InvariantCulture);

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The machine is shared: the 1/5/15-minute load averages tell how busy it was around the runs.</summary>

    private static async Task<string> Report(P1Options options, string root, List<P1Run> runs, string loadBefore, string loadAfter)
    {
        var inv = CultureInfo.InvariantCulture;
        var commit = (await Repo.RunAsync("git", ["rev-parse", "--short", "HEAD"], root)).Trim();
        var dirty = (await Repo.RunAsync("git", ["status", "--porcelain", "--untracked-files=no"], root)).Trim().Length > 0;
        var nproc = (await Repo.RunAsync("nproc", [], null)).Trim();
        var free = (await Repo.RunAsync("free", ["-g"], null)).TrimEnd();
        var cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "?";

        var upBase = Median(runs.Select(r => r.BaselineUpload.MegabytesPerSecond));
        var upHub = Median(runs.Select(r => r.HubUpload.MegabytesPerSecond));
        var downBase = Median(runs.Select(r => r.BaselineDownload.MegabytesPerSecond));
        var downHub = Median(runs.Select(r => r.HubDownload.MegabytesPerSecond));
        var upRatio = Median(runs.Select(r => r.HubUpload.MegabytesPerSecond / r.BaselineUpload.MegabytesPerSecond));
        var downRatio = Median(runs.Select(r => r.HubDownload.MegabytesPerSecond / r.BaselineDownload.MegabytesPerSecond));
        double MedianMb(Func<P1Run, Transfer> pick) => Median(runs.Select(r => pick(r).RssGrowth / 1e6));
        double MaxMb(Func<P1Run, Transfer> pick) => runs.Max(r => pick(r).RssGrowth / 1e6);
        var hubWorstGrowth = Math.Max(MaxMb(r => r.HubUpload), MaxMb(r => r.HubDownload));

        var fullSize = options.SizeBytes == 1L << 30;
        var met = upRatio >= 0.8 && downRatio >= 0.8 && hubWorstGrowth < 100;
        string Mark(bool ok) => ok ? "✅" : "❌";

        var md = new StringBuilder();
        md.AppendLine(inv, $"## P1 — attachment upload and download, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        md.AppendLine();
        md.AppendLine(inv, $"- Commit: `{commit}`{(dirty ? " (with uncommitted changes)" : "")}");
        md.AppendLine(inv, $"- Machine: `nproc` = {nproc}, {cpu}; `free -g`:");
        md.AppendLine();
        md.AppendLine("  ```");
        foreach (var line in free.Split('\n'))
        {
            md.AppendLine("  " + line);
        }

        md.AppendLine("  ```");
        md.AppendLine(inv, $"- Load average (1/5/15 min) before the runs: {loadBefore}, after: {loadAfter} (the machine is shared with other sessions' builds and tests).");
        md.AppendLine(inv, $"- Command: `{options.CommandLine}`");
        md.AppendLine(inv, $"- Payload: {options.SizeBytes:N0} bytes of pseudo-random data{(fullSize ? " (1 GiB)" : " — **not the 1 GiB of P1**")}; {runs.Count} runs, medians reported; " +
                           $"both servers are Release builds in their own process on 127.0.0.1, the client (HttpClient, streaming, 1 MiB buffers) is a third process; " +
                           $"OpenHubEE runs on its embedded default (SQLite, local blob store) with demo data. Timed: the PUT with `digest` alone (token and folder " +
                           $"declaration are not timed), then the SI's GET alone; the client hashes every download for both servers. `sync` runs before each transfer; the order is ABBA/BAAB so that each OpenHubEE transfer sits next to the baseline's.");
        md.AppendLine("- Memory: growth = highest VmRSS of the server process (sampled every 100 ms) during the transfer − VmRSS just before it. MB = 10⁶ bytes.");
        md.AppendLine();
        md.AppendLine("| Median of runs | Bare Kestrel | OpenHubEE | Ratio (median of per-run ratios) | Target |");
        md.AppendLine("|---|---:|---:|---:|---|");
        md.AppendLine(inv, $"| Upload throughput (MB/s) | {upBase:F0} | {upHub:F0} | {upRatio:F2} | ≥ 0.80 {Mark(upRatio >= 0.8)} |");
        md.AppendLine(inv, $"| Download throughput (MB/s) | {downBase:F0} | {downHub:F0} | {downRatio:F2} | ≥ 0.80 {Mark(downRatio >= 0.8)} |");
        md.AppendLine(inv, $"| Server CPU time, upload (s) | {Median(runs.Select(r => r.BaselineUpload.ServerCpuSeconds)):F1} | {Median(runs.Select(r => r.HubUpload.ServerCpuSeconds)):F1} | | |");
        md.AppendLine(inv, $"| Server CPU time, download (s) | {Median(runs.Select(r => r.BaselineDownload.ServerCpuSeconds)):F1} | {Median(runs.Select(r => r.HubDownload.ServerCpuSeconds)):F1} | | |");
        md.AppendLine(inv, $"| Server RSS growth, upload (MB; worst run) | {MedianMb(r => r.BaselineUpload):F1} ({MaxMb(r => r.BaselineUpload):F1}) | {MedianMb(r => r.HubUpload):F1} ({MaxMb(r => r.HubUpload):F1}) | | < 100 {Mark(MaxMb(r => r.HubUpload) < 100)} |");
        md.AppendLine(inv, $"| Server RSS growth, download (MB; worst run) | {MedianMb(r => r.BaselineDownload):F1} ({MaxMb(r => r.BaselineDownload):F1}) | {MedianMb(r => r.HubDownload):F1} ({MaxMb(r => r.HubDownload):F1}) | | < 100 {Mark(MaxMb(r => r.HubDownload) < 100)} |");
        md.AppendLine();
        md.AppendLine("Every run (throughput, RSS growth, RSS before, CPU time used by the server process during the transfer):");
        md.AppendLine();
        md.AppendLine("| Run | Upload bare | Upload OpenHubEE | Download bare | Download OpenHubEE |");
        md.AppendLine("|---|---|---|---|---|");
        string Cell(Transfer t) => FormattableString.Invariant($"{t.MegabytesPerSecond:F0} MB/s, +{t.RssGrowth / 1e6:F1} MB (from {t.RssBefore / 1e6:F0}), CPU {t.ServerCpuSeconds:F1} s");
        for (var i = 0; i < runs.Count; i++)
        {
            var r = runs[i];
            md.AppendLine(inv, $"| {i + 1} | {Cell(r.BaselineUpload)} | {Cell(r.HubUpload)} | {Cell(r.BaselineDownload)} | {Cell(r.HubDownload)} |");
        }

        md.AppendLine();
        md.AppendLine(fullSize
            ? $"**P1 {(met ? "met" : "not met")}**: upload {upRatio:F2} and download {downRatio:F2} × baseline (target ≥ 0.8), worst OpenHubEE memory growth {hubWorstGrowth:F1} MB (target < 100 MB)."
            : $"P1 not judged: the payload was not 1 GiB (upload {upRatio:F2}, download {downRatio:F2} × baseline, worst growth {hubWorstGrowth:F1} MB).");
        return md.ToString();
    }

    /// <summary>The OAuth2 and Folder API calls of the exchange, as an operator's or commune's software makes them.</summary>
    private sealed class HubClient(HttpClient client, Uri baseAddress)
    {
        public HttpClient Client => client;

        public Uri Url(string relative) => new(baseAddress, Api + relative);

        public Task<string> TokenAsync(string clientId, string secret, string scope) => HubOAuth.TokenAsync(client, clientId, secret, scope, baseAddress);

        public async Task<JsonElement> SendJsonAsync(HttpMethod method, string relative, string token, object body, HttpStatusCode expected)
        {
            using var request = new HttpRequestMessage(method, Url(relative)) { Content = JsonContent.Create(body) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            using var response = await client.SendAsync(request);
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != expected)
            {
                throw new InvalidOperationException($"{method} {relative}: {(int)response.StatusCode} {text}");
            }

            return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
        }
    }
}

internal sealed class EndNotingStream(Stream inner) : Stream
{
    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => inner.Length;
    public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

    public override void Flush() { }

    public override int Read(byte[] buffer, int offset, int count) => Noted(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Noted(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private static int Noted(int read)
    {
        if (read == 0)
        {
            P1Benchmark.NoteEnd();
        }

        return read;
    }
}
