using System.Globalization;
using BulkSafety.IntegrationTests.Workloads;

namespace BulkSafety.IntegrationTests.MariaDb;

/// <summary>
/// Measures the binlog bytes a workload writes: <c>SHOW MASTER STATUS</c> before and after, <c>SHOW BINLOG EVENTS</c> for
/// the per-event breakdown. Every measurement holds the server's <see cref="MariaDbServer.Exclusive"/> access, and
/// rotates the log beforehand when it has grown large, so a delta never spans two binlog files.
/// </summary>
public sealed class BinlogMeter(MariaDbServer server)
{
    private MariaDbClient Client => server.Client;

    /// <summary>The current binlog file and position.</summary>
    public async Task<BinlogPosition> CurrentPositionAsync(CancellationToken cancellationToken = default)
    {
        var status = await Client.QueryAsync("SHOW MASTER STATUS", cancellationToken: cancellationToken);
        if (status.Rows.Count != 1)
        {
            throw new InvalidOperationException("SHOW MASTER STATUS returned no row: the server runs without --log-bin.");
        }

        return new BinlogPosition(status.Value(0, "File")!, long.Parse(status.Value(0, "Position")!, CultureInfo.InvariantCulture));
    }

    /// <summary>The events from <paramref name="from"/> up to <paramref name="to"/> (same file).</summary>
    public async Task<IReadOnlyList<BinlogEvent>> ReadEventsAsync(BinlogPosition from, BinlogPosition to, CancellationToken cancellationToken = default)
    {
        if (from.File != to.File)
        {
            throw new ArgumentException($"events span two binlog files ({from.File} .. {to.File})", nameof(to));
        }

        if (from.Position == to.Position)
        {
            return [];
        }

        var result = await Client.QueryAsync(
            $"SHOW BINLOG EVENTS IN '{from.File}' FROM {from.Position.ToString(CultureInfo.InvariantCulture)}", cancellationToken: cancellationToken);
        var events = new List<BinlogEvent>();
        for (var row = 0; row < result.Rows.Count; row++)
        {
            var end = long.Parse(result.Value(row, "End_log_pos")!, CultureInfo.InvariantCulture);
            if (end > to.Position)
            {
                break;
            }

            events.Add(new BinlogEvent(
                result.Value(row, "Event_type")!,
                long.Parse(result.Value(row, "Pos")!, CultureInfo.InvariantCulture),
                end,
                result.Value(row, "Info") ?? string.Empty));
        }

        return events;
    }

    /// <summary>Runs <paramref name="sql"/> in one client session (so <c>SET SESSION</c> at its start applies to the rest)
    /// and returns what it added to the binlog.</summary>
    public async Task<BinlogMeasurement> MeasureAsync(string sql, string? database = null, CancellationToken cancellationToken = default)
    {
        using var exclusive = await server.Exclusive.AcquireAsync(cancellationToken);
        return await MeasureExclusiveAsync(sql, database, cancellationToken);
    }

    /// <summary>Sets up <paramref name="workload"/>, runs its warm-up, then measures its statements under
    /// <paramref name="settings"/>, all under exclusive access.</summary>
    public async Task<BinlogMeasurement> MeasureAsync(Workload workload, BinlogSettings settings, CancellationToken cancellationToken = default)
    {
        using var exclusive = await server.Exclusive.AcquireAsync(cancellationToken);
        await Client.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {workload.Schema}", cancellationToken: cancellationToken);
        await Client.ExecuteAsync(Script(workload.Setup), workload.Schema, cancellationToken);
        if (workload.Warmup.Count > 0)
        {
            await Client.ExecuteAsync(settings.SessionStatements + Script(workload.Warmup), workload.Schema, cancellationToken);
        }

        return await MeasureExclusiveAsync(settings.SessionStatements + Script(workload.Measured), workload.Schema, cancellationToken);
    }

    /// <summary>Runs <paramref name="workload"/> (e.g. an EF Core SaveChanges over its own connection) under exclusive
    /// access and returns what it added to the binlog.</summary>
    public async Task<BinlogMeasurement> MeasureAsync(Func<CancellationToken, Task> workload, CancellationToken cancellationToken = default)
    {
        using var exclusive = await server.Exclusive.AcquireAsync(cancellationToken);
        return await MeasureExclusiveAsync(workload, cancellationToken);
    }

    private static string Script(IEnumerable<string> statements) => string.Concat(statements.Select(statement => statement + ";\n"));

    private Task<BinlogMeasurement> MeasureExclusiveAsync(string sql, string? database, CancellationToken cancellationToken) =>
        MeasureExclusiveAsync(token => Client.ExecuteAsync(sql, database, token), cancellationToken);

    private async Task<BinlogMeasurement> MeasureExclusiveAsync(Func<CancellationToken, Task> workload, CancellationToken cancellationToken)
    {
        var start = await CurrentPositionAsync(cancellationToken);
        if (start.Position > MariaDbServer.RotateBinlogAbove)
        {
            await Client.ExecuteAsync("FLUSH BINARY LOGS", cancellationToken: cancellationToken);
            start = await CurrentPositionAsync(cancellationToken);
        }

        await workload(cancellationToken);
        var end = await CurrentPositionAsync(cancellationToken);
        if (end.File != start.File)
        {
            throw new InvalidOperationException(
                $"the binlog rotated during the measurement ({start.File} -> {end.File}); the position delta would be meaningless.");
        }

        return new BinlogMeasurement(start, end, await ReadEventsAsync(start, end, cancellationToken));
    }
}
