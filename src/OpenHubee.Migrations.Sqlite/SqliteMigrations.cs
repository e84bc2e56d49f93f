using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;
using OpenHubee.Data;

namespace OpenHubee.Migrations.Sqlite;

/// <summary>How the service and the EF tools configure HubDbContext on SQLite, so that both see the same model.</summary>
public static class SqliteMigrations
{
    public static readonly string AssemblyName = typeof(SqliteMigrations).Assembly.GetName().Name!;

    public static DbContextOptionsBuilder UseHubSqlite(this DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseSqlite(connectionString, o => o.MigrationsAssembly(AssemblyName).UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery))
            .ReplaceService<IModelCacheKeyFactory, ProviderAwareModelCacheKeyFactory>()
            .AddInterceptors(SqliteWriteGate.Interceptors(connectionString));
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
