using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace OpenHubee.Data;

public sealed class HubDbContext(DbContextOptions<HubDbContext> options)
    : IdentityDbContext<PortalUser, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    public DbSet<Organization> Organizations => Set<Organization>();
    public DbSet<Process> Processes => Set<Process>();
    public DbSet<Subscription> Subscriptions => Set<Subscription>();
    public DbSet<ApiClient> ApiClients => Set<ApiClient>();
    public DbSet<Folder> Folders => Set<Folder>();
    public DbSet<Case> Cases => Set<Case>();
    public DbSet<Attachment> Attachments => Set<Attachment>();
    public DbSet<CaseAttachment> CaseAttachments => Set<CaseAttachment>();
    public DbSet<Event> Events => Set<Event>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<ServerKey> ServerKeys => Set<ServerKey>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<MailOutboxEntry> MailOutbox => Set<MailOutboxEntry>();
    public DbSet<JobClaim> JobClaims => Set<JobClaim>();
    public DbSet<DigestRun> DigestRuns => Set<DigestRun>();

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        // SQLite cannot compare or order DateTimeOffset values; every timestamp is UTC,
        // so the binary form (ticks) orders correctly. PostgreSQL keeps timestamptz.
        if (Database.IsSqlite())
        {
            configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
        }
    }

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.UseOpenIddict();

        builder.Entity<Organization>(e =>
        {
            e.HasIndex(o => new { o.Type, o.CompanyRegister, o.BranchCode }).IsUnique();
            e.Property(o => o.Type).HasMaxLength(20);
            e.Property(o => o.CompanyRegister).HasMaxLength(14);
            e.Property(o => o.BranchCode).HasMaxLength(10);
            e.Property(o => o.Name).HasMaxLength(100);
            e.Ignore(o => o.Identifier);
        });

        builder.Entity<Process>(e =>
        {
            e.HasKey(p => p.Code);
            e.Property(p => p.Code).HasMaxLength(30);
            e.HasOne(p => p.Osl).WithMany().HasForeignKey(p => p.OslOrganizationId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<Subscription>(e =>
        {
            e.HasIndex(s => new { s.SubscriberOrganizationId, s.ProcessCode });
            e.HasIndex(s => s.ProcessCode);
            e.HasOne(s => s.Process).WithMany().HasForeignKey(s => s.ProcessCode).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(s => s.Subscriber).WithMany().HasForeignKey(s => s.SubscriberOrganizationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(s => s.Editor).WithMany().HasForeignKey(s => s.EditorOrganizationId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<ApiClient>(e =>
        {
            e.HasKey(c => c.ClientId);
            e.HasIndex(c => c.SubscriptionId);
            e.HasOne(c => c.Organization).WithMany().HasForeignKey(c => c.OrganizationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(c => c.Subscription).WithMany().HasForeignKey(c => c.SubscriptionId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<Folder>(e =>
        {
            e.HasIndex(f => new { f.ProcessCode, f.GlobalStatus });
            e.HasOne(f => f.Transmitter).WithMany().HasForeignKey(f => f.TransmitterOrganizationId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(f => f.Cases).WithOne(c => c.Folder).HasForeignKey(c => c.FolderId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(f => f.Attachments).WithOne().HasForeignKey(a => a.FolderId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Case>(e =>
        {
            e.HasIndex(c => new { c.RecipientOrganizationId, c.ProcessCode, c.Status });
            e.HasIndex(c => c.ExternalId);
            // The portal list (P5, PortalDesk.Visible + Teledossiers/Index): every filter of the list is on
            // (recipient, PORTAIL) first, then on the columns below, so that counting, searching and skipping to a
            // page read only these narrow indexes and never the table, nor the folders.
            // - the count of a tab or a démarche: seeks on (process, status), the transmission date for the period;
            e.HasIndex(c => new { c.RecipientOrganizationId, c.AccessMode, c.ProcessCode, c.Status, c.TransmissionDateTime })
                .HasDatabaseName("IX_Cases_PortalList_Count");
            // - a page in transmission order (the default sort), and the search by number or name (LIKE '%…%', which
            //   no index can seek): the whole row of the list but the update date, so that OFFSET and the search's
            //   count walk the index alone;
            e.HasIndex(c => new
            {
                c.RecipientOrganizationId, c.AccessMode, c.TransmissionDateTime, c.Id, c.ProcessCode, c.Status, c.ExternalId,
                c.ApplicantLastName, c.ApplicantFirstName,
            }).HasDatabaseName("IX_Cases_PortalList_Transmission");
            // - a page in update order (the other sort).
            e.HasIndex(c => new { c.RecipientOrganizationId, c.AccessMode, c.UpdateDateTime, c.Id, c.ProcessCode, c.Status })
                .HasDatabaseName("IX_Cases_PortalList_Update");
            e.HasOne(c => c.Recipient).WithMany().HasForeignKey(c => c.RecipientOrganizationId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(c => c.Events).WithOne(ev => ev.Case).HasForeignKey(ev => ev.CaseId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<CaseAttachment>(e =>
        {
            e.HasKey(l => new { l.CaseId, l.AttachmentId });
            e.HasIndex(l => l.AttachmentId);
            e.HasOne(l => l.Case).WithMany(c => c.Attachments).HasForeignKey(l => l.CaseId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(l => l.Attachment).WithMany().HasForeignKey(l => l.AttachmentId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Event>(e =>
        {
            e.HasOne(ev => ev.Transmitter).WithMany().HasForeignKey(ev => ev.TransmitterOrganizationId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(ev => ev.Attachments).WithOne().HasForeignKey(a => a.EventId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<Notification>(e =>
        {
            // The SI poll filters on (recipient, process); cost must not grow with other recipients' backlog (P4).
            e.HasIndex(n => new { n.RecipientOrganizationId, n.ProcessCode, n.DateTime });
            e.HasIndex(n => n.CaseId);
            e.HasIndex(n => n.MailState);
            e.HasOne(n => n.Recipient).WithMany().HasForeignKey(n => n.RecipientOrganizationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne(n => n.Transmitter).WithMany().HasForeignKey(n => n.TransmitterOrganizationId).OnDelete(DeleteBehavior.Restrict);
        });

        builder.Entity<MailOutboxEntry>(e =>
        {
            e.HasIndex(m => new { m.State, m.NextAttemptDateTime });
            e.Property(m => m.Kind).HasMaxLength(20);
            e.Property(m => m.State).HasMaxLength(10);
            e.Property(m => m.To).HasMaxLength(320);
            e.Property(m => m.LeaseOwner).HasMaxLength(100);
        });
        builder.Entity<JobClaim>(e =>
        {
            e.HasKey(c => c.Key);
            e.Property(c => c.Key).HasMaxLength(200);
            e.Property(c => c.Node).HasMaxLength(100);
        });
        builder.Entity<DigestRun>(e => e.HasIndex(r => new { r.SubscriptionId, r.SlotDateTime }).IsUnique());

        builder.Entity<AuditEntry>(e => e.HasIndex(a => new { a.OrganizationId, a.DateTime }));
        builder.Entity<ServerKey>(e => e.HasKey(k => k.Name));
        builder.Entity<PortalUser>(e => e.HasOne(u => u.Organization).WithMany().HasForeignKey(u => u.OrganizationId).OnDelete(DeleteBehavior.Restrict));
    }
}
