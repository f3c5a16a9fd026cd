using System.ComponentModel.DataAnnotations.Schema;
using BulkSafety.Estimation;
using BulkSafety.IntegrationTests.Infrastructure;
using BulkSafety.IntegrationTests.MariaDb;
using BulkSafety.IntegrationTests.SafePaths;
using BulkSafety.SafePaths;
using Microsoft.EntityFrameworkCore;
using MySqlConnector;
using Xunit.Abstractions;

namespace BulkSafety.CompatibilityTests.MariaDb;

/// <summary>
/// The MySQL/MariaDB pacing probes through MySqlConnector against a real MariaDB 10.11 primary and its GTID replica
/// (<see cref="MariaDbReplicaFixture"/>): a batched job through Pomelo waits while the replica's SQL thread is stopped
/// and finishes once it runs again; the GTID distance counts the transactions the replica has not applied; a replica
/// whose I/O thread is stopped or cannot connect is not replicating, never "0 s behind"; the binlog-rate probe counts
/// the primary's binlog across a rotation. States are awaited; no duration is asserted.
/// </summary>
[Collection(MariaDbReplicaCollection.Name)]
public sealed class MariaDbReplicaTests(MariaDbReplicaFixture fixture, ITestOutputHelper output)
{
    private const string Schema = "replica_pacing";
    private static readonly TimeSpan StateTimeout = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    [Fact]
    public async Task StoppedSqlThread_MakesABatchedUpdateWait_AndStartingIt_LetsTheJobFinish()
    {
        const int rows = 2_000;
        await CreateItemsAsync(rows);
        await fixture.Replica.Client.ExecuteAsync("STOP SLAVE SQL_THREAD");
        var progress = new ProgressRecorder();
        await using var context = ItemsContext.Create(fixture.Primary, o =>
        {
            o.Profile = ReplicationProfile.MySqlRow();
            o.MaxTableFraction = 1;
        });
        var options = new BatchOptions { MaxRowsPerBatch = 100, ProbeInterval = TimeSpan.FromMilliseconds(200), PacingProbes = { LagProbe(maxTransactionsBehind: 5) } };

        Task<BatchResult> job;
        try
        {
            job = Task.Run(() => context.Items.Where(i => i.Flagged).UpdateInBatchesAsync(s => s.SetProperty(i => i.Counter, i => i.Counter + 1), options, progress));

            Assert.True(await Poll.UntilAsync(() => Task.FromResult(progress.Latest?.State == BatchState.WaitingForProbe), StateTimeout, PollInterval), $"the job never waited for the replica: {progress.Latest?.State}");
            var waiting = progress.Latest!;
            output.WriteLine($"waiting after {waiting.Batches} batches ({waiting.Rows} rows): {waiting.WaitReason}");
            Assert.Equal("replica replica-2: not replicating (SQL thread No), 0 transactions to apply (limit 1 s)", waiting.WaitReason);
            Assert.False(job.IsCompleted);
            Assert.Equal(0, await CountAsync(fixture.Primary, "Counter = 1"));
        }
        finally
        {
            // Also when an assertion failed: the job, and the collection's other tests, need a replica that applies.
            await fixture.Replica.Client.ExecuteAsync("START SLAVE SQL_THREAD");
        }

        var result = await job.WaitAsync(TimeSpan.FromMinutes(5));

        output.WriteLine($"finished: {result.Rows} rows in {result.Batches} batches, {result.Waits} waits; reasons: {string.Join(" | ", progress.Reports.Where(r => r.WaitReason is not null).Select(r => r.WaitReason).Distinct().Take(5))}");
        Assert.Equal(rows / 2, result.Rows);
        Assert.True(result.Waits >= 1);
        Assert.Equal(BatchState.Completed, progress.Latest!.State);
        Assert.True(await Poll.UntilAsync(async () => await CountAsync(fixture.Replica, "Counter = 1") == rows / 2, StateTimeout, PollInterval), "the replica never applied the updates");
    }

    [Fact]
    public async Task GtidDistance_CountsTheTransactionsTheReplicaHasNotApplied()
    {
        await CreateItemsAsync(rows: 10);
        await fixture.Replica.Client.ExecuteAsync("STOP SLAVE SQL_THREAD");
        try
        {
            foreach (var id in new[] { 1, 2, 3 })
            {
                await fixture.Primary.Client.ExecuteAsync($"UPDATE {Schema}.items SET Counter = Counter + 1 WHERE Id = {id}");
            }

            var probe = LagProbe(maxTransactionsBehind: 2);
            var stopped = await probe.MeasureAsync();
            var verdict = await probe.CheckAsync(CancellationToken.None);

            Assert.Equal((3L, null), (stopped.TransactionsBehind, stopped.Lag));
            Assert.Equal((true, "replica replica-2: not replicating (SQL thread No), 3 transactions to apply (limit 2 transactions)"), (verdict.ShouldWait, verdict.Observation));
        }
        finally
        {
            await fixture.Replica.Client.ExecuteAsync("START SLAVE SQL_THREAD");
        }

        var caughtUp = LagProbe(maxTransactionsBehind: 2);
        Assert.True(await Poll.UntilAsync(async () => !(await caughtUp.CheckAsync(CancellationToken.None)).ShouldWait, StateTimeout, PollInterval), "the replica never caught up");
        var lag = await caughtUp.MeasureAsync();
        Assert.Equal((0L, TimeSpan.Zero), (lag.TransactionsBehind, lag.Lag));
    }

