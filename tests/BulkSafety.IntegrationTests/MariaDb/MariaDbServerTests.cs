using System.Diagnostics;
using BulkSafety.IntegrationTests.Workloads;

namespace BulkSafety.IntegrationTests.MariaDb;

/// <summary>The fixture's server, the detection queries, and the meter's isolation.</summary>
[Collection(MariaDbCollection.Name)]
public sealed class MariaDbServerTests(MariaDbFixture fixture)
{
    [Fact]
    public async Task Server_RunsAsOurChildProcessOnLoopbackWithItsDataInATempDirectory()
    {
        var server = fixture.Server;

        var where = await server.Client.QueryAsync("SELECT @@port AS port, @@bind_address AS address, @@datadir AS datadir");

        Assert.Equal(server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), where.Value(0, "port"));
        Assert.Equal("127.0.0.1", where.Value(0, "address"));
        Assert.StartsWith(server.Directory, where.Value(0, "datadir"), StringComparison.Ordinal);
        Assert.StartsWith(Path.GetTempPath(), server.Directory, StringComparison.Ordinal);
        using var process = Process.GetProcessById(server.ProcessId);
        Assert.False(process.HasExited);
    }

    [Fact]
    public async Task Detection_ReadsTheRowBinlogSettingsTheFixtureStartsWith()
    {
        var settings = await MariaDbDetection.ReadAsync(fixture.Server.Client);

        Assert.Equal(new BinlogServerSettings(LogBin: true, "ROW", "FULL", AnnotateRows: true, "CRC32", "NO_LOG"), settings);
    }

    [Fact]
    public async Task Detection_SeesSessionChanges()
    {
        var settings = await MariaDbDetection.ReadAsync(
            fixture.Server.Client,
            "SET SESSION binlog_format='MIXED';\nSET SESSION binlog_row_image='NOBLOB';\nSET SESSION binlog_annotate_row_events=OFF;\n");

        Assert.Equal(new BinlogServerSettings(LogBin: true, "MIXED", "NOBLOB", AnnotateRows: false, "CRC32", "NO_LOG"), settings);
    }

    [Theory]
    [InlineData("binlog_format", "MIXED")]
    [InlineData("binlog_row_image", "FULL")]
    [InlineData("binlog_annotate_row_events", "ON")]
    [InlineData("binlog_checksum", "CRC32")]
    [InlineData("binlog_row_metadata", "NO_LOG")]
    public async Task CompiledDefaults_AreWhatAServerStartedWithoutOptionsRunsWith(string variable, string expected)
    {
        Assert.Equal(expected, await MariaDbDetection.CompiledDefaultAsync(fixture.Server.Client, variable));
    }

    [Fact]
    public async Task RowEventMaxSize_IsNotASystemVariable_SoItCannotBeDetected()
    {
        var error = await Assert.ThrowsAsync<MariaDbException>(() => fixture.Server.Client.QueryAsync("SELECT @@binlog_row_event_max_size"));

        Assert.Equal("Unknown system variable 'binlog_row_event_max_size'", error.ServerMessage);
    }

    [Fact]
    public async Task MixedFormat_LogsTheCounterUpdateAsAStatementNotARowImage()
    {
        var workload = IncidentWorkloads.ForMariaDb(WorkloadShape.UpdateCounter, TextSize.FiftyKb);
        await fixture.Meter.MeasureAsync(workload, BinlogSettings.Default);

        var measured = await fixture.Meter.MeasureAsync(
            "SET SESSION binlog_format='MIXED';\n" + workload.Measured.Single(), IncidentWorkloads.PlainSchema);

        Assert.Contains(measured.Events, e => e.EventType == "Query" && e.Info.Contains("posts_count=posts_count-1", StringComparison.Ordinal));
        Assert.Equal(0, measured.CountOf("Update_rows_v1"));
        Assert.InRange(measured.Bytes, 1, 1_000);
    }

    [Fact]
    public async Task Meter_WithNoWrites_MeasuresNothing()
    {
        var measured = await fixture.Meter.MeasureAsync("SELECT COUNT(*) FROM mysql.user");

        Assert.Equal(0, measured.Bytes);
        Assert.Empty(measured.Events);
    }

    [Fact]
    public async Task Meter_EventSizesAddUpToThePositionDelta()
    {
        var measured = await fixture.Meter.MeasureAsync(IncidentWorkloads.ForMariaDb(WorkloadShape.PerChildLoop, TextSize.OneKb), BinlogSettings.Default);

        Assert.Equal(measured.Bytes, measured.Events.Sum(e => e.Size));
        Assert.Equal(measured.Start.Position, measured.Events[0].Position);
        Assert.Equal(measured.End.Position, measured.Events[^1].EndPosition);
    }

    [Fact]
    public async Task ConcurrentMeasurements_QueueInsteadOfPollutingEachOther()
    {
        var meter = fixture.Meter;
        var counter = IncidentWorkloads.ForMariaDb(WorkloadShape.UpdateCounter, TextSize.FiftyKb);
        var child = IncidentWorkloads.ForMariaDb(WorkloadShape.DeleteChild, TextSize.FiftyKb);

        var measurements = await Task.WhenAll(
            Enumerable.Range(0, 3).SelectMany(_ => new[] { meter.MeasureAsync(counter, BinlogSettings.Default), meter.MeasureAsync(child, BinlogSettings.Default) }));

        Assert.All(measurements.Where((_, i) => i % 2 == 0), m => Assert.Equal(102_784, m.Bytes));
        Assert.All(measurements.Where((_, i) => i % 2 == 1), m => Assert.Equal(438, m.Bytes));
    }
}
