using System.Data.Common;
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
    public static DbContextOptionsBuilder UseHubSqlite(this DbContextOptionsBuilder builder, string connectionString, string synchronous = "NORMAL") =>
        builder.UseSqlite(connectionString, o => o.MigrationsAssembly(AssemblyName).UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery))
            .ReplaceService<IModelCacheKeyFactory, ProviderAwareModelCacheKeyFactory>()
            .AddInterceptors([.. SqliteWriteGate.Interceptors(connectionString), new SynchronousSetting(synchronous)]);
}

/// <summary>Applies the synchronous setting to every connection the context opens (it is per connection in SQLite).</summary>
public sealed class SynchronousSetting : DbConnectionInterceptor
{
    private readonly string pragma;

    public SynchronousSetting(string synchronous)
    {
        var value = synchronous.Trim().ToUpperInvariant();
        if (value is not ("NORMAL" or "FULL" or "EXTRA"))
        {
            throw new ArgumentException($"SQLite synchronous must be NORMAL, FULL or EXTRA, not '{synchronous}'.", nameof(synchronous));
        }

        pragma = $"PRAGMA synchronous={value};";
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = pragma;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = pragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>Used by <c>dotnet ef</c> only (scripts/add-migration.sh): the file is never opened by <c>migrations add</c>.</summary>
public sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<HubDbContext>
{
    public HubDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<HubDbContext>();
        builder.UseHubSqlite("Data Source=openhubee-design-time.db");
        return new HubDbContext(builder.Options);
    }
}
