using System.Text.Json;
using Microsoft.AspNetCore.Http.Features;

namespace OpenHubee.Api;

/// <summary>
/// Every API answer that is an error carries the contract's body, also for 401/405/500 and for
/// errors raised by the framework itself (clients crash on empty bodies).
/// </summary>
public sealed class ApiErrorMiddleware(RequestDelegate next, ILogger<ApiErrorMiddleware> logger)
{
    public static bool IsApiPath(PathString path) =>
        path.StartsWithSegments("/teledossiers") || path.StartsWithSegments("/referential") || path.StartsWithSegments("/admin/v1");

    public async Task InvokeAsync(HttpContext context)
    {
        if (!IsApiPath(context.Request.Path))
        {
            await next(context);
            return;
        }

        try
        {
            await next(context);
        }
        catch (ApiException e) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, e.Status, e.Message);
            return;
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            // Body too large, malformed JSON bound by the framework, client disconnects…
            await WriteAsync(context, e.StatusCode == StatusCodes.Status413PayloadTooLarge ? 413 : 400,
                e.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request entity too large" : ApiMessages.BadRequest);
            return;
        }
        catch (JsonException) when (!context.Response.HasStarted)
        {
            await WriteAsync(context, 400, ApiMessages.BadRequest);
            return;
        }
        catch (Exception e) when (!context.Response.HasStarted && IsDatabaseUnavailable(e))
        {
            // R4: the database is down; answer in the contract's format and recover when it returns.
            logger.LogError(e, "Database unavailable on {Method} {Path}", context.Request.Method, context.Request.Path);
            await WriteAsync(context, 503, "Service unavailable");
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return;
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            logger.LogError(e, "Unhandled error on {Method} {Path}", context.Request.Method, context.Request.Path);
            await WriteAsync(context, 500, ApiMessages.InternalServer);
            return;
        }

        // Framework-produced errors with no body (405 from routing, 404 for unknown routes, 415…).
        if (context.Response is { StatusCode: >= 400, HasStarted: false } && context.Response.ContentLength is null or 0
            && context.Response.ContentType is null)
        {
            var message = context.Response.StatusCode switch
            {
                401 => ApiMessages.InvalidCredentials,
                403 => ApiMessages.UnauthorizedUser,
                404 => "Resource is not found",
                405 => ApiMessages.MethodNotAllowed,
                _ => context.Features.Get<IHttpResponseFeature>()?.ReasonPhrase ?? ApiMessages.BadRequest,
            };
            await WriteAsync(context, context.Response.StatusCode, context.Response.StatusCode == 401 ? ApiMessages.InvalidCredentials : message,
                context.Response.StatusCode == 401 ? 900901 : null);
        }
    }

    private static bool IsDatabaseUnavailable(Exception e) =>
        e is System.Data.Common.DbException { IsTransient: true } or Microsoft.EntityFrameworkCore.Storage.RetryLimitExceededException or System.Net.Sockets.SocketException
        || (e.InnerException is not null && IsDatabaseUnavailable(e.InnerException));

    public static Task WriteAsync(HttpContext context, int status, string message, int? code = null)
    {
        context.Response.Clear();
        context.Response.StatusCode = status;
        return context.Response.WriteAsJsonAsync(new ApiErrorBody([new ApiErrorItem(code ?? status, message)]));
    }
}
