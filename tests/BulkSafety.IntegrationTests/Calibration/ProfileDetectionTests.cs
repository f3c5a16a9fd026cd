using BulkSafety.Estimation;
using BulkSafety.IntegrationTests.MariaDb;
using BulkSafety.IntegrationTests.Postgres;
using BulkSafety.IntegrationTests.Workloads;
using Npgsql;

namespace BulkSafety.IntegrationTests.Calibration;

/// <summary>
/// <see cref="ReplicationProfile.DetectAsync"/> against live PostgreSQL through Npgsql's <see cref="System.Data.Common.DbConnection"/>,
/// and the MariaDB detection by running its query through the <c>mariadb</c> client (this net10.0 project has no MySQL
/// driver; CompatibilityTests' <c>MySqlConnectorProfileDetectionTests</c> run it over MySqlConnector) and feeding the result
/// to the same parser the runtime uses: the detected profile must predict what the server then logs.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresProfileDetectionTests(PostgresFixture fixture)
{
    [Theory]
    [InlineData(WalLevel.Replica, PostgresWalLevel.Replica)]
    [InlineData(WalLevel.Logical, PostgresWalLevel.Logical)]
    public async Task DetectAsync_ReadsTheWalLevel(WalLevel level, PostgresWalLevel expected)
    {
        await fixture.Server.SetWalLevelAsync(level);
        await using var connection = new NpgsqlConnection(fixture.Server.ConnectionString);

        var profile = Assert.IsType<PostgresWalProfile>(await ReplicationProfile.DetectAsync(connection));

        Assert.Equal(expected, profile.WalLevel);
        Assert.Equal(System.Data.ConnectionState.Closed, connection.State);
    }

    [Fact]
    public async Task DetectAsync_FindsTheTablesWithReplicaIdentityFull_AndPredictsTheirWal()
    {
        await fixture.Server.SetWalLevelAsync(WalLevel.Logical);
        var workload = IncidentWorkloads.ForPostgres(WorkloadShape.UpdateCounter, TextSize.FiftyKb, ReplicaIdentity.Default);
        await fixture.Meter.MeasureAsync(workload with { Setup = [.. workload.Setup, "ALTER TABLE groups REPLICA IDENTITY FULL"], Measured = [] }, WalStart.Steady);
        await using var connection = new NpgsqlConnection(fixture.Server.ConnectionString);
        await connection.OpenAsync();

        var profile = Assert.IsType<PostgresWalProfile>(await ReplicationProfile.DetectAsync(connection));
        var measured = await fixture.Meter.MeasureAsync(workload with { Setup = [], Warmup = [] }, WalStart.Steady);

        var groups = new TableShape("groups", CatalogTables.Groups(cascades: false).Columns) { Schema = IncidentWorkloads.PlainSchema };
        var posts = new TableShape("posts", CatalogTables.Posts.Columns) { Schema = IncidentWorkloads.PlainSchema };
        Assert.Equal(PostgresReplicaIdentity.Full, profile.ReplicaIdentityOf(groups));
        Assert.Equal(PostgresReplicaIdentity.Default, profile.ReplicaIdentityOf(posts));
        Assert.Equal(PostgresReplicaIdentity.Full, profile.TableReplicaIdentities["gt.groups"]);
        Assert.Equal(System.Data.ConnectionState.Open, connection.State);

        // The counter update logs the de-TOASTed old row of groups: 51,552 B of records, not the 264 B of identity default.
        var row = CatalogTables.GroupRow(TextSize.FiftyKb);
        var update = profile.EstimateRow(groups, RowChange.Update(row, row, CatalogTables.Assigns(groups, "posts_count")));
        Assert.True(new Accuracy(update + profile.EstimateTransactionOverhead(update), measured.WorkloadBytes).IsWithin(0.01), $"{update} vs {measured}");
    }
}

