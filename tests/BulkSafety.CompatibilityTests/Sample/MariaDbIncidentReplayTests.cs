using BulkSafety.Tests.Guard;
using IncidentReplay;
using Xunit.Abstractions;

namespace BulkSafety.CompatibilityTests.Sample;

/// <summary>
/// The incident replay's MariaDB mode (samples/IncidentReplay.MariaDb, what <c>--database mariadb</c> runs) on a
/// throwaway server of its own: per table, the guard's estimate of the naive cleanup is within the EF path's calibration
/// tolerance (±1 % or ±64 B per transaction) of the binlog the server wrote. The replay reads the process-wide meter, so
/// this test runs alone.
/// </summary>
[Collection(MetricsCollection.Name)]
public sealed class MariaDbIncidentReplayTests(ITestOutputHelper output)
{
    [Fact]
    public async Task NaiveCleanup_IsEstimatedPerTable_WithinTheCalibrationTolerance()
    {
        await using var server = await ThrowawayMariaDb.StartAsync();

        var result = await MariaDbReplay.RunAsync(server.ConnectionString, groups: 1);

        foreach (var row in result.Tables.Append(result.Total))
        {
            output.WriteLine($"{row.Table}: {row.Measured.Transactions} transactions, estimated {row.Estimated:N0} B, measured {row.Measured.Bytes:N0} B, {row.Difference:+#,0;-#,0;0} B (±{row.Allowed:N0} B)");
        }

        Assert.Equal("mysql-row-full", result.ProfileName);
        Assert.Equal([BinlogTables.TransactionRow, "groups", "memberships", "posts"], result.Tables.Select(t => t.Table));
        // One transaction per child, and one for the group.
        Assert.Equal(result.Seeded.Posts + result.Seeded.Memberships + 1, result.Total.Measured.Transactions);
        // Each child rewrites the wide group row twice (before and after images): megabytes, where the children are kilobytes.
        Assert.True(result.Tables.Single(t => t.Table == "groups").Measured.Bytes > 100 * result.Tables.Single(t => t.Table == "posts").Measured.Bytes);
        Assert.All(result.Tables, table => Assert.True(table.WithinTolerance, $"{table.Table}: estimated {table.Estimated:N0} B, measured {table.Measured.Bytes:N0} B"));
        Assert.True(result.Total.WithinTolerance);
    }
}
