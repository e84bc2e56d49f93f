// The baseline of quality target P1: a bare Kestrel endpoint that only copies the request body to a
// file (PUT /file) and serves that file (GET /file). Nothing else runs in the request pipeline.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = null);
var path = builder.Configuration["File"] ?? throw new InvalidOperationException("--File <path> is required.");

var app = builder.Build();
app.MapGet("/", () => "ok");
app.MapPut("/file", async (HttpRequest request) =>
{
    await using (var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
    {
        await request.Body.CopyToAsync(file, request.HttpContext.RequestAborted);
    }

    return Results.NoContent();
});
app.MapGet("/file", () => Results.File(path, "application/octet-stream"));
await app.RunAsync();
