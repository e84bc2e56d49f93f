using Microsoft.EntityFrameworkCore;
using OpenHubee.Data;
using OpenHubee.Migrations.Sqlite;

namespace OpenHubee.Tests.Hosting;

/// <summary>
/// The embedded SQLite database queues its writers in the process (SqliteWriteGate) instead of letting them
/// collide on SQLITE_BUSY and sleep. A writer waits while another write transaction is open, and goes on as
/// soon as it ends — committed, rolled back, or merely disposed.
/// </summary>
public sealed class SqliteWriteGateTests : IAsyncLifetime
{
    private readonly string file = Path.Combine(Path.GetTempPath(), "openhubee-tests", $"gate-{Guid.NewGuid():N}.db");

    private HubDbContext Context()
    {
        var options = new DbContextOptionsBuilder<HubDbContext>();
        options.UseHubSqlite($"Data Source={file};Default Timeout=30");
        return new HubDbContext(options.Options);
    }

    private static Organization Commune(string siret) => new()
    {
        Id = Guid.NewGuid(), Type = "SI", CompanyRegister = siret, BranchCode = "87085", Name = "COMMUNE " + siret, CreateDateTime = DateTimeOffset.UtcNow,
    };

    public async ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await using var db = Context();
        await db.Database.MigrateAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;");
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<int> CountAsync()
    {
        await using var db = Context();
        return await db.Organizations.CountAsync(o => o.Name.StartsWith("COMMUNE "));
    }

    private static async Task ShouldStillWaitAsync(Task task)
    {
        // Long enough for an unqueued write to have finished: without the gate the second SaveChanges would not
        // wait at all (the first transaction has written nothing yet, so SQLite holds no write lock).
        await Task.Delay(300);
        task.IsCompleted.ShouldBeFalse("the second writer went on while a write transaction was open");
    }

    [Fact]
    public async Task A_writer_waits_for_the_open_write_transaction_and_goes_on_when_it_commits()
    {
        await using var first = Context();
        await using var transaction = await first.Database.BeginTransactionAsync();

        await using var second = Context();
        second.Organizations.Add(Commune("21870850100002"));
        var waiting = second.SaveChangesAsync();
        await ShouldStillWaitAsync(waiting);

        first.Organizations.Add(Commune("21870850100001"));
        await first.SaveChangesAsync();
        await transaction.CommitAsync();
        (await waiting).ShouldBe(1);
        (await CountAsync()).ShouldBe(2);
    }

    [Fact]
    public async Task A_transaction_disposed_without_commit_releases_the_writers()
    {
        var waiting = Task.CompletedTask;
        await using var second = Context();
        await using (var first = Context())
        {
            var transaction = await first.Database.BeginTransactionAsync();
            first.Organizations.Add(Commune("21870850100003"));
            await first.SaveChangesAsync();
            second.Organizations.Add(Commune("21870850100004"));
            waiting = second.SaveChangesAsync();
            await ShouldStillWaitAsync(waiting);
            await transaction.DisposeAsync();
        }

        await waiting;
        (await CountAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task Many_concurrent_writers_all_commit()
    {
        await Task.WhenAll(Enumerable.Range(0, 40).Select(async i =>
        {
            await using var db = Context();
            db.Organizations.Add(Commune($"2187085010{i:D4}"));
            await db.SaveChangesAsync();
            await db.Organizations.Where(o => o.CompanyRegister == $"2187085010{i:D4}")
                .ExecuteUpdateAsync(o => o.SetProperty(x => x.PostalCode, "87000"));
        }));
        (await CountAsync()).ShouldBe(40);
        await using var check = Context();
        (await check.Organizations.CountAsync(o => o.PostalCode == "87000")).ShouldBe(40);
    }
}
