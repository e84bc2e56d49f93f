namespace OpenHubee.Data;

// The persisted model of the hub. Names follow HubEE's object model (api.md §2);
// the wire DTOs live next to each feature's endpoints and are mapped by hand.

public sealed class Organization
{
    public Guid Id { get; set; }
    public required string Type { get; set; }              // OSL, SI, ADMIN, EDITOR
    public required string CompanyRegister { get; set; }   // SIRET, 14 digits
    public required string BranchCode { get; set; }        // code guichet (INSEE code for communes)
    public required string Name { get; set; }
    public string? Code { get; set; }
    public string? Country { get; set; }
    public string PostalCode { get; set; } = "";
    public string Territory { get; set; } = "";
    public string? Email { get; set; }
    public string? PhoneNumber { get; set; }
    public string Status { get; set; } = "Actif";
    public DateTimeOffset CreateDateTime { get; set; }
    public DateTimeOffset? UpdateDateTime { get; set; }

    /// <summary>The textual identifier used in messages and URLs: TYPE-SIRET-BRANCHCODE.</summary>
    public string Identifier => $"{Type}-{CompanyRegister}-{BranchCode}";
}

public sealed class Process
{
    public required string Code { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public bool IsActivated { get; set; } = true;
    public Guid OslOrganizationId { get; set; }
    public Organization? Osl { get; set; }
    public List<string> AttachmentFormatsEnabled { get; set; } = [];
    public List<string> SiAttachmentFormatsEnabled { get; set; } = [];
    public List<string> AttachmentTypesEnabled { get; set; } = [];
    public long AttachmentMaxSizeEnabled { get; set; }
    public string StatusBeforeFileDeletion { get; set; } = CaseStatus.Closed;
    public int TimeBeforeFileDeletion { get; set; }
    public int TimeBeforeArchiving { get; set; }
    public int TimeBeforeFolderDeletion { get; set; }
    public bool MessageToTransmitter { get; set; }
    public string SubscriptionValidation { get; set; } = "Auto";
    public bool MessageWithStatus { get; set; }
    public bool AuthorizedAwaiting { get; set; }
    public string? LegalJustification { get; set; }
    public DateTimeOffset CreationDateTime { get; set; }
    public DateTimeOffset? UpdateDateTime { get; set; }
}

public sealed class Subscription
{
    public Guid Id { get; set; }
    public long DatapassId { get; set; }
    public required string ProcessCode { get; set; }
    public Process? Process { get; set; }
    public Guid SubscriberOrganizationId { get; set; }
    public Organization? Subscriber { get; set; }
    /// <summary>PORTAIL or API; null until the local administrator chooses.</summary>
    public string? AccessMode { get; set; }
    public string NotificationFrequency { get; set; } = Data.NotificationFrequency.Unitaire;
    public string? Email { get; set; }
    /// <summary>
    /// The status decided by people (Inactif, Refusé, Suspendu, Actif). What a reader sees is
    /// computed by Domain.SubscriptionLifecycle from this and the dates, so that an
    /// activation date takes effect at 00:00 Europe/Paris without waiting for a job.
    /// </summary>
    public string Status { get; set; } = SubscriptionStatus.Inactif;
    public DateTimeOffset? ActivateDateTime { get; set; }
    public DateTimeOffset? SuspendDateTime { get; set; }
    public DateTimeOffset? ValidateDateTime { get; set; }
    public DateTimeOffset? RejectDateTime { get; set; }
    public DateTimeOffset? EndDateTime { get; set; }
    public DateTimeOffset CreateDateTime { get; set; }
    public DateTimeOffset? UpdateDateTime { get; set; }
    public string? RejectionReason { get; set; }
    public required string LocalAdministratorEmail { get; set; }
    public string? DelegationActorEmail { get; set; }
    public Guid? EditorOrganizationId { get; set; }
    public Organization? Editor { get; set; }
}

/// <summary>A client of the OAuth2 token endpoint, with the identity it gives its tokens.</summary>
public sealed class ApiClient
{
    public required string ClientId { get; set; }
    /// <summary>OSL, SI, ADMIN or DATAPASS: the only scope this client may request.</summary>
    public required string Scope { get; set; }
    public Guid OrganizationId { get; set; }
    public Organization? Organization { get; set; }
    /// <summary>Set for SI clients: SI credentials belong to one subscription, hence one process.</summary>
    public Guid? SubscriptionId { get; set; }
    public Subscription? Subscription { get; set; }
    /// <summary>The secret encrypted with Data Protection, so that authorised people can copy it.</summary>
    public string? ProtectedSecret { get; set; }
    public DateTimeOffset CreateDateTime { get; set; }
    public DateTimeOffset? SecretRegeneratedDateTime { get; set; }
}

public sealed class Folder
{
    public Guid Id { get; set; }
    public required string ProcessCode { get; set; }
    public Guid TransmitterOrganizationId { get; set; }
    public Organization? Transmitter { get; set; }
    public required string ExternalId { get; set; }
    public string GlobalStatus { get; set; } = CaseStatus.HubeeReceived;
    public required string ApplicantFirstName { get; set; }
    public required string ApplicantLastName { get; set; }
    public string? ApplicantEmail { get; set; }
    public DateTimeOffset CreateDateTime { get; set; }
    public DateTimeOffset? UpdateDateTime { get; set; }
    public DateTimeOffset? CloseDateTime { get; set; }
    public string? EditorName { get; set; }
    public string? ApplicationName { get; set; }
    public string? SoftwareVersion { get; set; }
    public List<Case> Cases { get; set; } = [];
    public List<Attachment> Attachments { get; set; } = [];
}

public sealed class Case
{
    public Guid Id { get; set; }
    public Guid FolderId { get; set; }
    public Folder? Folder { get; set; }
    /// <summary>Position in the creation request, so that responses keep the request order.</summary>
    public int Position { get; set; }
    public required string ProcessCode { get; set; }
    public Guid RecipientOrganizationId { get; set; }
    public Organization? Recipient { get; set; }
    public required string ExternalId { get; set; }
    /// <summary>
    /// Copies of the folder's applicant names (set at creation, never changed), so that the portal list can search
    /// and show them from the case's own index without joining every case to its folder (quality target P5).
    /// </summary>
    public required string ApplicantFirstName { get; set; }
    public required string ApplicantLastName { get; set; }
    public string Status { get; set; } = CaseStatus.HubeeReceived;
    public string? PartnerAttributes { get; set; }
    /// <summary>PORTAIL or API: the recipient's access mode when the case was notified (channel binding).</summary>
    public string? AccessMode { get; set; }
    public DateTimeOffset CreateDateTime { get; set; }
    public DateTimeOffset? UpdateDateTime { get; set; }
    public DateTimeOffset? TransmissionDateTime { get; set; }
    public DateTimeOffset? CloseDateTime { get; set; }
    /// <summary>When the case entered its current status; starts the retention timers.</summary>
    public DateTimeOffset? StatusDateTime { get; set; }
    public List<CaseAttachment> Attachments { get; set; } = [];
    public List<Event> Events { get; set; } = [];
}

public sealed class Attachment
{
    public Guid Id { get; set; }
    public Guid? FolderId { get; set; }
    public Guid? EventId { get; set; }
    public int Position { get; set; }
    public required string FileName { get; set; }
    public required string Type { get; set; }
    public long Size { get; set; }
    public required string MimeType { get; set; }
    public string Status { get; set; } = AttachmentStatus.Pending;
    /// <summary>SHA-256 of the stored bytes, base64, as sent in the <c>digest</c> header.</summary>
    public string? Digest { get; set; }
    /// <summary>Key in the blob store: a generated id, never the user's file name.</summary>
    public string? BlobKey { get; set; }
    public DateTimeOffset CreateDateTime { get; set; }
    public DateTimeOffset? ReceivedDateTime { get; set; }
}

/// <summary>Link between a folder attachment and each case it is addressed to (the SFD's case_attachment).</summary>
public sealed class CaseAttachment
{
    public Guid CaseId { get; set; }
    public Case? Case { get; set; }
    public Guid AttachmentId { get; set; }
    public Attachment? Attachment { get; set; }
    /// <summary>TO_DOWNLOAD, TO_DELETE or DELETED (binary purge, api.md §3.6).</summary>
    public string PurgeState { get; set; } = "TO_DOWNLOAD";
    public DateTimeOffset? PurgeAfter { get; set; }
    public bool PortalPurged { get; set; }
}

public sealed class Event
{
    public Guid Id { get; set; }
    public Guid CaseId { get; set; }
    public Case? Case { get; set; }
    public Guid TransmitterOrganizationId { get; set; }
    public Organization? Transmitter { get; set; }
    /// <summary>OSL, SI or ADMIN: the side that created the event, to find the other party.</summary>
    public required string TransmitterScope { get; set; }
    public string? Message { get; set; }
    public string? Comment { get; set; }
    public required string ActionType { get; set; }
    public string? Author { get; set; }
    public bool Notification { get; set; }
    public string Status { get; set; } = EventStatus.Sent;
    public string? CaseCurrentStatus { get; set; }
    public string? CaseNewStatus { get; set; }
    public string? PartnerAttributes { get; set; }
    public string? EditorName { get; set; }
    public string? ApplicationName { get; set; }
    public string? SoftwareVersion { get; set; }
    public DateTimeOffset CreateDateTime { get; set; }
    public DateTimeOffset UpdateDateTime { get; set; }
    public List<Attachment> Attachments { get; set; } = [];
}

public sealed class Notification
{
    public Guid Id { get; set; }
    public Guid RecipientOrganizationId { get; set; }
    public Organization? Recipient { get; set; }
    public Guid TransmitterOrganizationId { get; set; }
    public Organization? Transmitter { get; set; }
    public required string ProcessCode { get; set; }
    public Guid? CaseId { get; set; }
    public Guid? EventId { get; set; }
    public DateTimeOffset DateTime { get; set; }
    /// <summary>Outbox state of the e-mail derived from this notification (null when none is due).</summary>
    public string? MailState { get; set; }
}

/// <summary>Security-relevant actions, readable by an organisation's local administrators.</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset DateTime { get; set; }
    public Guid? OrganizationId { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public string? Target { get; set; }
    public string? Details { get; set; }
    public string? RemoteAddress { get; set; }
}

/// <summary>Keys the token server signs and encrypts with, shared by every node.</summary>
public sealed class ServerKey
{
    public required string Name { get; set; }
    public required string Material { get; set; }
    public DateTimeOffset CreateDateTime { get; set; }
}

public static class CaseStatus
{
    public const string HubeeReceived = "HUBEE_RECEIVED";
    public const string HubeeCompleted = "HUBEE_COMPLETED";
    public const string HubeeNotified = "HUBEE_NOTIFIED";
    public const string Sent = "SENT";
    public const string SiReceived = "SI_RECEIVED";
    public const string SiIntgError = "SI_INTG_ERROR";
    public const string InProgress = "IN_PROGRESS";
    public const string AddAwaiting = "ADD_AWAITING";
    public const string Refused = "REFUSED";
    public const string Done = "DONE";
    public const string Closed = "CLOSED";
    public const string Archived = "ARCHIVED";
}

public static class AttachmentStatus
{
    public const string Pending = "PENDING";
    public const string Received = "RECEIVED";
    public const string Corrupted = "CORRUPTED";
    public const string Rejected = "REJECTED";
    public const string Deleted = "DELETED";
}

public static class EventStatus
{
    public const string InProgress = "IN_PROGRESS";
    public const string Sent = "SENT";
    public const string Received = "RECEIVED";
}

public static class ActionType
{
    public const string StatusUpdate = "STATUS_UPDATE";
    public const string AttachDeposit = "ATTACH_DEPOSIT";
    public const string AttachDl = "ATTACH_DL";
    public const string AttachDlAll = "ATTACH_DL_ALL";
    public const string ComAdd = "COM_ADD";
    public const string SendingMessage = "SENDING_MESSAGE";

