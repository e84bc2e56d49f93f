using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Infrastructure;
using OpenHubee.Data;

namespace OpenHubee.Migrations.Postgres;

/// <summary>How the service and the EF tools configure HubDbContext on PostgreSQL, so that both see the same model.</summary>
public static class PostgresMigrations
{
    public static readonly string AssemblyName = typeof(PostgresMigrations).Assembly.GetName().Name!;

    public static DbContextOptionsBuilder UseHubPostgres(this DbContextOptionsBuilder builder, string connectionString) =>
        builder.UseNpgsql(connectionString, o => o.MigrationsAssembly(AssemblyName).UseQuerySplittingBehavior(QuerySplittingBehavior.SplitQuery))
            .ReplaceService<IModelCacheKeyFactory, ProviderAwareModelCacheKeyFactory>();
}

/// <summary>
/// Used by <c>dotnet ef</c> only (scripts/add-migration.sh). <c>migrations add</c> never connects, so no server is needed;
/// <c>database update</c> uses <c>--connection</c> or OPENHUBEE_DESIGN_CONNECTION.
/// </summary>
public sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<HubDbContext>
{
    public HubDbContext CreateDbContext(string[] args)
    {
        var builder = new DbContextOptionsBuilder<HubDbContext>();
        builder.UseHubPostgres(Environment.GetEnvironmentVariable("OPENHUBEE_DESIGN_CONNECTION") ?? "Host=localhost;Database=openhubee;Username=openhubee");
        return new HubDbContext(builder.Options);
    }
}
