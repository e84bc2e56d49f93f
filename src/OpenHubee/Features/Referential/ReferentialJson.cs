using System.Globalization;
using System.Net.Mail;
using System.Text.Json;
using System.Text.RegularExpressions;
using OpenHubee.Api;
using OpenHubee.Domain;

namespace OpenHubee.Features.Referential;

/// <summary>
/// Reads a referential request body field by field and collects every problem in the JSON-Schema style of
/// the original hub (api.md §5.3): <c>#/email: String is not a valid email value, #:processType required key not found</c>.
/// Typed deserialisation cannot do this: it stops at the first error and loses the paths.
/// </summary>
internal sealed partial class JsonBody
{
    public const string ContactEmailPattern = "^[a-zA-Z0-9._-]+@[a-zA-Z0-9._-]{2,}\\.[a-z]{2,4}$";
    public const string PhonePattern = "^\\+[0-9]{10,20}$|^[0-9]{10,20}$";

    public List<string> Errors { get; } = [];

    public bool IsValid => Errors.Count == 0;

    public string Message => string.Join(", ", Errors);

    /// <summary>Parses the request body as a JSON object; anything else is reported with <paramref name="invalid"/>.</summary>
    public static async Task<JsonElement> ParseObjectAsync(HttpContext http, string invalid)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(http.Request.Body, default, http.RequestAborted);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : throw new ApiException(400, invalid);
        }
        catch (JsonException)
        {
            throw new ApiException(400, invalid);
        }
    }

    public static string Pointer(string parent, string name) => $"#{parent}/{name}";

    public void Missing(string parent, string name) => Errors.Add($"#{parent}:{name} required key not found");

    public void Invalid(string parent, string name, string problem) => Errors.Add($"{Pointer(parent, name)}: {problem}");

    public static bool IsPresent(JsonElement obj, string name) => obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out _);

    /// <summary>The property when present (possibly JSON null); reports it when required and absent.</summary>
    private bool TryGet(JsonElement obj, string parent, string name, bool required, out JsonElement value)
    {
        if (obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out value))
        {
            return true;
        }

        value = default;
        if (required)
        {
            Missing(parent, name);
        }

        return false;
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => "String",
        JsonValueKind.Number => e.TryGetInt64(out _) ? "Integer" : "Number",
        JsonValueKind.True or JsonValueKind.False => "Boolean",
        JsonValueKind.Object => "Object",
        JsonValueKind.Array => "Array",
        _ => "Null",
    };

    private void WrongType(string parent, string name, JsonElement e, string expected) =>
        Invalid(parent, name, $"{Kind(e)} is not a valid {expected} value");

    /// <summary>A string field. Returns null when absent, null, or invalid (the error is recorded).</summary>
    public string? String(JsonElement obj, string parent, string name, bool required = false, bool nullable = true, int max = 0,
        string? pattern = null, bool email = false)
    {
        if (!TryGet(obj, parent, name, required, out var e))
        {
            return null;
        }

        if (e.ValueKind == JsonValueKind.Null)
        {
            if (!nullable)
            {
                WrongType(parent, name, e, "String");
            }

            return null;
        }

        if (e.ValueKind != JsonValueKind.String)
        {
            WrongType(parent, name, e, "String");
            return null;
        }

        var value = e.GetString()!;
        if (max > 0 && value.Length > max)
        {
            Invalid(parent, name, $"expected maxLength: {max}, actual: {value.Length}");
            return null;
        }

        var matches = pattern is null || Regex.IsMatch(value, pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        if (email && (!IsEmail(value) || !matches))
        {
            Invalid(parent, name, "String is not a valid email value");
            return null;
        }

        if (!matches)
        {
            Invalid(parent, name, $"string [{value}] does not match pattern {pattern}");
            return null;
        }

        if (required && value.Length == 0)
        {
            Invalid(parent, name, "expected minLength: 1, actual: 0");
            return null;
        }

        return value;
    }

    public long? Long(JsonElement obj, string parent, string name, bool required = false, bool nullable = true, long min = long.MinValue)
    {
        if (!TryGet(obj, parent, name, required, out var e) || (e.ValueKind == JsonValueKind.Null && nullable))
        {
            return null;
        }

        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out var value))
        {
            WrongType(parent, name, e, "Integer");
            return null;
        }

        if (value < min)
        {
            Invalid(parent, name, $"{value} is not greater or equal to {min}");
            return null;
        }

        return value;
    }

    public int? Int(JsonElement obj, string parent, string name, bool required = false, bool nullable = true, int min = int.MinValue)
    {
        var value = Long(obj, parent, name, required, nullable, min);
        if (value is > int.MaxValue)
        {
            Invalid(parent, name, "Integer is not a valid int32 value");
            return null;
        }

        return (int?)value;
    }

    public bool? Bool(JsonElement obj, string parent, string name, bool required = false)
    {
        if (!TryGet(obj, parent, name, required, out var e))
        {
            return null;
        }

        if (e.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return e.GetBoolean();
        }

        WrongType(parent, name, e, "Boolean");
        return null;
    }

    public List<string>? StringArray(JsonElement obj, string parent, string name, bool required = false, int itemMax = 0)
    {
        if (!TryGet(obj, parent, name, required, out var e))
        {
            return null;
        }

        if (e.ValueKind != JsonValueKind.Array)
        {
            WrongType(parent, name, e, "Array");
            return null;
        }

        var list = new List<string>();
        var i = 0;
        foreach (var item in e.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                Invalid($"{parent}/{name}", i.ToString(CultureInfo.InvariantCulture), $"{Kind(item)} is not a valid String value");
            }
            else if (itemMax > 0 && item.GetString()!.Length > itemMax)
            {
                Invalid($"{parent}/{name}", i.ToString(CultureInfo.InvariantCulture), $"expected maxLength: {itemMax}, actual: {item.GetString()!.Length}");
            }
            else
            {
                list.Add(item.GetString()!);
            }

            i++;
        }

        return list;
    }

    /// <summary>An object field: the element when it is an object, null otherwise (absent, JSON null, or wrong type recorded).</summary>
    public JsonElement? Object(JsonElement obj, string parent, string name, bool required = false, bool nullable = true)
    {
        if (!TryGet(obj, parent, name, required, out var e))
        {
            return null;
        }

        if (e.ValueKind == JsonValueKind.Object)
        {
            return e;
        }

        if (e.ValueKind != JsonValueKind.Null || !nullable)
        {
            WrongType(parent, name, e, "Object");
        }

        return null;
    }

    /// <summary>A date-time field (ISO 8601, offset or Z; a bare date or local time is read in Europe/Paris).</summary>
    public DateTimeOffset? DateTime(JsonElement obj, string parent, string name)
    {
        if (!TryGet(obj, parent, name, false, out var e) || e.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (e.ValueKind == JsonValueKind.String && ParseDateTime(e.GetString()!) is { } value)
        {
            return value;
        }

        Invalid(parent, name, $"{Kind(e)} is not a valid date-time value");
        return null;
    }

    /// <summary>The Europe/Paris calendar day a date-time designates (activation and suspension dates are whole days).</summary>
    public DateOnly? ParisDay(JsonElement obj, string parent, string name) =>
        DateTime(obj, parent, name) is { } instant ? SubscriptionLifecycle.ParisDay(instant) : null;

    internal static DateTimeOffset? ParseDateTime(string raw)
    {
        raw = raw.Trim();
        if (DateOnly.TryParseExact(raw, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            return SubscriptionLifecycle.StartOfParisDay(day);
        }

        if (!HasOffset().IsMatch(raw))
        {
            // No offset: a wall-clock time in Paris, the hub's display convention (api.md §2).
            if (System.DateTime.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
            {
                var unspecified = System.DateTime.SpecifyKind(local, DateTimeKind.Unspecified);
                return new DateTimeOffset(unspecified, SubscriptionLifecycle.Paris.GetUtcOffset(unspecified)).ToUniversalTime();
            }

            return null;
        }

        return DateTimeOffset.TryParse(raw, CultureInfo.InvariantCulture, DateTimeStyles.None, out var value) ? value.ToUniversalTime() : null;
    }

    public static bool IsEmail(string value) =>
        value.Length <= 320 && MailAddress.TryCreate(value, out var address) && address.Address == value
        && address.Host.Contains('.', StringComparison.Ordinal) && !value.Contains(' ', StringComparison.Ordinal);

    [GeneratedRegex("(Z|z|[+-][0-9]{2}:?[0-9]{2})$")]
    private static partial Regex HasOffset();
}

/// <summary>List queries of the referential APIs: paging and <c>orderBy</c> in the forms <c>col</c>, <c>asc(col)</c>, <c>desc(col)</c>.</summary>
internal static partial class ReferentialQuery
{
    public const int DefaultMaxResult = 100;
    public const int MaxMaxResult = 1000;

    /// <summary>(column, descending) or null when the value is not of the accepted forms.</summary>
    public static (string Column, bool Descending)? ParseOrderBy(string raw)
    {
        var match = OrderBy().Match(raw.Trim());
        if (!match.Success)
        {
            return null;
        }

        var direction = match.Groups["dir"].Value;
        return (match.Groups["col"].Value.ToLowerInvariant(), direction.Equals("desc", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>The pagination header of the original hub, e.g. <c>Susbscriptions 0-27/100</c> (sic): first and last index, inclusive, then the total.</summary>
    public static string ContentRange(string unit, int offset, int count, int total) =>
        count == 0 ? $"{unit} {offset}-{offset}/{total}" : $"{unit} {offset}-{offset + count - 1}/{total}";

    public static bool IsInteger(string raw, out int value) => int.TryParse(raw, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    [GeneratedRegex("^(?:(?<dir>asc|desc)\\((?<col>[a-zA-Z_]+)\\)|(?<col>[a-zA-Z_]+))$", RegexOptions.IgnoreCase)]
    private static partial Regex OrderBy();
}
