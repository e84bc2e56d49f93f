using System.Globalization;

namespace OpenHubee.Jobs;

/// <summary>Settings of the background jobs (section OpenHubee:Jobs). Times are Europe/Paris.</summary>
public sealed class JobOptions
{
    /// <summary>False leaves the Quartz scheduler out (tests call JobRunner directly).</summary>
    public bool Enabled { get; init; } = true;
    public IReadOnlyList<TimeOnly> DailyDigestTimes { get; init; } = [new(8, 0)];
    public IReadOnlyList<TimeOnly> TwiceDailyDigestTimes { get; init; } = [new(8, 0), new(14, 0)];
    /// <summary>portal.md §B: days after notification before a télédossier not SENT triggers the alert.</summary>
    public int UncollectedAlertDays { get; init; } = 3;
    public int FirstInactivityReminderDays { get; init; } = 60;
    public int SecondInactivityReminderDays { get; init; } = 90;
    public int DeactivationDays { get; init; } = 120;
    public int PasswordLifetimeMonths { get; init; } = 6;
    /// <summary>Tokens and authorizations expired for longer than this are pruned.</summary>
    public TimeSpan StagingMaxAge { get; init; } = TimeSpan.FromDays(1);
    /// <summary>How long a node owns a mail it is sending before another may retry it.</summary>
    public TimeSpan MailLease { get; init; } = TimeSpan.FromMinutes(5);
    /// <summary>First retry delay after an SMTP failure; doubles at each failure, capped by MailRetryMax.</summary>
    public TimeSpan MailRetryBase { get; init; } = TimeSpan.FromMinutes(1);
    public TimeSpan MailRetryMax { get; init; } = TimeSpan.FromHours(1);
    public TimeSpan MailDispatchInterval { get; init; } = TimeSpan.FromSeconds(30);
    public TimeSpan ScheduledWorkInterval { get; init; } = TimeSpan.FromMinutes(5);
    public TimeSpan HousekeepingInterval { get; init; } = TimeSpan.FromHours(1);

    public static JobOptions From(IConfiguration configuration)
    {
        var s = configuration.GetSection("OpenHubee:Jobs");
        var defaults = new JobOptions();
        return new JobOptions
        {
            Enabled = s.GetValue("Enabled", true),
            DailyDigestTimes = Times(s["DailyDigestTimes"]) ?? defaults.DailyDigestTimes,
            TwiceDailyDigestTimes = Times(s["TwiceDailyDigestTimes"]) ?? defaults.TwiceDailyDigestTimes,
            UncollectedAlertDays = s.GetValue("UncollectedAlertDays", defaults.UncollectedAlertDays),
            FirstInactivityReminderDays = s.GetValue("FirstInactivityReminderDays", defaults.FirstInactivityReminderDays),
            SecondInactivityReminderDays = s.GetValue("SecondInactivityReminderDays", defaults.SecondInactivityReminderDays),
            DeactivationDays = s.GetValue("DeactivationDays", defaults.DeactivationDays),
            PasswordLifetimeMonths = s.GetValue("PasswordLifetimeMonths", defaults.PasswordLifetimeMonths),
            MailRetryBase = s.GetValue("MailRetryBase", defaults.MailRetryBase),
            MailRetryMax = s.GetValue("MailRetryMax", defaults.MailRetryMax),
            MailDispatchInterval = s.GetValue("MailDispatchInterval", defaults.MailDispatchInterval),
            ScheduledWorkInterval = s.GetValue("ScheduledWorkInterval", defaults.ScheduledWorkInterval),
            HousekeepingInterval = s.GetValue("HousekeepingInterval", defaults.HousekeepingInterval),
            StagingMaxAge = s.GetValue("StagingMaxAge", defaults.StagingMaxAge),
        };
    }

    /// <summary>"08:00,14:00" → [08:00, 14:00], sorted.</summary>
    private static List<TimeOnly>? Times(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null
            : value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(t => TimeOnly.ParseExact(t, "HH:mm", CultureInfo.InvariantCulture)).Order().ToList();
}
