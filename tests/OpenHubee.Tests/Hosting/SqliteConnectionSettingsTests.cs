using Microsoft.EntityFrameworkCore;
using OpenHubee.Data;
using OpenHubee.Migrations.Sqlite;

namespace OpenHubee.Tests.Hosting;

/// <summary>The per-connection settings of the embedded database reach every connection the context opens.</summary>
public sealed class SqliteConnectionSettingsTests
{
    private static async Task<(long Synchronous, long MemoryMap)> PragmasAsync(string synchronous, long memoryMap)
    {
        var file = Path.Combine(Path.GetTempPath(), "openhubee-tests", $"pragmas-{Guid.NewGuid():N}.db");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var options = new DbContextOptionsBuilder<HubDbContext>();
        options.UseHubSqlite($"Data Source={file}", synchronous, memoryMap);
        await using var db = new HubDbContext(options.Options);
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA synchronous;";
        var sync = (long)(await command.ExecuteScalarAsync())!;
        command.CommandText = "PRAGMA mmap_size;";
        var mmap = (long)(await command.ExecuteScalarAsync())!;
        return (sync, mmap);
    }

    [Fact]
    public async Task Normal_by_default_and_Full_when_configured_with_the_memory_map_asked_for()
    {
        // SQLite reports synchronous as a number: 1 = NORMAL, 2 = FULL.
        (await PragmasAsync("Normal", 0)).ShouldBe((1L, 0L));
        (await PragmasAsync("Full", 64L * 1024 * 1024)).ShouldBe((2L, 64L * 1024 * 1024));
    }

    [Fact]
    public void An_unknown_synchronous_value_is_refused_at_start()
    {
        var options = new DbContextOptionsBuilder<HubDbContext>();
        Should.Throw<ArgumentException>(() => options.UseHubSqlite("Data Source=:memory:", "sometimes"));
    }
}
