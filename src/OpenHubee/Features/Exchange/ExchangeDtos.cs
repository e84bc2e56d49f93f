using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using OpenHubee.Api;
using OpenHubee.Data;

namespace OpenHubee.Features.Exchange;

// Wire shapes of contracts/api_folder_v1.2.7.yaml. Requests have nullable members so that a missing
// required property is reported with the contract's message instead of a binding failure.

public sealed record ApplicantDto(
    [property: JsonPropertyName("firstName")] string? FirstName,
    [property: JsonPropertyName("lastName")] string? LastName,
    [property: JsonPropertyName("email")] string? Email);

public sealed record AttachmentDto(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("fileName")] string FileName,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("mimeType")] string MimeType)
{
    public static AttachmentDto From(Attachment a) => new(a.Id, a.Status, a.FileName, a.Type, a.Size, a.MimeType);
}

public sealed record FolderAttachmentDto(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("fileName")] string FileName,
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("size")] long Size,
    [property: JsonPropertyName("mimeType")] string MimeType,
    [property: JsonPropertyName("recipients")] IReadOnlyList<string> Recipients);

public sealed record FolderCaseDto(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("recipient")] OrganizationIdentifierDto Recipient,
    [property: JsonPropertyName("externalId")] string ExternalId,
    [property: JsonPropertyName("updateDateTime")] DateTimeOffset? UpdateDateTime,
    [property: JsonPropertyName("transmissionDateTime")] DateTimeOffset? TransmissionDateTime,
    [property: JsonPropertyName("partnerAttributes")] string? PartnerAttributes);

public sealed record FolderDto(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("globalStatus")] string GlobalStatus,
    [property: JsonPropertyName("processCode")] string ProcessCode,
    [property: JsonPropertyName("createDateTime")] DateTimeOffset CreateDateTime,
    [property: JsonPropertyName("closeDateTime")] DateTimeOffset? CloseDateTime,
    [property: JsonPropertyName("applicant")] ApplicantDto Applicant,
    [property: JsonPropertyName("externalId")] string ExternalId,
    [property: JsonPropertyName("updateDateTime")] DateTimeOffset? UpdateDateTime,
    [property: JsonPropertyName("partnerInfo")] PartnerInfoDto? PartnerInfo,
    [property: JsonPropertyName("cases")] IReadOnlyList<FolderCaseDto> Cases,
    [property: JsonPropertyName("attachments")] IReadOnlyList<FolderAttachmentDto> Attachments);

public sealed record EventDto(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("transmitter")] OrganizationIdentifierDto Transmitter,
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("comment")] string? Comment,
    [property: JsonPropertyName("actionType")] string ActionType,
    [property: JsonPropertyName("author")] string? Author,
    [property: JsonPropertyName("notification")] bool Notification,
    [property: JsonPropertyName("createDateTime")] DateTimeOffset CreateDateTime,
    [property: JsonPropertyName("updateDateTime")] DateTimeOffset UpdateDateTime,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("caseCurrentStatus")] string? CaseCurrentStatus,
    [property: JsonPropertyName("caseNewStatus")] string? CaseNewStatus,
    [property: JsonPropertyName("partnerAttributes")] string? PartnerAttributes,
    [property: JsonPropertyName("attachments")] IReadOnlyList<AttachmentDto> Attachments,
    [property: JsonPropertyName("partnerInfo")] PartnerInfoDto? PartnerInfo);

public sealed record CaseDto(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("status")] string Status,
    [property: JsonPropertyName("recipient")] OrganizationIdentifierDto Recipient,
    [property: JsonPropertyName("externalId")] string ExternalId,
    [property: JsonPropertyName("updateDateTime")] DateTimeOffset? UpdateDateTime,
    [property: JsonPropertyName("transmissionDateTime")] DateTimeOffset? TransmissionDateTime,
    [property: JsonPropertyName("processCode")] string ProcessCode,
    [property: JsonPropertyName("createDateTime")] DateTimeOffset CreateDateTime,
    [property: JsonPropertyName("closeDateTime")] DateTimeOffset? CloseDateTime,
    [property: JsonPropertyName("partnerAttributes")] string? PartnerAttributes,
    [property: JsonPropertyName("applicant")] ApplicantDto Applicant,
    [property: JsonPropertyName("attachments")] IReadOnlyList<AttachmentDto> Attachments,
    [property: JsonPropertyName("events")] IReadOnlyList<EventDto>? Events);

