using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;
using OpenHubee.Data;

namespace OpenHubee.Migrations.Sqlite;

/// <summary>How the service and the EF tools configure HubDbContext on SQLite, so that both see the same model.</summary>
public static class SqliteMigrations
{
    public static readonly string AssemblyName = typeof(SqliteMigrations).Assembly.GetName().Name!;

    /// <param name="synchronous">
    /// SQLite's <c>synchronous</c> setting for each connection. In WAL mode, <c>NORMAL</c> (the default here) does not
    /// wait for the disk at each commit: a commit survives the service being killed (quality target R1), and only an
    /// operating-system crash or power cut can take back the last commits. <c>FULL</c> waits for the disk at each
    /// commit (about 4 ms on the benchmark machine, which caps a single SQLite file at ~250 commits/s).
    /// </param>
    /// <param name="memoryMapBytes">SQLite's <c>mmap_size</c> (0 = no memory-mapping); see <see cref="SqliteConnectionSettings"/>.</param>
    public static DbContextOptionsBuilder UseHubSqlite(this DbContextOptionsBuilder builder, string connectionString, string synchronous = "NORMAL", long memoryMapBytes = 0) =>
        builder.UseSqlite(connectionString, o => o.MigrationsAssembly(AssemblyName).UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery))
            .ReplaceService<IModelCacheKeyFactory, ProviderAwareModelCacheKeyFactory>()
            .AddInterceptors([.. SqliteWriteGate.Interceptors(connectionString), new SqliteConnectionSettings(synchronous, memoryMapBytes)]);
}

/// <summary>
/// The per-connection settings of the embedded database, applied once to each physical connection (pooled
/// connections keep them): <c>synchronous</c>, and <c>mmap_size</c> so that reads of the database file come from the
/// operating system's page cache, shared by every connection, instead of a <c>read()</c> into each connection's own
/// small page cache (2 MB), which WAL mode empties whenever another connection writes. The portal list walks large
/// indexes (quality target P5): memory-mapping roughly halves their reading time.
/// </summary>
public sealed class SqliteConnectionSettings : DbConnectionInterceptor
{
    // The native handle outlives the pooled SqliteConnection objects that wrap it: remember it rather than them.
    private static readonly ConditionalWeakTable<object, object> Applied = [];
    private readonly string pragmas;

    public SqliteConnectionSettings(string synchronous, long memoryMapBytes)
    {
        var value = synchronous.Trim().ToUpperInvariant();
        if (value is not ("NORMAL" or "FULL" or "EXTRA"))
        {
            throw new ArgumentException($"SQLite synchronous must be NORMAL, FULL or EXTRA, not '{synchronous}'.", nameof(synchronous));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(memoryMapBytes);
        pragmas = string.Create(CultureInfo.InvariantCulture, $"PRAGMA synchronous = {value}; PRAGMA mmap_size = {memoryMapBytes};");
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        if (Pending(connection) is { } command)
        {
            using (command)
            {
                command.ExecuteNonQuery();
            }
        }
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (Pending(connection) is { } command)
        {
            await using (command)
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
        }
    }

    private SqliteCommand? Pending(DbConnection connection)
    {
        if (connection is not SqliteConnection { Handle: { } handle } sqlite || Applied.TryGetValue(handle, out _))
        {
            return null;
        }

        Applied.AddOrUpdate(handle, handle);
        var command = sqlite.CreateCommand();
        command.CommandText = pragmas;
        return command;
    }
}
