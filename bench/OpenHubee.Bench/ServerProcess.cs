using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace OpenHubee.Bench;

/// <summary>A server under test, run as its own process on 127.0.0.1 so that its memory can be read from /proc.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly StreamWriter log;
    private int disposed;

    private ServerProcess(string name, Process process, StreamWriter log, Uri baseAddress)
    {
        Name = name;
        this.process = process;
        this.log = log;
        BaseAddress = baseAddress;
    }

    public string Name { get; }

    public Uri BaseAddress { get; }

    public int Pid => process.Id;

    public static async Task<ServerProcess> StartAsync(string name, string dll, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string> environment, string logPath)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add($"http://127.0.0.1:{port}");
        start.Environment.Remove("ASPNETCORE_URLS");
        start.Environment.Remove("ASPNETCORE_HTTP_PORTS");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var log = new StreamWriter(logPath) { AutoFlush = true };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {name}");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var server = new ServerProcess(name, process, log, new Uri($"http://127.0.0.1:{port}/"));
        await server.WaitReadyAsync(logPath);
        return server;
    }

    /// <summary>Resident memory of the server process (VmRSS), in bytes.</summary>
    public long ReadRss()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{process.Id}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kb = line["VmRSS:".Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
            // The process is gone; reported as 0 and noticed by the caller's HTTP failure.
        }

        return 0;
    }

    /// <summary>CPU time used so far by the server process (user + system), from /proc/&lt;pid&gt;/stat.</summary>
    public TimeSpan ReadCpu()
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{process.Id}/stat");
            // Fields after the command name "(…)": state is field 3, utime 14, stime 15 (clock ticks, 100 per second).
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return TimeSpan.FromSeconds(ticks / 100.0);
        }
        catch (IOException)
        {
            return TimeSpan.Zero;
        }
    }

    /// <summary>Kills the server with SIGKILL (Process.Kill): no shutdown code runs, as in R1. Safe to call twice.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref disposed, 1) == 1)
        {
            return;
        }

        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        lock (log)
        {
            log.Dispose();
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            if (log.BaseStream.CanWrite)
            {
                log.WriteLine(line);
            }
        }
    }

    private async Task WaitReadyAsync(string logPath)
    {
        using var client = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(90))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with code {process.ExitCode}; see {logPath}");
            }

            try
            {
                using var response = await client.GetAsync(BaseAddress);
                return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"{Name} did not answer on {BaseAddress} within 90 s; see {logPath}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Samples a process's RSS every 100 ms on its own thread, so that a busy thread pool does not skew it.</summary>
public sealed class RssSampler
{
    private readonly ServerProcess server;
    private readonly Thread thread;
    private volatile bool stop;
    private long max;

    private RssSampler(ServerProcess server)
    {
        this.server = server;
        Before = server.ReadRss();
        max = Before;
        thread = new Thread(Loop) { IsBackground = true, Name = "rss-sampler" };
    }

    public long Before { get; }

    public int Samples { get; private set; }

    public static RssSampler Start(ServerProcess server)
    {
        var sampler = new RssSampler(server);
        sampler.thread.Start();
        return sampler;
    }

    /// <summary>Stops sampling and returns the growth: highest RSS seen during the transfer minus RSS before it.</summary>
    public long Stop()
    {
        stop = true;
        thread.Join();
        Sample();
        return max - Before;
    }

    private void Loop()
    {
        while (!stop)
        {
            Sample();
            Thread.Sleep(100);
        }
    }

    private void Sample()
    {
        var rss = server.ReadRss();
        Samples++;
        if (rss > max)
        {
            max = rss;
        }
    }
}
