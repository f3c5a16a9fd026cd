using BulkSafety.SafePaths;

namespace BulkSafety.Tests.SafePaths;

/// <summary>
/// The MySQL/MariaDB probes' reading of status rows and their binlog arithmetic, on rows shaped as the servers return
/// them (the integration tests feed them what the real MariaDB prints).
/// </summary>
public sealed class MySqlProbeParsingTests
{
    [Theory]
    [InlineData("Seconds_Behind_Master", 3L, 3.0)]
    [InlineData("Seconds_Behind_Source", 12L, 12.0)]
    [InlineData("Seconds_Behind_Master", null, null)]
    public void ReplicaStatus_GivesTheLag_OrNoneWhenNotReplicating(string column, long? seconds, double? expected)
    {
        var lag = MySqlReplicationLagProbe.FromStatus([Row(("Slave_IO_Running", "Yes"), (column, seconds))], "r1");

        Assert.Equal("r1", lag.Name);
        Assert.Equal(expected is { } s ? TimeSpan.FromSeconds(s) : null, lag.Lag);
        Assert.Null(lag.BytesBehind);
    }

    [Fact]
    public void ReplicaStatus_OfAServerThatIsNoReplica_IsAnError()
        => Assert.Contains("not a replica", Assert.Throws<InvalidOperationException>(() => MySqlReplicationLagProbe.FromStatus([], "r1")).Message, StringComparison.Ordinal);

    [Fact]
    public void MasterStatus_GivesFileAndPosition_InTheDriversTypesOrAsText()
    {
        Assert.Equal(new BinlogPosition("mysql-bin.000007", 4_242), MySqlBinlogRateProbe.FromStatus([Row(("File", "mysql-bin.000007"), ("Position", 4_242UL))]));
        Assert.Equal(new BinlogPosition("mysql-bin.000007", 4_242), MySqlBinlogRateProbe.FromStatus([Row(("File", "mysql-bin.000007"), ("Position", "4242"))]));
        Assert.Throws<InvalidOperationException>(() => MySqlBinlogRateProbe.FromStatus([]));
    }

    [Fact]
    public void BytesBetween_WithinOneFile_IsThePositionsDifference()
        => Assert.Equal(900, MySqlBinlogRateProbe.BytesBetween(new("b.000001", 100), new("b.000001", 1_000), []));

    [Fact]
    public void BytesBetween_AcrossRotations_AddsTheRestOfTheFirstFileAndTheFilesBetween()
    {
        IReadOnlyList<(string, long)> logs = [("b.000001", 5_000), ("b.000002", 7_000), ("b.000003", 2_000), ("b.000004", 300)];

        Assert.Equal((5_000 - 4_000) + 7_000 + 2_000 + 120, MySqlBinlogRateProbe.BytesBetween(new("b.000001", 4_000), new("b.000004", 120), logs));
        Assert.Equal((7_000 - 10) + 256, MySqlBinlogRateProbe.BytesBetween(new("b.000002", 10), new("b.000003", 256), logs));
    }

    [Fact]
    public void BytesBetween_FromAPurgedFile_IsUnknown()
    {
        IReadOnlyList<(string, long)> logs = [("b.000003", 2_000), ("b.000004", 300)];

        Assert.Null(MySqlBinlogRateProbe.BytesBetween(new("b.000001", 4_000), new("b.000004", 120), logs));
        Assert.Null(MySqlBinlogRateProbe.BytesBetween(new("b.000004", 500), new("b.000004", 120), logs));
    }

    [Fact]
    public void BinaryLogs_AreReadInOrderWithTheirSizes()
        => Assert.Equal(
            [("b.000001", 5_000L), ("b.000002", 388L)],
            MySqlBinlogRateProbe.FromBinaryLogs([Row(("Log_name", "b.000001"), ("File_size", 5_000UL)), Row(("Log_name", "b.000002"), ("File_size", "388"))]));

    private static IReadOnlyDictionary<string, object?> Row(params (string Column, object? Value)[] values)
        => values.ToDictionary(v => v.Column, v => v.Value, StringComparer.OrdinalIgnoreCase);
}
