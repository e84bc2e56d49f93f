using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using OpenHubee.Tests.Infrastructure;
using OpenHubee.Tests.Jobs;
using static OpenHubee.Tests.Infrastructure.HubApi;

namespace OpenHubee.Tests;

/// <summary>
/// Reliability target R2: more than 1,000 generated bad requests (invalid JSON, wrong types, missing or oversized
/// fields, invalid UUIDs and path tricks in the URL, wrong content types, bad query values, huge headers) sent over a
/// real socket. None gets a 5xx, every API answer is in the contract's error format, and no row or blob changes.
/// The generator is seeded, so a failure names a request that can be replayed.
/// </summary>
public sealed class MalformedInputTests : IClassFixture<KestrelHubFactory>
{
    private readonly KestrelHubFactory hub;

    public MalformedInputTests(KestrelHubFactory hub) => this.hub = hub;

    private sealed record BadRequest(HttpMethod Method, string Url, string? Body, string? ContentType, bool Operator, (string Name, string Value)? Header = null);

    [Fact]
    public async Task A_thousand_generated_bad_requests_get_contract_errors_and_change_nothing()
    {
        hub.StartServer();
        var osl = await hub.DilaAsync();
        var si = await hub.LimogesEtatCivilAsync();
        var (folderId, caseId, attachmentIds, _) = await SendFolderAsync(osl, "R2-0001");
        var eventId = (await PostEventAsync(si, caseId, """{"actionType":"STATUS_UPDATE","caseNewStatus":"SI_RECEIVED","notification":true}""")).Id();
        var pending = await CreateFolderAsync(osl, FolderJson("R2-0002", 10));
        var before = await SnapshotAsync();

        var requests = Generate(new Random(20261129), folderId, caseId, attachmentIds[0], eventId, pending.Id(), pending.GetProperty("attachments")[0].Id()).ToList();
        requests.Count.ShouldBeGreaterThanOrEqualTo(1000);
        var failures = new List<string>();
        var kestrelRejections = 0;
        foreach (var bad in requests)
        {
            using var request = new HttpRequestMessage(bad.Method, bad.Url);
            if (bad.Body is not null)
            {
                request.Content = new StringContent(bad.Body, Encoding.UTF8);
                request.Content.Headers.ContentType = bad.ContentType is null ? null : System.Net.Http.Headers.MediaTypeHeaderValue.Parse(bad.ContentType);
            }

            if (bad.Header is { } header)
            {
                request.Headers.TryAddWithoutValidation(header.Name, header.Value);
            }

            using var response = await (bad.Operator ? osl : si).SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            var what = $"{bad.Method} {Shorten(bad.Url)} body={Shorten(bad.Body)} → {(int)response.StatusCode} {Shorten(body)}";
            if ((int)response.StatusCode >= 500 || response.IsSuccessStatusCode)
            {
                failures.Add(what);
            }
            else if (response.Headers.Contains("Server-Timing") && !IsContractError(body))
            {
                // Answers without Server-Timing never reached the application: Kestrel itself refuses a NUL in the path
                // (400), a URL or headers over its limits (414, 431), with an empty body. Everything else is ours.
                failures.Add("not the error format: " + what);
            }
            else if (!response.Headers.Contains("Server-Timing"))
            {
                kestrelRejections++;
            }
        }

        failures.ShouldBeEmpty($"{failures.Count} of {requests.Count} bad requests:\n{string.Join('\n', failures.Take(20))}");
        // Most requests reach the application's own validation; only the protocol-level ones stop in Kestrel.
        kestrelRejections.ShouldBeLessThan(60);
        (await SnapshotAsync()).ShouldBe(before);
    }

    private static string Shorten(string? text) => text is null ? "-" : text.Length <= 160 ? text : text[..160] + "…";

