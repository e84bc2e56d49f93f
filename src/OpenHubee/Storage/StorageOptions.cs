namespace OpenHubee.Storage;

/// <summary>
/// Where attachments are kept (section OpenHubee:Storage): the data folder (Local, the embedded default) or an
/// S3-compatible bucket (scale-out: every node sees every blob). A plain class, not a record, so that no
/// generated ToString ever prints the secret key into a log.
/// </summary>
public sealed class StorageOptions
{
    public const string SectionName = "OpenHubee:Storage";

    /// <summary>S3 requires every part but the last to be at least 5 MiB.</summary>
    public const int MinPartSizeMiB = 5;

    /// <summary>One part is one buffer in memory per upload in progress; keep it well below what a node can hold.</summary>
    public const int MaxPartSizeMiB = 512;

    public string Provider { get; init; } = "Local";

    /// <summary>The endpoint, e.g. http://minio:9000; empty means AWS itself, found from <see cref="Region"/>.</summary>
    public string? ServiceUrl { get; init; }

    public string? Bucket { get; init; }

    /// <summary>With no access key the SDK's default credential chain applies (environment, instance profile…).</summary>
    public string? AccessKey { get; init; }

    public string? SecretKey { get; init; }

    public string Region { get; init; } = "us-east-1";

    /// <summary>MinIO, Garage, Ceph and most self-hosted servers address buckets by path, not by host name.</summary>
    public bool ForcePathStyle { get; init; } = true;

    /// <summary>Prepended to every object name (e.g. "openhubee/"), so that the bucket may hold other things.</summary>
    public string Prefix { get; init; } = "";

    public int PartSizeMiB { get; init; } = 8;

    public bool IsS3 => Provider.Equals("S3", StringComparison.OrdinalIgnoreCase);

    public static StorageOptions From(IConfiguration configuration)
    {
        var s = configuration.GetSection(SectionName);
        var options = new StorageOptions
        {
            Provider = string.IsNullOrWhiteSpace(s["Provider"]) ? "Local" : s["Provider"]!.Trim(),
            ServiceUrl = Blank(s["ServiceUrl"]),
            Bucket = Blank(s["Bucket"]),
            AccessKey = Blank(s["AccessKey"]),
            SecretKey = s["SecretKey"],
            Region = Blank(s["Region"]) ?? "us-east-1",
            ForcePathStyle = s.GetValue("ForcePathStyle", true),
            Prefix = s["Prefix"]?.Trim() ?? "",
            PartSizeMiB = s.GetValue("PartSizeMiB", 8),
        };
        options.Validate();
        return options;
    }

    /// <summary>Refuses at start a configuration that would only fail at the first upload.</summary>
    public void Validate()
    {
        if (!IsS3 && !Provider.Equals("Local", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Unknown {SectionName}:Provider '{Provider}' (Local or S3).");
        }

        if (!IsS3)
        {
            return;
        }

        if (Bucket is null)
        {
            throw new InvalidOperationException($"{SectionName}:Bucket is required for the S3 provider.");
        }

        if (PartSizeMiB is < MinPartSizeMiB or > MaxPartSizeMiB)
        {
            throw new InvalidOperationException($"{SectionName}:PartSizeMiB must be between {MinPartSizeMiB} and {MaxPartSizeMiB} (S3 refuses parts under 5 MiB).");
        }

        if (ServiceUrl is not null && !Uri.TryCreate(ServiceUrl, UriKind.Absolute, out _))
        {
            throw new InvalidOperationException($"{SectionName}:ServiceUrl '{ServiceUrl}' is not an absolute URL.");
        }

        if (AccessKey is not null && string.IsNullOrEmpty(SecretKey))
        {
            throw new InvalidOperationException($"{SectionName}:SecretKey is required with an AccessKey.");
        }
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
