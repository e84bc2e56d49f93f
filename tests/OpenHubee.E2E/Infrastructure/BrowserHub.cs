using System.Net;
using System.Net.Sockets;
using Microsoft.Playwright;
using OpenHubee.Tests.Infrastructure;

namespace OpenHubee.E2E.Infrastructure;

/// <summary>
/// The real service on a real socket (Kestrel) and Debian's chromium driven by Playwright, as a person
/// would use the portal. Screenshots of the main screens go to docs/screenshots.
/// </summary>
public sealed class BrowserHub : IAsyncLifetime
{
    public HubFactory Hub { get; } = new();
    public string BaseUrl { get; private set; } = "";
    public IBrowser Browser { get; private set; } = null!;
    private IPlaywright? playwright;

    public static string ChromiumPath => Environment.GetEnvironmentVariable("OPENHUBEE_CHROMIUM") ?? "/usr/bin/chromium";

    public async ValueTask InitializeAsync()
    {
        var port = FreePort();
        Hub.UseKestrel(port);
        Hub.StartServer();
        BaseUrl = $"http://127.0.0.1:{port}";
        playwright = await Playwright.CreateAsync();
        Browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // As root, in a closed network: no sandbox, no background connections.
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
    }

    public async Task<IPage> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = BaseUrl, Locale = "fr-FR", ViewportSize = new() { Width = 1280, Height = 900 } });
        // Machines here are shared and sometimes loaded: generous waits, so a slow moment is not a failure.
        context.SetDefaultTimeout(90_000);
        context.SetDefaultNavigationTimeout(90_000);
        return await context.NewPageAsync();
    }

    public static async Task ScreenshotAsync(IPage page, string name)
    {
        var dir = Path.Combine(RepositoryRoot(), "docs", "screenshots");
        Directory.CreateDirectory(dir);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(dir, name + ".png"), FullPage = true });
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }

        playwright?.Dispose();
        await Hub.DisposeAsync();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string RepositoryRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (dir is not null && !File.Exists(Path.Combine(dir, "OpenHubee.slnx")))
        {
            dir = Path.GetDirectoryName(dir);
        }

        return dir ?? throw new DirectoryNotFoundException("OpenHubee.slnx not found");
    }
}