    public static readonly IReadOnlySet<string> All = new HashSet<string>(StringComparer.Ordinal)
        { StatusUpdate, AttachDeposit, AttachDl, AttachDlAll, ComAdd, SendingMessage };
}

public static class SubscriptionStatus
{
    public const string Actif = "Actif";
    public const string Inactif = "Inactif";
    public const string Refuse = "Refusé";
    public const string Suspendu = "Suspendu";
}

public static class AccessMode
{
    public const string Portail = "PORTAIL";
    public const string Api = "API";
}

public static class NotificationFrequency
{
    public const string Unitaire = "Unitaire";
    public const string Quotidienne = "Quotidienne";
    public const string Biquotidienne = "Biquotidienne";
    public const string Aucune = "Aucune";

    private static readonly string[] Values = [Unitaire, Quotidienne, Biquotidienne, Aucune];

    /// <summary>Wire values are not normative (swagger example "unitaire"): compare case-insensitively, store canonically.</summary>
    public static string? Canonical(string? value) =>
        value is null ? null : Array.Find(Values, v => string.Equals(v, value.Trim(), StringComparison.OrdinalIgnoreCase));
}

public static class Scopes
{
    public const string Osl = "OSL";
    public const string Si = "SI";
    public const string Admin = "ADMIN";
    public const string Datapass = "DATAPASS";

    public static readonly IReadOnlyList<string> All = [Osl, Si, Admin, Datapass];

    public static string? Canonical(string? value) =>
        value is null ? null : All.FirstOrDefault(s => string.Equals(s, value.Trim(), StringComparison.OrdinalIgnoreCase));
}