    private static bool IsContractError(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            var error = json.RootElement.GetProperty("errors")[0];
            return error.GetProperty("code").ValueKind == JsonValueKind.Number && error.GetProperty("message").GetString() is { Length: > 0 };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IndexOutOfRangeException)
        {
            return false;
        }
    }

    /// <summary>Rows of every exchange table, statuses included, and the stored blobs.</summary>
    private async Task<string> SnapshotAsync() => await hub.WithDbAsync(async db =>
    {
        var folders = await db.Folders.OrderBy(f => f.Id).Select(f => f.Id + f.GlobalStatus).ToListAsync();
        var cases = await db.Cases.OrderBy(c => c.Id).Select(c => c.Id + c.Status).ToListAsync();
        var attachments = await db.Attachments.OrderBy(a => a.Id).Select(a => a.Id + a.Status + (a.Digest ?? "")).ToListAsync();
        var events = await db.Events.CountAsync();
        var notifications = await db.Notifications.CountAsync();
        var mails = await db.MailOutbox.CountAsync();
        var blobs = Directory.EnumerateFiles(Path.Combine(hub.DataDirectory, "blobs"), "*", SearchOption.AllDirectories).Order().ToList();
        return string.Join('|', [.. folders, .. cases, .. attachments, $"events={events}", $"notifications={notifications}", $"mails={mails}", .. blobs]);
    });

    private static IEnumerable<BadRequest> Generate(Random random, Guid folderId, Guid caseId, Guid attachmentId, Guid eventId, Guid pendingFolderId, Guid pendingAttachmentId)
    {
        const string json = "application/json";
        var validFolder = FolderJson("R2-9999", 10);
        var validEvent = """{"actionType":"STATUS_UPDATE","caseNewStatus":"IN_PROGRESS","notification":true,"author":"Mairie","message":"Bonjour"}""";

        // 1. Invalid JSON: valid bodies cut anywhere, and random bytes.
        for (var i = 0; i < 150; i++)
        {
            yield return new(HttpMethod.Post, $"{Root}/folders", validFolder[..random.Next(0, validFolder.Length - 1)], json, true);
            yield return new(HttpMethod.Post, $"{Root}/cases/{caseId}/events", validEvent[..random.Next(0, validEvent.Length - 1)], json, false);
        }

        for (var i = 0; i < 60; i++)
        {
            var noise = new string(Enumerable.Range(0, random.Next(1, 400)).Select(_ => (char)random.Next(1, 0x2FF)).ToArray());
            yield return new(HttpMethod.Post, $"{Root}/folders", noise, json, true);
            yield return new(HttpMethod.Patch, $"{Root}/folders/{pendingFolderId}", noise, json, true);
            yield return new(HttpMethod.Patch, $"{Root}/cases/{caseId}", noise, json, false);
        }

        // 2. Wrong types, missing required properties, oversized values in an otherwise valid folder.
        object?[] wrongValues = [42, -1, 3.5, true, false, null, new JsonArray(), new JsonObject(), "", new string('x', 100_000)];
        foreach (var path in new[] { "processCode", "externalId", "applicant", "cases", "attachments", "cases/0/recipient", "cases/0/externalId",
                     "attachments/0/fileName", "attachments/0/size", "attachments/0/mimeType", "attachments/0/type", "attachments/0/recipients", "applicant/lastName" })
        {
            foreach (var value in wrongValues)
            {
                var node = JsonNode.Parse(validFolder)!;
                if (!Replace(node, path, value))
                {
                    continue;
                }

                yield return new(HttpMethod.Post, $"{Root}/folders", node.ToJsonString(), json, true);
            }

            var without = JsonNode.Parse(validFolder)!;
            if (Remove(without, path))
            {
                yield return new(HttpMethod.Post, $"{Root}/folders", without.ToJsonString(), json, true);
            }
        }

        foreach (var path in new[] { "actionType", "caseNewStatus", "notification", "message", "author" })
        {
            foreach (var value in wrongValues.Concat(["NOT_AN_ACTION", "HUBEE_RECEIVED", "ARCHIVED"]))
            {
                var node = JsonNode.Parse(validEvent)!;
                node[path] = JsonValue(value);
                var text = node.ToJsonString();
                // Some replacements leave a valid event (a message of "", an author of 42 chars…): only clearly invalid ones.
                if (path is "actionType" || (path is "caseNewStatus" && value is not null) || (path is "notification" && value is not (true or false or null))
                    || (path is "message" && value is string { Length: > 500 }))
                {
                    yield return new(HttpMethod.Post, $"{Root}/cases/{caseId}/events", text, json, false);
                }
            }
        }

        foreach (var status in new object?[] { 42, null, "", "NOPE", "HUBEE_RECEIVED", "ARCHIVED", new string('S', 1000), new JsonArray() })
        {
            yield return new(HttpMethod.Patch, $"{Root}/cases/{caseId}", new JsonObject { ["status"] = JsonValue(status) }.ToJsonString(), json, false);
            yield return new(HttpMethod.Patch, $"{Root}/folders/{pendingFolderId}", new JsonObject { ["globalStatus"] = JsonValue(status) }.ToJsonString(), json, true);
        }

        // 3. Invalid ids and path tricks in the URL, on every route that takes an id.
        // (".." itself is not sendable: HttpClient, like browsers, resolves dot segments before sending.)
        string[] badIds = ["x", "123", "dddddd", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2f", "%00", "%20", "null", "{}", Guid.NewGuid().ToString("N") + "0",
                           new string('a', 2000), "%C3%A9t%C3%A9", "00000000-0000-0000-0000-00000000000G", "' OR 1=1 --"];
        foreach (var id in badIds)
        {
            yield return new(HttpMethod.Get, $"{Root}/folders/{id}", null, null, true);
            yield return new(HttpMethod.Delete, $"{Root}/folders/{id}", null, null, true);
            yield return new(HttpMethod.Patch, $"{Root}/folders/{id}", """{"globalStatus":"HUBEE_COMPLETED"}""", json, true);
            yield return new(HttpMethod.Put, $"{Root}/folders/{folderId}/attachments/{id}", "abc", "application/octet-stream", true);
            yield return new(HttpMethod.Put, $"{Root}/folders/{id}/attachments/{attachmentId}", "abc", "application/octet-stream", true);
            yield return new(HttpMethod.Get, $"{Root}/cases/{id}", null, null, false);
            yield return new(HttpMethod.Patch, $"{Root}/cases/{id}", """{"status":"IN_PROGRESS"}""", json, false);
            yield return new(HttpMethod.Get, $"{Root}/cases/{caseId}/attachments/{id}", null, null, false);
            yield return new(HttpMethod.Get, $"{Root}/cases/{id}/attachments/{attachmentId}", null, null, false);
            yield return new(HttpMethod.Post, $"{Root}/cases/{id}/events", validEvent, json, false);
            yield return new(HttpMethod.Get, $"{Root}/cases/{caseId}/events/{id}", null, null, false);
            yield return new(HttpMethod.Patch, $"{Root}/cases/{caseId}/events/{id}", """{"status":"RECEIVED"}""", json, true);
            yield return new(HttpMethod.Delete, $"{Root}/cases/{caseId}/events/{id}", null, null, true);
            yield return new(HttpMethod.Get, $"{Root}/cases/{caseId}/events/{eventId}/attachments/{id}", null, null, false);
            yield return new(HttpMethod.Delete, $"{Root}/notifications/{id}", null, null, false);
        }

        // (Content types are not bad input here: JSON bodies are read whatever type the client declares, since HubEE
        // clients declare it inconsistently; a body that is not JSON is refused as such above.)

        // 5. Bad query values.
        // The gateway's rules: maxResult must be a number (any number: below 1 means the default batch), lite at most 14 characters.
        foreach (var value in new[] { "abc", "%00", "1a", "--1", "0x10", "NaN", "1,5", "%20", "true", "{}" })
        {
            yield return new(HttpMethod.Get, $"{Root}/notifications?maxResult={value}", null, null, false);
            yield return new(HttpMethod.Get, $"{Root}/cases/{caseId}?lite={value}{new string('e', 15)}", null, null, false);
        }

        // 6. Bodies that do not match the declared attachment (no digest: the attachment is only refused, never stored).
        foreach (var size in new[] { 0, 1, 9, 11, 1000 })
        {
            yield return new(HttpMethod.Put, $"{Root}/folders/{folderId}/attachments/{attachmentId}", new string('z', size), "application/octet-stream", true);
        }

        // 7. Huge headers (Kestrel's 32 KB limit) and a huge URL.
        for (var i = 0; i < 5; i++)
        {
            yield return new(HttpMethod.Get, $"{Root}/notifications", null, null, false, ("X-Padding", new string('h', 40_000 + i)));
        }

        yield return new(HttpMethod.Get, $"{Root}/folders/{new string('f', 20_000)}", null, null, true);

        // 8. Random mixes of the above, until well over a thousand.
        string[] routes = [$"{Root}/folders", $"{Root}/cases/{caseId}/events", $"{Root}/folders/{pendingFolderId}", $"{Root}/cases/{caseId}"];
        for (var i = 0; i < 300; i++)
        {
            var route = routes[random.Next(routes.Length)];
            var source = route.EndsWith("/events", StringComparison.Ordinal) ? validEvent : validFolder;
            var chars = source.ToCharArray();
            for (var k = 0; k < 1 + random.Next(5); k++)
            {
                chars[random.Next(chars.Length)] = "{}[]\",:0a\\"[random.Next(10)];
            }

            var body = new string(chars);
            if (IsValidJson(body))
            {
                continue; // a mutation may land on a still-valid document; only bad ones count here
            }

            var method = route.EndsWith("/folders", StringComparison.Ordinal) || route.EndsWith("/events", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Patch;
            yield return new(method, route, body, json, !route.Contains("/cases/", StringComparison.Ordinal));
        }
    }

    private static bool IsValidJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static JsonNode? JsonValue(object? value) => value switch
    {
        null => null,
        JsonNode node => node.DeepClone(),
        string s => System.Text.Json.Nodes.JsonValue.Create(s),
        int n => System.Text.Json.Nodes.JsonValue.Create(n),
        double d => System.Text.Json.Nodes.JsonValue.Create(d),
        bool b => System.Text.Json.Nodes.JsonValue.Create(b),
        _ => throw new ArgumentException(value.GetType().Name),
    };

    private static (JsonNode Parent, string Key) Locate(JsonNode root, string path)
    {
        var parts = path.Split('/');
        var node = root;
        foreach (var part in parts[..^1])
        {
            node = int.TryParse(part, out var index) ? node[index]! : node[part]!;
        }

        return (node, parts[^1]);
    }

    private static bool Replace(JsonNode root, string path, object? value)
    {
        var (parent, key) = Locate(root, path);
        var current = parent[key];
        // A value of the same kind as the valid one is not a wrong type (a string for a string may still be valid).
        var replacement = JsonValue(value);
        if (current is not null && replacement is not null && current.GetValueKind() == replacement.GetValueKind()
            && !(replacement.GetValueKind() == JsonValueKind.String && (replacement.GetValue<string>().Length == 0 || replacement.GetValue<string>().Length > 1000))
            && !(replacement.GetValueKind() == JsonValueKind.Number && replacement.ToJsonString().StartsWith('-')))
        {
            return false;
        }

        parent[key] = replacement;
        return true;
    }

    private static bool Remove(JsonNode root, string path)
    {
        var (parent, key) = Locate(root, path);
        return parent is JsonObject obj && obj.Remove(key);
    }
}
