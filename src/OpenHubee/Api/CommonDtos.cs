using System.Text.Json.Serialization;
using Microsoft.Extensions.Primitives;
using OpenHubee.Data;

namespace OpenHubee.Api;

public sealed record OrganizationIdentifierDto(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("companyRegister")] string CompanyRegister,
    [property: JsonPropertyName("branchCode")] string BranchCode)
{
    public static OrganizationIdentifierDto From(Organization o) => new(o.Type, o.CompanyRegister, o.BranchCode);

    public override string ToString() => $"{Type}-{CompanyRegister}-{BranchCode}";
}

/// <summary>The calling software, from the optional editorName/applicationName/softwareVersion headers (api.md §1.5).</summary>
public sealed record PartnerInfoDto(
    [property: JsonPropertyName("editorName")] string? EditorName,
    [property: JsonPropertyName("applicationName")] string? ApplicationName,
    [property: JsonPropertyName("softwareVersion")] string? SoftwareVersion)
{
    public static PartnerInfoDto? FromHeaders(IHeaderDictionary headers)
    {
        static string? Read(StringValues v) => StringValues.IsNullOrEmpty(v) ? null : Truncate(v.ToString(), 50);
        var info = new PartnerInfoDto(Read(headers["editorName"]), Read(headers["applicationName"]), Read(headers["softwareVersion"]));
        return info is { EditorName: null, ApplicationName: null, SoftwareVersion: null } ? null : info;
    }

    public static PartnerInfoDto? From(string? editorName, string? applicationName, string? softwareVersion) =>
        editorName is null && applicationName is null && softwareVersion is null ? null : new(editorName, applicationName, softwareVersion);

    private static string Truncate(string value, int max) => value.Length <= max ? value : value[..max];
}
