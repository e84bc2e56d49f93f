using System.Text.Json.Serialization;

namespace OpenHubee.Api;

/// <summary>The error body of every HubEE contract: <c>{"errors":[{"code":n,"message":"…"}]}</c>.</summary>
public sealed record ApiErrorBody([property: JsonPropertyName("errors")] IReadOnlyList<ApiErrorItem> Errors);

public sealed record ApiErrorItem([property: JsonPropertyName("code")] int Code, [property: JsonPropertyName("message")] string Message);

/// <summary>Thrown by handlers and domain rules; turned into the contract's error body by <see cref="ApiErrorMiddleware"/>.</summary>
public sealed class ApiException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}

/// <summary>
/// The exact wire messages of api.md §5. Clients match on them, so their spelling
/// (including "suscribed", lower-case "event is not found", "Bad Request") is kept per endpoint.
/// </summary>
public static class ApiMessages
{
    public const string BadRequest = "Bad request";
    public const string BadRequestCapital = "Bad Request";
    public const string UnauthorizedUser = "Unauthorized user";
    public const string MethodNotAllowed = "Method not allowed";
    public const string InvalidCredentials = "Invalid Credentials : Invalid Credentials. Make sure you have given the correct access token";
    public const string NotificationNotFound = "Notification is not found";
    public const string FolderNotFound = "Folder is not found";
    public const string CaseNotFound = "Case is not found";
    public const string EventNotFoundLower = "event is not found";
    public const string EventNotFound = "Event is not found";
    public const string BinaryMetadataNotFound = "Binary meta-data is not found";

    // The purge endpoints' gateway texts name paths that are not theirs; reproduced as the contract shows them.
    public const string PurgeListInvalid = "Bad Request : Validation failed.\n[ERROR][REQUEST][GET /teledossiers/v1/casesIdForPurge]";
    public const string PurgeConfirmInvalid = "Bad Request : Validation failed.\n[ERROR][REQUEST][GET /teledossiers/v1/caseAttachmentsPortalPurge]";

    public const string FileNotFound = "File is not found";
    public const string FileNotFoundLower = "file is not found";
    public const string OrganizationNotFound = "Organization is not found";
    public const string SizeMismatch = "Size does not match with attachment meta-data";
    public const string DigestMismatch = "Digest does not match with attachment content";
    public const string InternalServer = "Internal server";

    // Referential APIs (api.md §5.3).
    public const string SubscriptionNotFound = "Subscription is not found";
    public const string ProcessNotFound = "Process is not found";
    public const string OrganizationBadRequest = "bad request";
    public const string ProcessListBadRequest = "#/processType: Integer is not a valid value";
    public const string ProcessCodeBadRequest = "#/processId: String is not a valid Integer value";

    /// <summary>Not in the contract: the original hub's answer, which DataPass recognises by "already exists".</summary>
    public static string OrganizationAlreadyExists(string identifier) => $"Organization {identifier} already exists";

    public static string RecipientDoesNotExist(string organizationIdentifier) => $"Case recipient {organizationIdentifier} does not exist";

    public static string RecipientNotSubscribed(string organizationIdentifier, string processCode) =>
        $"Case recipient {organizationIdentifier} does not suscribed to {processCode}";

    /// <summary>The gateway's schema-validation message (WSO2 style) that clients have seen for years.</summary>
    public static string Validation(string method, string path, string location, string detail) =>
        $"Bad Request : Validation failed.\n[ERROR][REQUEST][{method} {path} @{location}] {detail}";

    public static string InvalidUuid(string method, string path, string parameter, string value) =>
        Validation(method, path, "path." + parameter, $"Input string \"{value}\" is not a valid UUID");
}

public static class ApiResults
{
    public static IResult Error(int status, string message) =>
        Results.Json(new ApiErrorBody([new ApiErrorItem(status, message)]), statusCode: status);
}
