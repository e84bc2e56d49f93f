using Microsoft.EntityFrameworkCore;
using OpenHubee.Data;
using OpenHubee.Migrations.Postgres;
using OpenHubee.Migrations.Sqlite;

namespace OpenHubee.Tests;

/// <summary>
/// The service applies migrations at start and EF refuses to migrate a model that its migrations do not describe:
/// a change to the model must come with a migration for each provider (scripts/add-migration.sh NAME).
/// </summary>
public sealed class MigrationsTests
{
    [Fact]
    public void Sqlite_migrations_describe_the_current_model()
    {
        var options = new DbContextOptionsBuilder<HubDbContext>();
        options.UseHubSqlite("Data Source=:memory:");
        using var db = new HubDbContext(options.Options);
        db.Database.GetMigrations().ShouldNotBeEmpty();
        db.Database.HasPendingModelChanges().ShouldBeFalse("run scripts/add-migration.sh NAME");
    }

    [Fact]
    public void Postgres_migrations_describe_the_current_model()
    {
        // Never connects: the model is compared with the migrations' snapshot.
        var options = new DbContextOptionsBuilder<HubDbContext>();
        options.UseHubPostgres("Host=127.0.0.1;Database=unused");
        using var db = new HubDbContext(options.Options);
        db.Database.GetMigrations().ShouldNotBeEmpty();
        db.Database.HasPendingModelChanges().ShouldBeFalse("run scripts/add-migration.sh NAME");
    }
}
