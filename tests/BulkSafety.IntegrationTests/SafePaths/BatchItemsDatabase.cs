using BulkSafety.CrashJob;
using BulkSafety.IntegrationTests.Postgres;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace BulkSafety.IntegrationTests.SafePaths;

/// <summary>
/// A database of its own on the fixture's PostgreSQL for the batched-job tests (dropped and created afresh, so other
/// tests' schemas and EnsureCreated never meet), with <see cref="BatchItem"/> rows seeded set-based.
/// </summary>
internal sealed class BatchItemsDatabase
{
    private BatchItemsDatabase(string connectionString) => ConnectionString = connectionString;

    public string ConnectionString { get; }

    /// <summary>Creates database <paramref name="name"/> with <paramref name="rows"/> items; every <paramref name="flagEvery"/>-th is flagged.</summary>
    public static async Task<BatchItemsDatabase> CreateAsync(PostgresServer server, string name, int rows, int flagEvery = 1, int payloadBytes = 200)
    {
        await server.ExecuteAsync($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
        await server.ExecuteAsync($"CREATE DATABASE {name}");
        var database = new BatchItemsDatabase(new NpgsqlConnectionStringBuilder(server.ConnectionString) { Database = name }.ConnectionString);
        await using var context = database.Unguarded();
        await context.Database.EnsureCreatedAsync();
        await context.Database.ExecuteSqlAsync($"""
            INSERT INTO batch_items ("Id", "Flagged", "Counter", "Payload")
            SELECT i, i % {flagEvery} = 0, 0, repeat('p', {payloadBytes}) FROM generate_series(1, {rows}) AS i
            """);
        return database;
    }

    /// <summary>A context without the guard, for seeding and checking.</summary>
    public BatchItemContext Unguarded()
        => new(new DbContextOptionsBuilder<BatchItemContext>().UseNpgsql(ConnectionString).Options);

    public BatchItemContext Guarded(Action<BulkSafetyOptions>? configure = null) => BatchItemContext.Create(ConnectionString, configure);

    public NpgsqlConnection NewConnection() => new(ConnectionString);
}
