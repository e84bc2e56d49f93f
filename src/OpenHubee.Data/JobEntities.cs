namespace OpenHubee.Data;

// Tables of the background jobs (issue 6). Provider-neutral: plain columns, unique keys, no provider SQL.

/// <summary>
/// A mail waiting to be sent (outbox): written in the same SaveChanges as the change that causes it, then
/// claimed by one node at a time (lease), sent, and marked SENT; an SMTP failure pushes NextAttemptDateTime back.
/// Holds the whole rendered mail, so that deleting the notification that caused it loses nothing.
/// </summary>
public sealed class MailOutboxEntry
{
    public Guid Id { get; set; }
    /// <summary>UNITAIRE, DIGEST, UNCOLLECTED, INACTIVITY…: for logs and metrics.</summary>
    public required string Kind { get; set; }
    public required string To { get; set; }
    public string? ToName { get; set; }
    public required string Subject { get; set; }
    public required string TextBody { get; set; }
    /// <summary>PENDING or SENT.</summary>
    public string State { get; set; } = MailOutboxState.Pending;
    public int Attempts { get; set; }
    public DateTimeOffset NextAttemptDateTime { get; set; }
    /// <summary>While set in the future, one node owns the row (it is sending it).</summary>
    public DateTimeOffset? LeaseUntil { get; set; }
    public string? LeaseOwner { get; set; }
    public string? LastError { get; set; }
    /// <summary>The notification the mail was derived from, if any (may be deleted by the SI since).</summary>
    public Guid? NotificationId { get; set; }
    public DateTimeOffset CreateDateTime { get; set; }
    public DateTimeOffset? SentDateTime { get; set; }
}

public static class MailOutboxState
{
    public const string Pending = "PENDING";
    public const string Sent = "SENT";
}

/// <summary>A unit of scheduled work done once for the whole cluster: the first node to insert the key owns it.</summary>
public sealed class JobClaim
{
    public required string Key { get; set; }
    public DateTimeOffset ClaimDateTime { get; set; }
    public string? Node { get; set; }
}

/// <summary>One digest slot of a subscription (Quotidienne/Biquotidienne), unique per (subscription, slot).</summary>
public sealed class DigestRun
{
    public Guid Id { get; set; }
    public Guid SubscriptionId { get; set; }
    /// <summary>The scheduled instant (UTC) of the slot; the next digest counts from here.</summary>
    public DateTimeOffset SlotDateTime { get; set; }
    public int Count { get; set; }
    public DateTimeOffset CreateDateTime { get; set; }
}
