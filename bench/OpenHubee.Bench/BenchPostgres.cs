using Npgsql;

namespace OpenHubee.Bench;

/// <summary>The PostgreSQL server a benchmark runs on: given, or the throw-away cluster of .ci/postgres.sh.</summary>
public static class BenchPostgres
{
    /// <summary>null = SQLite; "" = start .ci/postgres.sh's cluster and use the connection string it prints.</summary>
    public static async Task<string?> ResolveAsync(string root, string? option) =>
        option is null ? null
        : option.Length > 0 ? option
        : (await Repo.RunAsync("bash", [Path.Combine(root, ".ci/postgres.sh")], root)).Split('\n').Last(l => l.StartsWith("Host=", StringComparison.Ordinal)).Trim();

    public static async Task<string> VersionAsync(string connection)
    {
        await using var db = new NpgsqlConnection(connection + ";Database=postgres");
        await db.OpenAsync();
        return db.PostgreSqlVersion.ToString();
    }

    public static async Task DropDatabaseAsync(string connection, string database)
    {
        NpgsqlConnection.ClearAllPools();
        await using var db = new NpgsqlConnection(connection + ";Database=postgres");
        await db.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", db);
        await drop.ExecuteNonQueryAsync();
    }
}
