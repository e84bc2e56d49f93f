using OpenHubee.Api;
using OpenHubee.Auth;
using OpenHubee.Features.Accounts;
using OpenHubee.Features.Admin;
using OpenHubee.Features.Exchange;
using OpenHubee.Features.Referential;
using OpenHubee.Hosting;
using OpenHubee.Jobs;
using OpenHubee.Mail;
using OpenHubee.Portal;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);

builder.AddHubHosting();
builder.AddReverseProxySupport();
builder.AddObservability();
builder.Services.AddTokenServer(builder.Configuration);
builder.Services.AddHubRateLimits(builder.Configuration);
builder.Services.AddMail(builder.Configuration);
builder.AddJobs();
builder.Services.AddReferential();
builder.Services.AddAccounts();
builder.Services.AddPortal(builder.Configuration);
builder.Services.AddOpenApi();
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new UtcDateTimeOffsetConverter()));
builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = 10 * 1024 * 1024);

var app = builder.Build();

await app.InitializeDatabaseAsync();

app.UseServerTiming();
// Before everything else: cookies, rate limits and the audit log see the client's scheme and address.
app.UseReverseProxySupport();
app.UseMiddleware<ApiErrorMiddleware>();
app.UseRateLimiter();
app.UseAuthentication();

app.MapObservability();
app.MapTokenEndpoint();
app.MapFolderApi();
app.MapReferentialApi();
app.MapAdminApi();
app.MapOpenApi();
app.MapScalarApiReference("/docs/api");
app.MapPortal();

DemoBanner.Print(app);
await app.RunAsync();

/// <summary>Entry point, visible to the test host.</summary>
public partial class Program;