public sealed record NotificationDto(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("recipient")] OrganizationIdentifierDto Recipient,
    [property: JsonPropertyName("transmitter")] OrganizationIdentifierDto Transmitter,
    [property: JsonPropertyName("processCode")] string ProcessCode,
    [property: JsonPropertyName("caseId")] Guid? CaseId,
    [property: JsonPropertyName("eventId")] Guid? EventId,
    [property: JsonPropertyName("dateTime")] DateTimeOffset DateTime,
    [property: JsonPropertyName("eventActionType"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] string? EventActionType = null,
    [property: JsonPropertyName("eventStatus"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] string? EventStatus = null);

/// <summary>A notification with event details: both fields are always present, null for case notifications (decision 2).</summary>
public sealed record DetailedNotificationDto(
    [property: JsonPropertyName("id")] Guid Id,
    [property: JsonPropertyName("recipient")] OrganizationIdentifierDto Recipient,
    [property: JsonPropertyName("transmitter")] OrganizationIdentifierDto Transmitter,
    [property: JsonPropertyName("processCode")] string ProcessCode,
    [property: JsonPropertyName("caseId")] Guid? CaseId,
    [property: JsonPropertyName("eventId")] Guid? EventId,
    [property: JsonPropertyName("dateTime")] DateTimeOffset DateTime,
    [property: JsonPropertyName("eventActionType")] string? EventActionType,
    [property: JsonPropertyName("eventStatus")] string? EventStatus);

public sealed record IdsForPurgeDto(
    [property: JsonPropertyName("folder_attachment_id")] Guid? FolderAttachmentId,
    [property: JsonPropertyName("case_id")] Guid? CaseId);

// ---- requests ----

public sealed record NewAttachmentRequest(
    [property: JsonPropertyName("fileName")] string? FileName,
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("size")] long? Size,
    [property: JsonPropertyName("mimeType")] string? MimeType,
    [property: JsonPropertyName("recipients")] List<string>? Recipients);

public sealed record NewCaseRequest(
    [property: JsonPropertyName("recipient")] OrganizationIdentifierDto? Recipient,
    [property: JsonPropertyName("externalId")] string? ExternalId,
    [property: JsonPropertyName("partnerAttributes")] string? PartnerAttributes);

public sealed record NewFolderRequest(
    [property: JsonPropertyName("processCode")] string? ProcessCode,
    [property: JsonPropertyName("externalId")] string? ExternalId,
    [property: JsonPropertyName("applicant")] ApplicantDto? Applicant,
    [property: JsonPropertyName("closeDateTime")] DateTimeOffset? CloseDateTime,
    [property: JsonPropertyName("cases")] List<NewCaseRequest>? Cases,
    [property: JsonPropertyName("attachments")] List<NewAttachmentRequest>? Attachments);

public sealed record FolderUpdateRequest(
    [property: JsonPropertyName("globalStatus")] string? GlobalStatus,
    [property: JsonPropertyName("closeDateTime")] DateTimeOffset? CloseDateTime);

public sealed record StatusUpdateRequest([property: JsonPropertyName("status")] string? Status);

public sealed record NewEventRequest(
    [property: JsonPropertyName("message")] string? Message,
    [property: JsonPropertyName("comment")] string? Comment,
    [property: JsonPropertyName("actionType")] string? ActionType,
    [property: JsonPropertyName("author")] string? Author,
    [property: JsonPropertyName("notification")] bool? Notification,
    [property: JsonPropertyName("caseCurrentStatus")] string? CaseCurrentStatus,
    [property: JsonPropertyName("caseNewStatus")] string? CaseNewStatus,
    [property: JsonPropertyName("partnerAttributes")] string? PartnerAttributes,
    [property: JsonPropertyName("attachments")] List<NewAttachmentRequest>? Attachments);

public sealed record MigrateRequest(
    [property: JsonPropertyName("organizationSource")] OrganizationIdentifierDto? OrganizationSource,
    [property: JsonPropertyName("organizationTarget")] OrganizationIdentifierDto? OrganizationTarget);

/// <summary>Dates on the wire look like the original hub's: UTC, milliseconds, "Z".</summary>
public sealed class UtcDateTimeOffsetConverter : JsonConverter<DateTimeOffset>
{
    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString() ?? throw new JsonException("date expected"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
}
