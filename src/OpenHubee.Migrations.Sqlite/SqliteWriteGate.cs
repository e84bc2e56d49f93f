using System.Collections.Concurrent;
using System.Data;
using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace OpenHubee.Migrations.Sqlite;

/// <summary>
/// SQLite has one writer at a time. When several requests write at once, the losers get SQLITE_BUSY and
/// Microsoft.Data.Sqlite retries them with Thread.Sleep, blocking thread-pool threads and wasting most of the
/// time asleep (measured by the P3 benchmark: a quarter of all samples in Thread.Sleep under SaveChanges). So the
/// writers of one database file queue here instead, asynchronously, before they take SQLite's write lock:
/// a write transaction, a SaveChanges, or a data-changing command outside a transaction (ExecuteUpdate/Delete).
/// Readers never wait (WAL mode). The gate is re-entrant per connection (SaveChanges inside an explicit
/// transaction) and is released when the transaction ends or, as a safety net, when the connection closes
/// (a transaction disposed without commit or rollback). Other processes on the same file still meet SQLite's
/// own busy handling; a single process (the embedded default) never does.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "One gate per database file, kept for the life of the process.")]
public sealed class SqliteWriteGate
{
    private static readonly ConcurrentDictionary<string, SqliteWriteGate> Gates = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim semaphore = new(1, 1);
    private readonly Lock sync = new();
    private DbConnection? holder;
    private int depth;

    /// <summary>One gate per database file of the process (tests run many hubs, each on its own file).</summary>
    public static SqliteWriteGate For(string connectionString)
    {
        var dataSource = new SqliteConnectionStringBuilder(connectionString).DataSource;
        var key = dataSource is ":memory:" or "" ? connectionString : Path.GetFullPath(dataSource);
        return Gates.GetOrAdd(key, _ => new SqliteWriteGate());
    }

    public async ValueTask EnterAsync(DbConnection connection, CancellationToken ct)
    {
        if (TryReenter(connection))
        {
            return;
        }

        await semaphore.WaitAsync(ct);
        Hold(connection);
    }

    public void Enter(DbConnection connection)
    {
        if (TryReenter(connection))
        {
            return;
        }

        semaphore.Wait();
        Hold(connection);
    }

    public void Exit(DbConnection connection)
    {
        lock (sync)
        {
            if (holder != connection)
            {
                return;
            }

            if (--depth > 0)
            {
                return;
            }

            holder = null;
        }

        semaphore.Release();
    }

    /// <summary>Releases whatever this connection still holds (its transaction ended without telling us).</summary>
    public void ExitAll(DbConnection connection)
    {
        lock (sync)
        {
            if (holder != connection)
            {
                return;
            }

            depth = 0;
            holder = null;
        }

        semaphore.Release();
    }

    private bool TryReenter(DbConnection connection)
    {
        lock (sync)
        {
            if (holder == connection)
            {
                depth++;
                return true;
            }

            return false;
        }
    }

    private void Hold(DbConnection connection)
    {
        lock (sync)
        {
            holder = connection;
            depth = 1;
        }
    }

    /// <summary>The EF Core interceptors that take and release the gate.</summary>
    public static IInterceptor[] Interceptors(string connectionString)
    {
        var gate = For(connectionString);
        return [new TransactionGate(gate), new SaveChangesGate(gate), new CommandGate(gate), new ConnectionGate(gate)];
    }

    private sealed class TransactionGate(SqliteWriteGate gate) : DbTransactionInterceptor
    {
        public override async ValueTask<InterceptionResult<DbTransaction>> TransactionStartingAsync(
            DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result, CancellationToken cancellationToken = default)
        {
            await gate.EnterAsync(connection, cancellationToken);
            return result;
        }

        public override InterceptionResult<DbTransaction> TransactionStarting(DbConnection connection, TransactionStartingEventData eventData, InterceptionResult<DbTransaction> result)
        {
            gate.Enter(connection);
            return result;
        }

        public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => gate.Exit(Connection(eventData));

        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            TransactionCommitted(transaction, eventData);
            return Task.CompletedTask;
        }

        public override void TransactionRolledBack(DbTransaction transaction, TransactionEndEventData eventData) => gate.Exit(Connection(eventData));

