using System.Data.Common;
using System.Diagnostics;
using System.Globalization;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace OpenHubee.Hosting;

/// <summary>
/// Adds a <c>Server-Timing</c> header to every answer: <c>app;dur=</c> the time the service spent on the request
/// until its headers were sent, and <c>db;dur=</c> the time spent in database commands (with their number).
/// Quality target P5 is a server time, which a client cannot measure without loopback and transfer in it; operators
/// and browsers' developer tools read the same figures (a proxy may strip the header: <c>OpenHubee:ServerTiming</c>
/// turns it off).
/// </summary>
/// <remarks>
/// Headers are sent when the body starts to be written. Razor pages and JSON answers are rendered into a buffer
/// first, so <c>app</c> covers the handler and the rendering; a streamed download reports only the time before its
/// first byte.
/// </remarks>
public sealed class ServerTimingMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        var timing = new ServerTimingFeature(Stopwatch.GetTimestamp());
        context.Features.Set(timing);
        context.Response.OnStarting(static state =>
        {
            var (http, timing) = ((HttpContext, ServerTimingFeature))state;
            http.Response.Headers.Append("Server-Timing", timing.Header());
            return Task.CompletedTask;
        }, (context, timing));
        return next(context);
    }
}

/// <summary>What one request spent so far; database time is added by <see cref="ServerTimingDbInterceptor"/>.</summary>
public sealed class ServerTimingFeature(long start)
{
    // A request runs its commands one after the other (a DbContext allows no parallel commands), so one pending
    // start is enough; Interlocked because the awaits may resume on other threads.
    private long commandStart;
    private long dbTicks;
    private int dbCommands;

    public void CommandStarted() => Interlocked.Exchange(ref commandStart, Stopwatch.GetTimestamp());

    public void CommandEnded()
    {
        var started = Interlocked.Exchange(ref commandStart, 0);
        if (started != 0)
        {
            Interlocked.Add(ref dbTicks, Stopwatch.GetElapsedTime(started).Ticks);
            Interlocked.Increment(ref dbCommands);
        }
    }

    public string Header()
    {
        var app = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        var db = TimeSpan.FromTicks(Interlocked.Read(ref dbTicks)).TotalMilliseconds;
        return string.Create(CultureInfo.InvariantCulture, $"app;dur={app:F1}, db;dur={db:F1};desc=\"{Volatile.Read(ref dbCommands)} commands\"");
    }
}

/// <summary>
/// Adds each database command's time to the current request's <see cref="ServerTimingFeature"/>: a query from its
/// execution to its reader's disposal (rows read included), other commands until they return. Outside a request
/// (jobs), does nothing.
/// </summary>
public sealed class ServerTimingDbInterceptor(IHttpContextAccessor http) : DbCommandInterceptor
{
    private ServerTimingFeature? Current => http.HttpContext?.Features.Get<ServerTimingFeature>();

    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Current?.CommandStarted();
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
        InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Current?.CommandStarted();
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult DataReaderDisposing(DbCommand command, DataReaderDisposingEventData eventData, InterceptionResult result)
    {
        Current?.CommandEnded();
        return result;
    }

    public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
    {
        Current?.CommandStarted();
        return result;
    }

    public override ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result,
        CancellationToken cancellationToken = default)
    {
        Current?.CommandStarted();
        return ValueTask.FromResult(result);
    }

    public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
    {
        Current?.CommandEnded();
        return result;
    }

    public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        Current?.CommandEnded();
        return ValueTask.FromResult(result);
    }

    public override InterceptionResult<object> ScalarExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<object> result)
    {
        Current?.CommandStarted();
        return result;
    }

    public override ValueTask<InterceptionResult<object>> ScalarExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<object> result,
        CancellationToken cancellationToken = default)
    {
        Current?.CommandStarted();
        return ValueTask.FromResult(result);
    }

    public override object? ScalarExecuted(DbCommand command, CommandExecutedEventData eventData, object? result)
    {
        Current?.CommandEnded();
        return result;
    }

    public override ValueTask<object?> ScalarExecutedAsync(DbCommand command, CommandExecutedEventData eventData, object? result, CancellationToken cancellationToken = default)
    {
        Current?.CommandEnded();
        return ValueTask.FromResult(result);
    }

    public override void CommandFailed(DbCommand command, CommandErrorEventData eventData) => Current?.CommandEnded();

    public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        Current?.CommandEnded();
        return Task.CompletedTask;
    }
}
