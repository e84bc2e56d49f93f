using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace OpenHubee.Hosting;

/// <summary>
/// Sets SQLite's <c>mmap_size</c> on each physical connection of the embedded default, once (pooled connections keep it).
/// Reads of the database file then come from the operating system's page cache, shared by every connection, instead of
/// a <c>read()</c> into each connection's own small page cache (2 MB), which WAL mode empties whenever another connection
/// writes. The portal list walks large indexes (quality target P5): this roughly halves their reading time.
/// </summary>
public sealed class SqliteMemoryMapInterceptor(long bytes) : DbConnectionInterceptor
{
    private readonly ConditionalWeakTable<object, object> applied = [];

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
        // The native handle outlives the pooled SqliteConnection objects that wrap it: remember it rather than them.
        if (connection is not SqliteConnection { Handle: { } handle } sqlite || applied.TryGetValue(handle, out _))
        {
            return null;
        }

        applied.AddOrUpdate(handle, handle);
        var command = sqlite.CreateCommand();
        command.CommandText = string.Create(CultureInfo.InvariantCulture, $"PRAGMA mmap_size = {bytes};");
        return command;
    }
}