        public override Task TransactionRolledBackAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            TransactionRolledBack(transaction, eventData);
            return Task.CompletedTask;
        }

        public override void TransactionFailed(DbTransaction transaction, TransactionErrorEventData eventData)
        {
            // A failed commit or rollback ends the transaction; a failed start never entered it (the start throws after Starting).
            if (eventData.Action is "Commit" or "Rollback")
            {
                gate.Exit(Connection(eventData));
            }
        }

        public override Task TransactionFailedAsync(DbTransaction transaction, TransactionErrorEventData eventData, CancellationToken cancellationToken = default)
        {
            TransactionFailed(transaction, eventData);
            return Task.CompletedTask;
        }

        // The context's connection, the one TransactionStarting received (a committed SqliteTransaction forgets its own).
        private static DbConnection Connection(TransactionEventData eventData) => eventData.Context!.Database.GetDbConnection();
    }

    private sealed class SaveChangesGate(SqliteWriteGate gate) : SaveChangesInterceptor
    {
        public override async ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            await gate.EnterAsync(Connection(eventData), cancellationToken);
            return result;
        }

        public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
        {
            gate.Enter(Connection(eventData));
            return result;
        }

        public override int SavedChanges(SaveChangesCompletedEventData eventData, int result)
        {
            gate.Exit(Connection(eventData));
            return result;
        }

        public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(SavedChanges(eventData, result));

        public override void SaveChangesFailed(DbContextErrorEventData eventData) => gate.Exit(Connection(eventData));

        public override Task SaveChangesFailedAsync(DbContextErrorEventData eventData, CancellationToken cancellationToken = default)
        {
            SaveChangesFailed(eventData);
            return Task.CompletedTask;
        }

        public override void SaveChangesCanceled(DbContextEventData eventData) => gate.Exit(Connection(eventData));

        public override Task SaveChangesCanceledAsync(DbContextEventData eventData, CancellationToken cancellationToken = default)
        {
            SaveChangesCanceled(eventData);
            return Task.CompletedTask;
        }

        private static DbConnection Connection(DbContextEventData eventData) => eventData.Context!.Database.GetDbConnection();
    }

    /// <summary>A data-changing statement outside any transaction (ExecuteUpdate, ExecuteDelete, raw SQL).</summary>
    private sealed class CommandGate(SqliteWriteGate gate) : DbCommandInterceptor
    {
        public override async ValueTask<InterceptionResult<int>> NonQueryExecutingAsync(DbCommand command, CommandEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            if (Gated(command))
            {
                await gate.EnterAsync(command.Connection!, cancellationToken);
            }

            return result;
        }

        public override InterceptionResult<int> NonQueryExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<int> result)
        {
            if (Gated(command))
            {
                gate.Enter(command.Connection!);
            }

            return result;
        }

        public override int NonQueryExecuted(DbCommand command, CommandExecutedEventData eventData, int result)
        {
            if (Gated(command))
            {
                gate.Exit(command.Connection!);
            }

            return result;
        }

        public override ValueTask<int> NonQueryExecutedAsync(DbCommand command, CommandExecutedEventData eventData, int result, CancellationToken cancellationToken = default) =>
            ValueTask.FromResult(NonQueryExecuted(command, eventData, result));

        public override void CommandFailed(DbCommand command, CommandErrorEventData eventData)
        {
            if (eventData.ExecuteMethod == DbCommandMethod.ExecuteNonQuery && Gated(command))
            {
                gate.Exit(command.Connection!);
            }
        }

        public override Task CommandFailedAsync(DbCommand command, CommandErrorEventData eventData, CancellationToken cancellationToken = default)
        {
            CommandFailed(command, eventData);
            return Task.CompletedTask;
        }

        public override void CommandCanceled(DbCommand command, CommandEndEventData eventData)
        {
            if (eventData.ExecuteMethod == DbCommandMethod.ExecuteNonQuery && Gated(command))
            {
                gate.Exit(command.Connection!);
            }
        }

        public override Task CommandCanceledAsync(DbCommand command, CommandEndEventData eventData, CancellationToken cancellationToken = default)
        {
            CommandCanceled(command, eventData);
            return Task.CompletedTask;
        }

        // Inside a transaction the gate is already held; PRAGMAs and schema reads need no gate.
        private static bool Gated(DbCommand command) =>
            command.Transaction is null && command.Connection is not null
            && !command.CommandText.TrimStart().StartsWith("PRAGMA", StringComparison.OrdinalIgnoreCase);
    }

    private sealed class ConnectionGate(SqliteWriteGate gate) : DbConnectionInterceptor
    {
        public override InterceptionResult ConnectionClosing(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
        {
            gate.ExitAll(connection);
            return result;
        }

        public override ValueTask<InterceptionResult> ConnectionClosingAsync(DbConnection connection, ConnectionEventData eventData, InterceptionResult result)
        {
            gate.ExitAll(connection);
            return ValueTask.FromResult(result);
        }
    }
}