/// <summary>The MariaDB half of the detection tests (see <see cref="PostgresProfileDetectionTests"/>).</summary>
[Collection(MariaDbCollection.Name)]
public sealed class MariaDbProfileDetectionTests(MariaDbFixture fixture)
{
    public static TheoryData<string, string> Sessions => new()
    {
        { "SET SESSION binlog_row_image='FULL'; SET SESSION binlog_annotate_row_events=ON;", "mysql-row-full" },
        { "SET SESSION binlog_row_image='MINIMAL'; SET SESSION binlog_annotate_row_events=OFF;", "mysql-row-minimal" },
        { "SET SESSION binlog_row_image='NOBLOB'; SET SESSION binlog_annotate_row_events=ON;", "mysql-row-noblob" },
    };

    [Theory]
    [MemberData(nameof(Sessions))]
    public async Task DetectedSettings_PredictTheSessionsBinlogToTheByte(string session, string profileName)
    {
        var workload = IncidentWorkloads.ForMariaDb(WorkloadShape.PerChildLoop, TextSize.TenKb);
        await fixture.Meter.MeasureAsync(workload with { Measured = [] }, BinlogSettings.Default);

        var profile = await DetectAsync(session, workload.Schema);
        var measured = await fixture.Meter.MeasureAsync(session + string.Concat(workload.Measured.Select(s => s + ";\n")), workload.Schema);

        Assert.Equal(profileName, profile.Name);
        Assert.Equal(workload.Schema, profile.Settings.DatabaseName);
        Assert.Equal(BinlogChecksum.Crc32, profile.Settings.Checksum);
        Assert.Equal(CatalogPredictions.Predict(profile, workload), measured.Bytes);
    }

    [Fact]
    public async Task TheServersVersion_NamesMariaDb_SoTheMariaDbQueryIsChosen()
    {
        var version = (await fixture.Server.Client.QueryAsync(ProfileDetection.VersionQuery)).Scalar();

        Assert.Contains("MariaDB", version, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RowMetadataAndChecksum_AreRead()
    {
        await fixture.Server.Client.ExecuteAsync("SET GLOBAL binlog_row_metadata='MINIMAL'");
        try
        {
            var profile = await DetectAsync("", IncidentWorkloads.PlainSchema);

            Assert.Equal(BinlogRowMetadata.Minimal, profile.Settings.RowMetadata);
        }
        finally
        {
            await fixture.Server.Client.ExecuteAsync("SET GLOBAL binlog_row_metadata='NO_LOG'");
        }
    }

    [Theory]
    [InlineData("MIXED")]
    [InlineData("STATEMENT")]
    public async Task StatementBasedLogging_IsDetectedAsAnUpperBound(string format)
    {
        var session = $"SET SESSION binlog_format='{format}'; SET SESSION binlog_annotate_row_events=OFF;";
        var workload = IncidentWorkloads.ForMariaDb(WorkloadShape.PerChildLoop, TextSize.TenKb);
        await fixture.Meter.MeasureAsync(workload with { Measured = [] }, BinlogSettings.Default);

        var profile = await DetectAsync(session, workload.Schema);
        var measured = await fixture.Meter.MeasureAsync(session + string.Concat(workload.Measured.Select(s => s + ";\n")), workload.Schema);

        Assert.True(profile.Settings.AnnotateRowEvents);
        Assert.InRange(measured.Bytes, 1, CatalogPredictions.Predict(profile, workload));
    }

    // The runtime's query through the mariadb client, its one result row handed to the runtime's parser.
    private async Task<MySqlRowProfile> DetectAsync(string session, string database)
    {
        await fixture.Server.Client.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {database}");
        var result = await fixture.Server.Client.QueryAsync(session + ProfileDetection.MariaDbQuery, database);
        return ProfileDetection.MySqlRow(result.Columns.Select((column, i) => (column, result.Rows.Single()[i])).ToDictionary(p => p.column, p => p.Item2));
    }
}
