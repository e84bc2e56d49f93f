using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.S3;
using Amazon.S3.Model;
using OpenHubee.Storage;

namespace OpenHubee.Tests.Infrastructure;

/// <summary>
/// moto_server (Python package moto, an S3 emulator speaking the real HTTP protocol, multipart included) started
/// as a child process on a free loopback port, with one bucket. The tests never talk to AWS itself.
/// When moto is not installed the S3 tests fail, saying so, unless OPENHUBEE_SKIP_S3=1 asks to skip them.
/// </summary>
public sealed class MotoServer : IAsyncLifetime
{
    public const string Bucket = "openhubee-tests";
    public const string AccessKey = "moto-access";
    public const string SecretKey = "moto-secret";
    private const string Install = "pip install \"moto[server]==5.2.1\"";

    private readonly List<string> output = [];
    private Process? process;
    private bool skipped;

    public string Url { get; private set; } = "";

    /// <summary>A client of the emulator, to look at what the store left in the bucket.</summary>
    public AmazonS3Client Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var executable = FindOnPath("moto_server");
        if (executable is null)
        {
            if (Environment.GetEnvironmentVariable("OPENHUBEE_SKIP_S3") == "1")
            {
                skipped = true;
                return;
            }

            throw new InvalidOperationException(
                $"moto_server (the S3 emulator the S3 tests run against) is not on PATH. Install it with `{Install}` " +
                "(.ci/run does), or set OPENHUBEE_SKIP_S3=1 to skip the S3 tests.");
        }

        var port = FreePort();
        Url = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        process = Process.Start(start) ?? throw new InvalidOperationException("moto_server did not start.");
        // Its request log must be read, or a full pipe would stall it; the tail explains a failed start.
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await WaitUntilAnsweringAsync();

        Client = S3BlobStore.CreateClient(Options(""));
        await Client.PutBucketAsync(new PutBucketRequest { BucketName = Bucket });
    }

    public ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (process is { HasExited: false })
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }

        process?.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>First line of every S3 test: skips only when asked to and moto is absent.</summary>
    public void EnsureAvailable()
    {
        if (skipped)
        {
            Assert.Skip($"OPENHUBEE_SKIP_S3=1 and moto_server is not installed ({Install}).");
        }
    }

    /// <summary>Store settings for this emulator; a prefix of its own keeps each test's objects apart.</summary>
    public StorageOptions Options(string prefix, int partSizeMiB = StorageOptions.MinPartSizeMiB) => new()
    {
        Provider = "S3",
        ServiceUrl = Url,
        Bucket = Bucket,
        AccessKey = AccessKey,
        SecretKey = SecretKey,
        Prefix = prefix,
        PartSizeMiB = partSizeMiB,
    };

    /// <summary>Objects (committed blobs) under a prefix.</summary>
    public async Task<int> ObjectCountAsync(string prefix)
    {
        var listed = await Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = prefix });
        return listed.S3Objects?.Count ?? 0;
    }

    /// <summary>Multipart uploads still open under a prefix (staging).</summary>
    public async Task<int> OpenUploadCountAsync(string prefix)
    {
        var listed = await Client.ListMultipartUploadsAsync(new ListMultipartUploadsRequest { BucketName = Bucket, Prefix = prefix });
        return listed.MultipartUploads?.Count ?? 0;
    }

    public static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private async Task WaitUntilAnsweringAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (process!.HasExited)
            {
                throw new InvalidOperationException($"moto_server exited with code {process.ExitCode}:\n{Tail()}");
            }

            try
            {
                using var response = await http.GetAsync(Url + "/");
                return;
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(100);
        }

        throw new InvalidOperationException($"moto_server did not answer on {Url} within 60 s:\n{Tail()}");
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.Add(line);
            if (output.Count > 50)
            {
                output.RemoveAt(0);
            }
        }
    }

    private string Tail()
    {
        lock (output)
        {
            return string.Join('\n', output);
        }
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
