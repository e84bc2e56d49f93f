using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using OpenHubee.Auth;
using OpenHubee.Data;
using OpenHubee.Features.Exchange;
using OpenHubee.Migrations.Postgres;
using OpenHubee.Migrations.Sqlite;
using OpenHubee.Storage;

namespace OpenHubee.Hosting;

/// <summary>Where things live: one data folder for the embedded default, or PostgreSQL for scale-out.</summary>
public sealed class HubOptions
{
    public required string DataDirectory { get; init; }
    public required string DatabaseProvider { get; init; }
    public required string ConnectionString { get; init; }
    public bool DemoData { get; init; }

    /// <summary>SQLite's synchronous setting: Normal (default; survives a killed process) or Full (also a power cut). See docs/operations.md.</summary>
    public string SqliteSynchronous { get; init; } = "Normal";

    /// <summary>SQLite's mmap_size (OpenHubee:Database:SqliteMmapMiB, 256 by default; 0 = off).</summary>
    public long SqliteMemoryMapBytes { get; init; }
    public string MailDirectory => Path.Combine(DataDirectory, "mail");
    public string BlobDirectory => Path.Combine(DataDirectory, "blobs");
    public bool IsSqlite => DatabaseProvider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase);

    public static HubOptions From(IConfiguration configuration, IHostEnvironment environment)
    {
        // A relative folder is taken from the project (content root), whatever the current directory.
        var dataDirectory = Path.GetFullPath(configuration["OpenHubee:DataDirectory"] ?? "./data", environment.ContentRootPath);
        Directory.CreateDirectory(dataDirectory);
        var provider = configuration["OpenHubee:Database:Provider"] ?? "Sqlite";
        var connection = configuration.GetConnectionString("OpenHubee");
        if (string.IsNullOrWhiteSpace(connection))
        {
            connection = provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase)
                ? $"Data Source={Path.Combine(dataDirectory, "openhubee.db")};Default Timeout=30"
                : throw new InvalidOperationException("ConnectionStrings:OpenHubee is required for the Postgres provider.");
        }

        return new HubOptions
        {
            DataDirectory = dataDirectory,
            DatabaseProvider = provider,
            ConnectionString = connection,
            DemoData = configuration.GetValue("OpenHubee:DemoData", !environment.IsProduction()),
            SqliteSynchronous = configuration["OpenHubee:Database:SqliteSynchronous"] ?? "Normal",
            SqliteMemoryMapBytes = configuration.GetValue("OpenHubee:Database:SqliteMmapMiB", 256L) * 1024 * 1024,
        };
    }
}

public static class HubHosting
{
    public static HubOptions AddHubHosting(this WebApplicationBuilder builder)
    {
        var options = HubOptions.From(builder.Configuration, builder.Environment);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddHttpContextAccessor();

        // Each provider has its own migrations assembly (src/OpenHubee.Migrations.*), configured the same way by the EF tools.
        services.AddSingleton<ServerTimingDbInterceptor>();
        // Pooled: a context is reset and reused rather than built for each request (a tenth of the CPU of a small API
        // call in the P3 benchmark went into initialising a fresh context).
        services.AddDbContextPool<HubDbContext>((provider, db) =>
        {
            db.AddInterceptors(provider.GetRequiredService<ServerTimingDbInterceptor>());
            if (options.IsSqlite)
            {
                db.UseHubSqlite(options.ConnectionString, options.SqliteSynchronous, options.SqliteMemoryMapBytes);
            }
            else if (options.DatabaseProvider.Equals("Postgres", StringComparison.OrdinalIgnoreCase))
            {
                db.UseHubPostgres(options.ConnectionString);
            }
            else
            {
                throw new InvalidOperationException($"Unknown OpenHubee:Database:Provider '{options.DatabaseProvider}' (Sqlite or Postgres).");
            }
        });

        // Keys shared by every node, so that cookies and protected secrets survive restarts and load balancing.
        services.AddDataProtection().SetApplicationName("OpenHubee").PersistKeysToDbContext<HubDbContext>();

        // Attachments: the data folder, or an S3-compatible bucket shared by every node. Nothing else depends on which.
        var storage = StorageOptions.From(builder.Configuration);
        if (storage.IsS3)
        {
            services.AddSingleton<IBlobStore>(sp => new S3BlobStore(storage, sp.GetRequiredService<ILogger<S3BlobStore>>()));
        }
        else
        {
            services.AddSingleton<IBlobStore>(new LocalBlobStore(options.BlobDirectory));
        }

        services.AddScoped<AuditLog>();
        services.AddScoped<ApiClientService>();
        services.AddScoped<Notifier>();
        services.AddScoped<HubExchange>();
        return options;
    }

    /// <summary>Creates or upgrades the schema (the provider's migrations), then seeds the bootstrap client and, outside production, the demo data.</summary>
    public static async Task InitializeDatabaseAsync(this WebApplication app)
    {
        using var scope = app.Services.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var options = scope.ServiceProvider.GetRequiredService<HubOptions>();
        if (options.IsSqlite)
        {
            // WAL lets readers and the single writer work side by side.
            await db.Database.OpenConnectionAsync();
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
            await db.Database.CloseConnectionAsync();
        }

        await db.Database.MigrateAsync();
        await Bootstrap.SeedAsync(scope.ServiceProvider, app.Configuration);
        if (options.DemoData)
        {
            await DemoData.SeedAsync(scope.ServiceProvider, app.Logger);
        }
    }
}
