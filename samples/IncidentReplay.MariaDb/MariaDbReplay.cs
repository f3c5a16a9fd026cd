using BulkSafety;
using BulkSafety.Estimation;
using IncidentReplay.Model;
using Microsoft.EntityFrameworkCore;
using MySqlConnector;

namespace IncidentReplay;

/// <summary>
/// The incident on MariaDB through EF Core 9 and Pomelo: the groups seeded into a database of their own, then the
/// naive per-child cleanup (<see cref="NaiveCleanup"/>, one SaveChanges per child) run to the end under the guard in
/// Warn mode with the replication profile detected from the server — and what the guard estimated for each table set
/// beside what the server's binlog holds for it.
/// </summary>
public static class MariaDbReplay
{
    /// <summary>The database the replay creates (dropped first if it exists) on the server.</summary>
    public const string DatabaseName = "bulksafety_incident_replay";

    /// <summary>The calibration's tolerance for the EF path (docs/real-databases.md): ±1 % or ±64 B per transaction, whichever is larger.</summary>
    public const double Tolerance = 0.01;

    public const int ToleranceBytesPerTransaction = 64;

    /// <summary>Runs the replay on the server of <paramref name="serverConnectionString"/> (its database, if any, is not touched).</summary>
    public static async Task<MariaDbReplayResult> RunAsync(string serverConnectionString, int groups, IProgress<int>? childrenDeleted = null)
    {
        var connectionString = new MySqlConnectionStringBuilder(serverConnectionString) { Database = DatabaseName }.ConnectionString;
        await using (var server = new MySqlConnection(new MySqlConnectionStringBuilder(serverConnectionString) { Database = "" }.ConnectionString))
        {
            await server.OpenAsync();
            await using var create = new MySqlCommand($"DROP DATABASE IF EXISTS `{DatabaseName}`; CREATE DATABASE `{DatabaseName}`", server);
            await create.ExecuteNonQueryAsync();
        }

        var serverVersion = ServerVersion.AutoDetect(connectionString);
        SeededRows rows;
        await using (var context = Context(connectionString, serverVersion, guard: null))
        {
            await context.Database.EnsureCreatedAsync();
            rows = IncidentSeed.Fill(context, groups);
        }

        await using var measuring = new MySqlConnection(connectionString);
        await measuring.OpenAsync();
        var profile = await ReplicationProfile.DetectAsync(measuring);
        using var meter = new VolumeMeter();
        var from = await BinlogTables.PositionAsync(measuring);
        await NaiveCleanup.RunAsync(
            () => Context(connectionString, serverVersion, o =>
            {
                o.Profile = profile;
                o.Mode = BulkSafetyMode.Warn;
            }),
            childrenDeleted ?? new Progress<int>(),
            CancellationToken.None);
        var to = await BinlogTables.PositionAsync(measuring);
        var estimated = meter.Take();
        var measured = await BinlogTables.ReadAsync(measuring, from, to);
        var tables = estimated.BytesByTable.Keys.Union(measured.Keys).Order(StringComparer.Ordinal)
            .Select(table => new TableComparison(table, estimated.BytesByTable.GetValueOrDefault(table), measured.GetValueOrDefault(table) ?? new TableBinlog(0, 0)))
            .ToList();
        return new MariaDbReplayResult(profile.Name, rows, tables, estimated.Violations);
    }

    private static IncidentContext Context(string connectionString, ServerVersion serverVersion, Action<BulkSafetyOptions>? guard)
    {
        var options = new DbContextOptionsBuilder<IncidentContext>().UseMySql(connectionString, serverVersion);
        return new IncidentContext((guard is null ? options : options.UseBulkSafety(guard)).Options);
    }
}

/// <summary>What the replay seeded, and per table the guard's estimate beside the measured binlog.</summary>
public sealed record MariaDbReplayResult(string ProfileName, SeededRows Seeded, IReadOnlyList<TableComparison> Tables, long Violations)
{
    public TableComparison Total => new("total", Tables.Sum(t => t.Estimated), new TableBinlog(Tables.Sum(t => t.Measured.Bytes), Tables.Single(t => t.Table == BinlogTables.TransactionRow).Measured.Transactions));

    /// <summary>Whether every table, and the total, is within the calibration's tolerance.</summary>
    public bool WithinTolerance => Tables.All(t => t.WithinTolerance) && Total.WithinTolerance;
}

/// <summary>One table's estimated and measured binlog bytes.</summary>
public sealed record TableComparison(string Table, long Estimated, TableBinlog Measured)
{
    public long Difference => Estimated - Measured.Bytes;

    /// <summary>±1 % of the measured bytes or ±64 B per transaction that logged the table, whichever is larger.</summary>
    public long Allowed => (long)Math.Max(MariaDbReplay.Tolerance * Measured.Bytes, MariaDbReplay.ToleranceBytesPerTransaction * (double)Measured.Transactions);

    public bool WithinTolerance => Math.Abs(Difference) <= Allowed;
}
