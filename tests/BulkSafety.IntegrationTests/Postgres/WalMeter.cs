using BulkSafety.IntegrationTests.Workloads;
using BulkSafety.IntegrationTests.Infrastructure;
using Npgsql;
using NpgsqlTypes;

namespace BulkSafety.IntegrationTests.Postgres;

/// <summary>
/// Measures the WAL a workload writes: <c>pg_current_wal_insert_lsn()</c> before and after (the exact insert position;
/// <c>pg_current_wal_lsn()</c> is the write position, which can lag it), and <c>pg_walinspect</c> for the records. A cold
/// measurement runs <c>CHECKPOINT</c> first, so every page touched costs a full-page image; a steady one does not.
/// Every measurement holds the server's <see cref="PostgresServer.Exclusive"/> access.
/// </summary>
public sealed class WalMeter(PostgresServer server)
{
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromMinutes(1);

    /// <summary>Sets up <paramref name="workload"/>, runs its warm-up, optionally checkpoints, and measures its statements.
    /// The server's <c>wal_level</c> is whatever it runs at (see <see cref="PostgresServer.SetWalLevelAsync"/>).</summary>
    public async Task<WalMeasurement> MeasureAsync(Workload workload, WalStart start, CancellationToken cancellationToken = default)
    {
        using var exclusive = await server.Exclusive.AcquireAsync(cancellationToken);
        await server.ExecuteAsync($"CREATE SCHEMA IF NOT EXISTS {workload.Schema}", cancellationToken);
        await using var connection = await server.OpenConnectionAsync(workload.Schema, cancellationToken);
        await RunAsync(connection, workload.Setup, cancellationToken);
        await RunAsync(connection, workload.Warmup, cancellationToken);
        return await MeasureExclusiveAsync(token => RunAsync(connection, workload.Measured, token), start, cancellationToken);
    }

    /// <summary>Measures whatever <paramref name="workload"/> writes (e.g. an EF Core SaveChanges).</summary>
    public async Task<WalMeasurement> MeasureAsync(Func<CancellationToken, Task> workload, WalStart start, CancellationToken cancellationToken = default)
    {
        using var exclusive = await server.Exclusive.AcquireAsync(cancellationToken);
        return await MeasureExclusiveAsync(workload, start, cancellationToken);
    }

    private static async Task RunAsync(NpgsqlConnection connection, IEnumerable<string> statements, CancellationToken cancellationToken)
    {
        foreach (var statement in statements)
        {
            await using var command = new NpgsqlCommand(statement, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static async Task<ulong> InsertLsnAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_current_wal_insert_lsn()", connection);
        return (ulong)(NpgsqlLogSequenceNumber)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<WalMeasurement> MeasureExclusiveAsync(Func<CancellationToken, Task> workload, WalStart start, CancellationToken cancellationToken)
    {
        await using var meter = await server.OpenConnectionAsync(cancellationToken: cancellationToken);
        if (start == WalStart.Cold)
        {
            await using var checkpoint = new NpgsqlCommand("CHECKPOINT", meter);
            await checkpoint.ExecuteNonQueryAsync(cancellationToken);
        }

        var startLsn = await InsertLsnAsync(meter, cancellationToken);
        await workload(cancellationToken);
        var endLsn = await InsertLsnAsync(meter, cancellationToken);

        await using var geometry = new NpgsqlCommand(
            "SELECT current_setting('wal_block_size')::int, pg_size_bytes(current_setting('wal_segment_size'))", meter);
        await using var reader = await geometry.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var blockSize = reader.GetInt32(0);
        var segmentSize = reader.GetInt64(1);
        await reader.CloseAsync();

        var records = endLsn > startLsn ? await ReadRecordsAsync(meter, startLsn, endLsn, cancellationToken) : [];
        return new WalMeasurement(startLsn, endLsn, records, blockSize, segmentSize);
    }

    private static async Task<IReadOnlyList<WalRecord>> ReadRecordsAsync(NpgsqlConnection connection, ulong start, ulong end, CancellationToken cancellationToken)
    {
        // pg_walinspect reads only flushed WAL; a background record after the last commit may still sit in the buffers
        // until the WAL writer flushes it (every 200 ms).
        var flushed = await Poll.UntilAsync(
            async () =>
            {
                await using var flush = new NpgsqlCommand("SELECT pg_current_wal_flush_lsn()", connection);
                return (ulong)(NpgsqlLogSequenceNumber)(await flush.ExecuteScalarAsync(cancellationToken))! >= end;
            },
            FlushTimeout,
            TimeSpan.FromMilliseconds(20),
            cancellationToken);
        if (!flushed)
        {
            throw new InvalidOperationException($"WAL up to {new NpgsqlLogSequenceNumber(end)} was not flushed within {FlushTimeout.TotalSeconds} s");
        }

        await using var command = new NpgsqlCommand(
            "SELECT start_lsn, resource_manager, record_type, record_length, fpi_length, coalesce(description, ''), coalesce(block_ref, '') " +
            "FROM pg_get_wal_records_info(@start, @end) ORDER BY start_lsn",
            connection);
        command.Parameters.Add(new NpgsqlParameter("start", NpgsqlDbType.PgLsn) { Value = new NpgsqlLogSequenceNumber(start) });
        command.Parameters.Add(new NpgsqlParameter("end", NpgsqlDbType.PgLsn) { Value = new NpgsqlLogSequenceNumber(end) });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var records = new List<WalRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            records.Add(new WalRecord(
                (ulong)reader.GetFieldValue<NpgsqlLogSequenceNumber>(0),
                reader.GetString(1),
                reader.GetString(2),
                reader.GetInt32(3),
                reader.GetInt32(4),
                reader.GetString(5),
                reader.GetString(6)));
        }

        return records;
    }
}
