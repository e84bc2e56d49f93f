using Quartz;

namespace OpenHubee.Jobs;

/// <summary>
/// Quartz runs an in-memory scheduler on every node; that is safe because each unit of work is claimed in
/// the database (JobRunner). The jobs are frequent and idempotent: a digest slot, an alert or a reminder is
/// done by the first run after it falls due, whichever node runs it.
/// </summary>
public static class JobsRegistration
{
    public static void AddJobs(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        var options = JobOptions.From(builder.Configuration);
        services.AddSingleton(options);
        services.AddScoped<MailDispatcher>();
        services.AddSingleton<JobRunner>();
        if (!options.Enabled)
        {
            return;
        }

        services.AddQuartz(q =>
        {
            Schedule<MailDispatchJob>(q, "mail-dispatch", options.MailDispatchInterval);
            Schedule<ScheduledWorkJob>(q, "scheduled-work", options.ScheduledWorkInterval);
            Schedule<HousekeepingJob>(q, "housekeeping", options.HousekeepingInterval);
        });
        builder.AddQuartzHostedService(o => o.WaitForJobsToComplete = true);
    }

    private static void Schedule<TJob>(IQuartzBuilder q, string name, TimeSpan interval)
        where TJob : IJob =>
        q.ScheduleJob<TJob>(
            // First run shortly after start (not at once: let the node finish starting).
            t => t.WithIdentity(name + "-trigger").StartAt(DateTimeOffset.UtcNow.Add(interval < TimeSpan.FromSeconds(10) ? interval : TimeSpan.FromSeconds(10)))
                .WithSimpleSchedule(s => s.WithInterval(interval).RepeatForever()),
            j => j.WithIdentity(name));
}

/// <summary>Sends the mail outbox.</summary>
[DisallowConcurrentExecution]
public sealed class MailDispatchJob(JobRunner runner) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default) =>
        await runner.DispatchMailsAsync(cancellationToken);
}

/// <summary>Digests, uncollected-files alerts and inactivity reminders: due at given times of the day.</summary>
[DisallowConcurrentExecution]
public sealed class ScheduledWorkJob(JobRunner runner) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        await runner.DigestsAsync(cancellationToken);
        await runner.UncollectedAlertsAsync(cancellationToken);
        await runner.AccountsAsync(cancellationToken);
    }
}

/// <summary>Retention (purge, archiving, deletion), staging cleanup and the orphan blob sweep.</summary>
[DisallowConcurrentExecution]
public sealed class HousekeepingJob(JobRunner runner) : IJob
{
    public async ValueTask Execute(IJobExecutionContext context, CancellationToken cancellationToken = default)
    {
        await runner.RetentionAsync(cancellationToken);
        await runner.CleanStagingAsync(cancellationToken);
        await runner.SweepOrphanBlobsAsync(cancellationToken);
    }
}
