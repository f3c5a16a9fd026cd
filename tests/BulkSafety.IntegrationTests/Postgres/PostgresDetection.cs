using Npgsql;

namespace BulkSafety.IntegrationTests.Postgres;

/// <summary>
/// Reads what decides PostgreSQL's WAL volume from the live server (test-side helpers; the runtime detection will live in
/// src/): <c>SHOW wal_level</c> and each table's <c>pg_class.relreplident</c>.
/// </summary>
public static class PostgresDetection
{
    /// <summary><c>SHOW wal_level</c>: minimal, replica or logical.</summary>
    public static Task<string> WalLevelAsync(PostgresServer server, CancellationToken cancellationToken = default) =>
        server.ScalarAsync<string>("SHOW wal_level", cancellationToken);

    /// <summary>
    /// <c>pg_class.relreplident</c> of <paramref name="table"/> (resolved through the connection's search_path): 'd' default
    /// (primary key), 'f' full, 'n' nothing, 'i' a chosen index.
    /// </summary>
    public static async Task<char> ReplicaIdentityAsync(NpgsqlConnection connection, string table, CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand("SELECT relreplident FROM pg_class WHERE oid = to_regclass(@table)", connection);
        command.Parameters.AddWithValue("table", table);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is char identity ? identity : throw new InvalidOperationException($"no table '{table}' on the search path");
    }
}
