using OpenHubee.Api;
using OpenHubee.Auth;
using OpenHubee.Features.Exchange;
using OpenHubee.Features.Referential;
using OpenHubee.Hosting;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddHubHosting();
builder.Services.AddTokenServer(builder.Configuration);
builder.Services.AddHubRateLimits(builder.Configuration);
builder.Services.AddReferential();
builder.Services.AddOpenApi();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new UtcDateTimeOffsetConverter()));
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 10 * 1024 * 1024);

var app = builder.Build();

await app.InitializeDatabaseAsync();

app.UseMiddleware<ApiErrorMiddleware>();
app.UseRateLimiter();
app.UseAuthentication();

app.MapTokenEndpoint();
app.MapFolderApi();
app.MapReferentialApi();
app.MapOpenApi();
app.MapScalarApiReference("/docs/api");
app.MapGet("/", () => Results.Redirect("/docs/api")).ExcludeFromDescription();

DemoBanner.Print(app);
await app.RunAsync();

/// <summary>Entry point, visible to the test host.</summary>
public partial class Program;
