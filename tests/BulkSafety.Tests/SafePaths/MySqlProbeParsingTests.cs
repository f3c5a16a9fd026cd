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
        var lag = MySqlReplicationLagProbe.FromStatus([Row(("Slave_IO_Running", "Yes"), (column, seconds))], "r1", transactionsBehind: null);

        Assert.Equal("r1", lag.Name);
        Assert.Equal(expected is { } s ? TimeSpan.FromSeconds(s) : null, lag.Lag);
        Assert.Null(lag.BytesBehind);
        Assert.Null(lag.TransactionsBehind);
    }

    // MySQL has reported 0 seconds for a replica whose I/O thread was reconnecting: a thread that does not run means no lag is known.
    [Theory]
    [InlineData("Slave_IO_Running", "Connecting", "Slave_SQL_Running", "Yes", "r1: not replicating (I/O thread Connecting: error connecting to master)")]
    [InlineData("Replica_IO_Running", "No", "Replica_SQL_Running", "Yes", "r1: not replicating (I/O thread No: error connecting to master)")]
    [InlineData("Slave_IO_Running", "Yes", "Slave_SQL_Running", "No", "r1: not replicating (SQL thread No: Duplicate entry)")]
    [InlineData("Slave_IO_Running", "Yes", "Slave_SQL_Running", "Yes", "r1: 0 s behind")]
    public void ReplicaStatus_WithAThreadNotRunning_IsNotReplicating_WhateverTheSeconds(string io, string ioState, string sql, string sqlState, string expected)
    {
        var lag = MySqlReplicationLagProbe.FromStatus(
            [Row((io, ioState), (sql, sqlState), ("Seconds_Behind_Master", 0L), ("Last_IO_Error", "error connecting to master"), ("Last_SQL_Error", "Duplicate entry"))], "r1", transactionsBehind: null);

        Assert.Equal(expected, lag.ToString());
        Assert.Equal(expected.EndsWith("0 s behind", StringComparison.Ordinal), lag.Lag is not null);
    }

    [Theory]
    [InlineData("0-1-42", "0-1-42", 0)]
    [InlineData("0-1-42", "0-1-40", 2)]
    [InlineData("0-2-42", "0-1-40", 2)]
    [InlineData("0-1-42,1-3-7", "0-1-41", 8)]
    [InlineData("0-1-42", "", 42)]
    [InlineData("", "", 0)]
    [InlineData("0-1-40", "0-1-42,5-1-3", 0)]
    public void GtidDistance_CountsThePrimarysTransactionsTheReplicaLacks_PerDomain(string logged, string applied, long expected)
        => Assert.Equal(expected, MySqlReplicationLagProbe.GtidDistance(logged, applied));

    [Theory]
    [InlineData("3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5")]
    [InlineData("0-1")]
    public void GtidDistance_OfAPositionThatIsNoMariaDbGtid_IsAnError(string logged)
        => Assert.Throws<FormatException>(() => MySqlReplicationLagProbe.GtidDistance(logged, ""));

    [Fact]
    public void ALimitOnTheGtidDistance_NeedsThePrimary()
        => Assert.Throws<ArgumentException>(() => new MySqlReplicationLagProbe(() => null!, maxTransactionsBehind: 10));

    [Fact]
    public void ReplicaStatus_OfAServerThatIsNoReplica_IsAnError()
        => Assert.Contains("not a replica", Assert.Throws<InvalidOperationException>(() => MySqlReplicationLagProbe.FromStatus([], "r1", transactionsBehind: null)).Message, StringComparison.Ordinal);

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