    [Fact]
    public async Task AReplicaWhoseIoThreadIsStoppedOrCannotConnect_IsNotReplicating()
    {
        var probe = LagProbe();
        try
        {
            await fixture.Replica.Client.ExecuteAsync("STOP SLAVE IO_THREAD");
            var stopped = await probe.CheckAsync(CancellationToken.None);
            Assert.Equal((true, "replica replica-2: not replicating (I/O thread No), 0 transactions to apply (limit 1 s)"), (stopped.ShouldWait, stopped.Observation));

            // A primary that is not there: the I/O thread keeps trying to connect.
            await fixture.Replica.Client.ExecuteAsync($"STOP SLAVE; CHANGE MASTER TO MASTER_PORT={FreeTcpPort.Next()}, MASTER_CONNECT_RETRY=1; START SLAVE");
            PacingVerdict? broken = null;
            Assert.True(
                await Poll.UntilAsync(async () => (broken = await probe.CheckAsync(CancellationToken.None)).Observation.Contains("error connecting to master", StringComparison.Ordinal), StateTimeout, PollInterval),
                $"the I/O thread never reported its error: {broken?.Observation}");
            output.WriteLine(broken!.Observation);
            Assert.True(broken.ShouldWait);
            Assert.Null((await probe.MeasureAsync()).Lag);
            Assert.StartsWith("replica replica-2: not replicating (I/O thread Connecting: error connecting to master 'root@127.0.0.1:", broken.Observation, StringComparison.Ordinal);
        }
        finally
        {
            await fixture.Replica.Client.ExecuteAsync($"STOP SLAVE; CHANGE MASTER TO MASTER_PORT={fixture.Primary.Port}, MASTER_CONNECT_RETRY=60; START SLAVE");
        }

        Assert.True(await Poll.UntilAsync(async () => !(await probe.CheckAsync(CancellationToken.None)).ShouldWait, StateTimeout, PollInterval), "the replica never reconnected");
    }

    [Fact]
    public async Task LagOfTheServerThatIsNoReplica_IsAnError()
    {
        var probe = new MySqlReplicationLagProbe(fixture.PrimaryConnection);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => probe.MeasureAsync());

        Assert.Contains("not a replica", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BinlogRate_CountsThePrimarysBinlog_AcrossARotation()
    {
        var client = fixture.Primary.Client;
        await client.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {Schema}; CREATE OR REPLACE TABLE {Schema}.notes (id INT PRIMARY KEY, body LONGTEXT)");
        MySqlBinlogRateProbe probe = null!;
        var first = await QuietBinlog.ReadAsync(client, () =>
        {
            probe = new MySqlBinlogRateProbe(fixture.PrimaryConnection, maxBytesPerMinute: 100_000);
            return probe.MeasureAsync();
        });

        await client.ExecuteAsync($"INSERT INTO {Schema}.notes VALUES (1, REPEAT('a', 60000))");
        await client.ExecuteAsync("FLUSH BINARY LOGS");
        await client.ExecuteAsync($"INSERT INTO {Schema}.notes VALUES (2, REPEAT('b', 50000))");
        var second = await QuietBinlog.ReadAsync(client, () => probe.MeasureAsync());
        var verdict = await probe.CheckAsync(CancellationToken.None);

        var written = second.Total - first.Total;
        output.WriteLine($"probe {second.Value:N0} B/min, SHOW BINARY LOGS grew by {written:N0} B; {verdict}");
        Assert.Equal(0, first.Value);
        Assert.InRange(written, 110_000, 120_000);
        Assert.Equal(written, second.Value);
        Assert.True(verdict.ShouldWait);
    }

    private MySqlReplicationLagProbe LagProbe(long? maxTransactionsBehind = null) =>
        new(fixture.ReplicaConnection, name: "replica-2", primaryConnectionFactory: fixture.PrimaryConnection, maxTransactionsBehind: maxTransactionsBehind);

    // A fresh table on the primary, half its rows flagged, applied on the replica before the test goes on.
    private async Task CreateItemsAsync(int rows)
    {
        await fixture.Primary.Client.ExecuteAsync(
            $"CREATE DATABASE IF NOT EXISTS {Schema}; " +
            $"CREATE OR REPLACE TABLE {Schema}.items (Id INT PRIMARY KEY, Flagged TINYINT(1) NOT NULL, Counter INT NOT NULL, Payload VARCHAR(200) NOT NULL); " +
            $"INSERT INTO {Schema}.items SELECT seq, seq % 2 = 0, 0, REPEAT('p', 200) FROM {Schema}.seq_1_to_{rows}");
        var logged = (await fixture.Primary.Client.QueryAsync("SELECT @@GLOBAL.gtid_binlog_pos")).Scalar();
        Assert.True(
            await Poll.UntilAsync(async () => (await fixture.Replica.Client.QueryAsync("SELECT @@GLOBAL.gtid_slave_pos")).Scalar() == logged, StateTimeout, PollInterval),
            "the replica never applied the table");
    }

    private static async Task<long> CountAsync(MariaDbServer server, string condition) =>
        long.Parse((await server.Client.QueryAsync($"SELECT COUNT(*) FROM {Schema}.items WHERE {condition}")).Scalar()!, System.Globalization.CultureInfo.InvariantCulture);

    [Table("items")]
    private sealed class Item
    {
        public int Id { get; set; }

        public bool Flagged { get; set; }

        public int Counter { get; set; }

        [Column(TypeName = "varchar(200)")]
        public string Payload { get; set; } = "";
    }

    private sealed class ItemsContext(DbContextOptions<ItemsContext> options) : DbContext(options)
    {
        public DbSet<Item> Items => Set<Item>();

        public static ItemsContext Create(MariaDbServer server, Action<BulkSafetyOptions> configure) =>
            new(new DbContextOptionsBuilder<ItemsContext>()
                .UseMySql(server.ConnectionString(Schema), new MariaDbServerVersion(new Version(10, 11)))
                .UseBulkSafety(configure)
                .Options);
    }
}
