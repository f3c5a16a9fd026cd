using BulkSafety.Estimation;
using BulkSafety.IntegrationTests.MariaDb;
using BulkSafety.IntegrationTests.Workloads;
using MySqlConnector;
using Xunit.Abstractions;

namespace BulkSafety.CompatibilityTests.MariaDb;

/// <summary>
/// <see cref="ReplicationProfile.DetectAsync"/> over MySqlConnector against the live MariaDB 10.11, for every binlog setting
/// that changes at run time (<c>SET GLOBAL</c>; each connection is a new session that takes the global values): the
/// detected profile then guards an EF application through Pomelo, and its estimates must predict what the server logs
/// for that application's SaveChanges — within the calibration's ±1 % or ±64 B per transaction where the server logs
/// rows, and never below it where it logs statements as text (MIXED, STATEMENT) or compresses events.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class MySqlConnectorProfileDetectionTests(MariaDbFixture fixture, ITestOutputHelper output)
{
    // Each setting with the value it is returned to: the fixture's start-up options.
    private static readonly Dictionary<string, string> FixtureSettings = new()
    {
        ["binlog_format"] = "'ROW'", ["binlog_row_image"] = "'FULL'", ["binlog_annotate_row_events"] = "ON",
        ["binlog_checksum"] = "'CRC32'", ["binlog_row_metadata"] = "'NO_LOG'", ["log_bin_compress"] = "OFF",
    };

    public static TheoryData<string, string, string, bool> ExactSettings => new()
    {
        { "binlog_row_image", "'MINIMAL'", "mysql-row-minimal", true },
        { "binlog_row_image", "'NOBLOB'", "mysql-row-noblob", true },
        { "binlog_annotate_row_events", "OFF", "mysql-row-full", false },
        { "binlog_checksum", "'NONE'", "mysql-row-full", true },
        { "binlog_row_metadata", "'FULL'", "mysql-row-full", true },
    };

    [Theory]
    [MemberData(nameof(ExactSettings))]
    public async Task DetectedProfile_PredictsEachSaveChanges(string variable, string value, string profileName, bool annotates)
    {
        await WithGlobalAsync(variable, value, async () =>
        {
            var profile = await DetectAsync();

            Assert.Equal(profileName, profile.Name);
            Assert.Equal(annotates, profile.Settings.AnnotateRowEvents);
            Assert.Equal(value == "'NONE'" ? BinlogChecksum.None : BinlogChecksum.Crc32, profile.Settings.Checksum);
            Assert.Equal(value == "'FULL'" ? BinlogRowMetadata.Full : BinlogRowMetadata.NoLog, profile.Settings.RowMetadata);
            foreach (var transaction in await RunAsync(profile))
            {
                Assert.True(
                    transaction.IsWithin(EfCoreBinlogCalibrationTests.Tolerance, EfCoreBinlogCalibrationTests.ToleranceBytes),
                    $"{variable}={value}: {transaction.Accuracy}\n{transaction.Measured}");
            }
        });
    }

    [Theory]
    [InlineData("binlog_format", "'MIXED'")]
    [InlineData("binlog_format", "'STATEMENT'")]
    [InlineData("log_bin_compress", "ON")]
    public async Task DetectedProfile_BoundsEachSaveChangesFromAbove(string variable, string value)
    {
        await WithGlobalAsync(variable, value, async () =>
        {
            var profile = await DetectAsync();

            Assert.True(profile.Settings.AnnotateRowEvents);
            var transactions = await RunAsync(profile);
            output.WriteLine($"{variable}={value}: {EfCatalogWorkload.Sum(transactions)}; first and last: {transactions[0].Measured} | {transactions[^1].Measured}");
            foreach (var transaction in transactions)
            {
                Assert.True(transaction.Accuracy.Measured > 0, $"{variable}={value}: nothing logged");
                Assert.True(transaction.Accuracy.Predicted >= transaction.Accuracy.Measured, $"{variable}={value}: {transaction.Accuracy}\n{transaction.Measured}");
            }
        });
    }

    [Fact]
    public async Task BinaryLoggingOff_IsRefused()
    {
        await using var server = await MariaDbServer.StartAsync(["--skip-log-bin"]);
        await using var connection = new MySqlConnection(server.ConnectionString("mysql"));

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => ReplicationProfile.DetectAsync(connection));

        Assert.Contains("log_bin=OFF", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnOpenConnection_IsLeftOpen_AndItsSessionsSettingsAreRead()
    {
        await fixture.Server.Client.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {IncidentWorkloads.PlainSchema}");
        await using var connection = new MySqlConnection(fixture.Server.ConnectionString(IncidentWorkloads.PlainSchema));
        await connection.OpenAsync();
        await using (var session = new MySqlCommand("SET SESSION binlog_row_image='MINIMAL'", connection))
        {
            await session.ExecuteNonQueryAsync();
        }

        var profile = Assert.IsType<MySqlRowProfile>(await ReplicationProfile.DetectAsync(connection));

        Assert.Equal(BinlogRowImage.Minimal, profile.RowImage);
        Assert.Equal(IncidentWorkloads.PlainSchema, profile.Settings.DatabaseName);
        Assert.Equal(System.Data.ConnectionState.Open, connection.State);
    }

    // The per-child loop at 10 KB: single-row DELETEs and UPDATEs of a row with a large text, one SaveChanges per child;
    // and the 10 KB insert, whose text is logged twice with annotate events (and compresses).
    private async Task<List<SavedTransaction>> RunAsync(MySqlRowProfile profile) =>
    [
        .. await EfCatalogWorkload.RunAsync(fixture, WorkloadShape.PerChildLoop, TextSize.TenKb, profile),
        .. await EfCatalogWorkload.RunAsync(fixture, WorkloadShape.InsertGroup, TextSize.TenKb, profile),
    ];

    private async Task<MySqlRowProfile> DetectAsync()
    {
        await fixture.Server.Client.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {IncidentWorkloads.PlainSchema}");
        await using var connection = new MySqlConnection(fixture.Server.ConnectionString(IncidentWorkloads.PlainSchema));
        var profile = Assert.IsType<MySqlRowProfile>(await ReplicationProfile.DetectAsync(connection));
        Assert.Equal(System.Data.ConnectionState.Closed, connection.State);
        Assert.Equal(IncidentWorkloads.PlainSchema, profile.Settings.DatabaseName);
        return profile;
    }

    private async Task WithGlobalAsync(string variable, string value, Func<Task> test)
    {
        await fixture.Server.Client.ExecuteAsync($"SET GLOBAL {variable}={value}");
        try
        {
            await test();
        }
        finally
        {
            await fixture.Server.Client.ExecuteAsync($"SET GLOBAL {variable}={FixtureSettings[variable]}");
        }
    }
}
