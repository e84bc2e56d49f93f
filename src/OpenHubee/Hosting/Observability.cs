using System.Diagnostics.Metrics;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using OpenHubee.Data;
using OpenHubee.Features.Exchange;
using OpenHubee.Storage;
using OpenTelemetry.Metrics;

namespace OpenHubee.Hosting;

/// <summary>Health probes, Prometheus metrics and structured JSON logs, for operating several nodes.</summary>
public static class Observability
{
    public const string MeterName = "OpenHubee";

    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        // JSON logs with scopes (request id, trace id) by default in Production; never request bodies, so never secrets.
        if (builder.Configuration.GetValue("OpenHubee:Logging:Json", builder.Environment.IsProduction()))
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "yyyy-MM-dd'T'HH:mm:ss.fff'Z' ";
            });
        }

        builder.Services.AddSingleton<HubMetrics>();
        builder.Services.AddHealthChecks()
            .AddDbContextCheck<HubDbContext>("database", tags: ["ready"])
            .AddCheck<BlobStoreHealthCheck>("storage", tags: ["ready"]);
        builder.Services.AddOpenTelemetry().WithMetrics(m => m
            .AddAspNetCoreInstrumentation()
            .AddMeter(MeterName)
            .AddPrometheusExporter());
        return builder;
    }

    /// <summary>The <c>Server-Timing</c> header (see <see cref="ServerTimingMiddleware"/>): first in the pipeline, so that it times everything.</summary>
    public static WebApplication UseServerTiming(this WebApplication app)
    {
        if (app.Configuration.GetValue("OpenHubee:ServerTiming", true))
        {
            app.UseMiddleware<ServerTimingMiddleware>();
        }

        return app;
    }

    public static WebApplication MapObservability(this WebApplication app)
    {
        app.MapHealthChecks("/health/live", new() { Predicate = _ => false }).ExcludeFromDescription();
        app.MapHealthChecks("/health/ready", new() { Predicate = c => c.Tags.Contains("ready") }).ExcludeFromDescription();
        app.MapPrometheusScrapingEndpoint("/metrics").ExcludeFromDescription();
        app.Services.GetRequiredService<HubMetrics>();
        return app;
    }

    private sealed class BlobStoreHealthCheck(IBlobStore blobs) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            await blobs.IsReachableAsync(cancellationToken) ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("Blob store unreachable");
    }
}

/// <summary>The hub's own metrics: uploads in progress, notifications pending per process, mails queued.</summary>
public sealed class HubMetrics
{
    private readonly UpDownCounter<long> uploadsInProgress;

    public HubMetrics(IMeterFactory meters, IServiceScopeFactory scopes)
    {
        var meter = meters.Create(Observability.MeterName);
        uploadsInProgress = meter.CreateUpDownCounter<long>("openhubee_uploads_in_progress", description: "Attachment uploads being received");
        meter.CreateObservableGauge("openhubee_notifications_pending", () => Pending(scopes), description: "Notifications not yet deleted by their recipient, per process");
        meter.CreateObservableGauge("openhubee_mails_queued", () => MailsQueued(scopes), description: "E-mails waiting to be sent");
    }

    public IDisposable TrackUpload()
    {
        uploadsInProgress.Add(1);
        return new Release(() => uploadsInProgress.Add(-1));
    }

    private static List<Measurement<long>> Pending(IServiceScopeFactory scopes)
    {
        using var scope = scopes.CreateScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        return db.Notifications.GroupBy(n => n.ProcessCode).Select(g => new { g.Key, Count = g.LongCount() }).ToList()
            .Select(g => new Measurement<long>(g.Count, new KeyValuePair<string, object?>("process", g.Key))).ToList();
    }

    private static long MailsQueued(IServiceScopeFactory scopes)
    {
        using var scope = scopes.CreateScope();
        return scope.ServiceProvider.GetRequiredService<HubDbContext>().MailOutbox.LongCount(m => m.State == MailOutboxState.Pending);
    }

    private sealed class Release(Action release) : IDisposable
    {
        public void Dispose() => release();
    }
}
