using System.Globalization;
using OpenHubee.Bench;

// dotnet run -c Release --project bench/OpenHubee.Bench -- p1|p3|p5 [--size-mib 1024] [--runs 3] [--cases N] [--requests N] [--seconds N] [--senders N] [--postgres [CONNECTION]] [--no-write] [--no-build] [--keep]
if (args.Length == 0 || args[0] is "-h" or "--help")
{
    Console.WriteLine("""
        usage: dotnet run -c Release --project bench/OpenHubee.Bench -- p1|p3|p5|r1 [options]

          p1            attachment upload/download of a large file vs a bare Kestrel baseline (quality target P1)
          p3            complete exchanges per second, operators and SI software together (quality target P3)
          r1            kill -9 during 50 concurrent senders, restart, check nothing acknowledged is lost (reliability target R1)
          p5            portal list /teledossiers, 50 per page out of 100,000 cases (quality target P5)

        options:
          --size-mib N  (p1) payload size in MiB (default 1024 = 1 GiB, the size P1 is defined for)
          --runs N      (p1) repetitions, the median is reported (default 3)
          --cases N     (p5) cases seeded (default 100000, the number P5 is defined for)
          --requests N  (p5) timed requests in all, spread over the scenarios (default 520)
          --seconds N   (p3) measured duration (default 60, after a 10 s warm-up)
          --senders N   (p3) concurrent operator senders (default 8)
          --clients N   (r1) concurrent senders (default 50)
          --kill-after-ms N (r1) when to kill the service (default 4000)
          --postgres [CONNECTION]
                        (p3, p5) on PostgreSQL instead of SQLite: a server's connection string without database
                        (a throw-away database is created), or none to start .ci/postgres.sh's cluster
          --no-write    print the report only, do not add it to docs/benchmarks.md
          --no-build    use the Release builds already in bin/
          --keep        keep the temporary folder (payload, data folder, logs)
        """);
    return 0;
}

var options = new P1Options();
var p5 = new P5Options();
var p3 = new P3Options();
var r1 = new R1Options();
for (var i = 1; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--size-mib": options.SizeBytes = long.Parse(args[++i], CultureInfo.InvariantCulture) * 1024 * 1024; break;
        case "--runs": options.Runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--cases": p5.Cases = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--requests": p5.Requests = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--seconds": p3.DurationSeconds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--senders": p3.Senders = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--postgres": p5.Postgres = p3.Postgres = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : ""; break;
        case "--clients": r1.Clients = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--kill-after-ms": r1.KillAfterMilliseconds = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
        case "--no-write": options.WriteReport = p5.WriteReport = p3.WriteReport = r1.WriteReport = false; break;
        case "--no-build": options.Build = p5.Build = p3.Build = r1.Build = false; break;
        case "--keep": options.Keep = p5.Keep = p3.Keep = r1.Keep = true; break;
        default: Console.Error.WriteLine($"unknown option {args[i]}"); return 2;
    }
}

options.CommandLine = p5.CommandLine = p3.CommandLine = r1.CommandLine = "dotnet run -c Release --project bench/OpenHubee.Bench -- " + string.Join(' ', args);
return args[0] switch
{
    "p1" => await P1Benchmark.RunAsync(options),
    "p3" => await P3Benchmark.RunAsync(p3),
    "p5" => await P5Benchmark.RunAsync(p5),
    "r1" => await R1Benchmark.RunAsync(r1),
    _ => Fail($"unknown benchmark '{args[0]}' (known: p1, p3, p5, r1)"),
};

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 2;
}
