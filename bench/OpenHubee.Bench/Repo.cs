using System.Diagnostics;

namespace OpenHubee.Bench;

/// <summary>The repository the benchmark runs in: its root, its builds, the results file.</summary>
public static class Repo
{
    public static string Root()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "OpenHubee.slnx")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException("OpenHubee.slnx not found above the current folder.");
    }

    /// <summary>The service's Release build (built first unless asked not to), as the benchmarks run it.</summary>
    public static async Task<string> OpenHubeeReleaseAsync(string root, bool build, string work)
    {
        if (build)
        {
            await BuildAsync(root, "src/OpenHubee/OpenHubee.csproj", Path.Combine(work, "build-openhubee.log"));
        }

        return Path.Combine(root, "src/OpenHubee/bin/Release/net10.0/OpenHubee.dll");
    }

    /// <summary>The service as in production (JSON logs, jobs on) on a throw-away data folder, with the demo clients.</summary>
    public static Dictionary<string, string> ProductionWithDemoClients(string dataDirectory) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["OpenHubee__DataDirectory"] = dataDirectory,
        ["OpenHubee__DemoData"] = "true",
        ["OpenHubee__DemoData__PortalAccounts"] = "false",
        ["OpenHubee__DemoBanner"] = "false",
    };

    public static async Task BuildAsync(string root, string project, string logPath)
    {
        Console.WriteLine($"dotnet build -c Release {project}");
        var output = await RunAsync("dotnet", ["build", "-c", "Release", "--nologo", project], root, allowFailure: true);
        await File.WriteAllTextAsync(logPath, output);
        if (output.Contains("Build FAILED", StringComparison.Ordinal) || !output.Contains("Build succeeded", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"build of {project} failed; see {logPath}");
        }
    }

    /// <summary>Runs a command to completion and returns its standard output (and error).</summary>
    public static async Task<string> RunAsync(string file, IEnumerable<string> arguments, string? workingDirectory, bool allowFailure = false)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {file}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = await stdout + await stderr;
        if (process.ExitCode != 0 && !allowFailure)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} exited with {process.ExitCode}: {output}");
        }

        return output;
    }

    /// <summary>Adds a report section to a results file, newest first, under the file's title.</summary>
    public static void AddSection(string path, string section)
    {
        var text = File.Exists(path)
            ? File.ReadAllText(path)
            : "# Benchmarks\n\nResults of the benchmarks in `bench/` (see bench/README.md), newest first. Targets: `shared/spec/quality.md`.\n";
        var first = text.IndexOf("\n## ", StringComparison.Ordinal);
        text = first < 0
            ? text.TrimEnd() + "\n\n" + section.TrimEnd() + "\n"
            : text[..(first + 1)] + section.TrimEnd() + "\n\n" + text[(first + 1)..];
        File.WriteAllText(path, text);
    }
}
