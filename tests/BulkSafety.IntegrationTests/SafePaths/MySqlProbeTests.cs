using BulkSafety.IntegrationTests.Infrastructure;
using BulkSafety.IntegrationTests.MariaDb;
using BulkSafety.SafePaths;
using Xunit.Abstractions;

namespace BulkSafety.IntegrationTests.SafePaths;

/// <summary>
/// The MySQL/MariaDB pacing probes against a real MariaDB 10.11 — the primary's binlog rate, and a second server
/// replicating from it for the lag — through <see cref="MariaDbCliConnection"/>: the probes' statements, parsing and
/// arithmetic meet the real server's output; only the .NET driver is replaced by the command-line client.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class MySqlProbeTests(MariaDbFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan StateTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task BinlogRate_CountsTheBytesTheServerWrote_AcrossARotation()
    {
        var client = fixture.Server.Client;
        await client.ExecuteAsync("CREATE DATABASE IF NOT EXISTS safe_paths; CREATE OR REPLACE TABLE safe_paths.notes (id INT PRIMARY KEY, body LONGTEXT)");
        MySqlBinlogRateProbe probe = null!;
        var first = await QuietBinlog.ReadAsync(client, () =>
        {
            probe = new MySqlBinlogRateProbe(() => new MariaDbCliConnection(client), maxBytesPerMinute: 100_000);
            return probe.MeasureAsync();
        });
        Assert.Equal(0, first.Value);

        await client.ExecuteAsync("INSERT INTO safe_paths.notes VALUES (1, REPEAT('a', 60000))");
        await client.ExecuteAsync("FLUSH BINARY LOGS");
        await client.ExecuteAsync("INSERT INTO safe_paths.notes VALUES (2, REPEAT('b', 50000))");

        // Within the first minute the rate is the bytes written since the first check: here, everything after it.
        var second = await QuietBinlog.ReadAsync(client, () => probe.MeasureAsync());
        var verdict = await probe.CheckAsync(CancellationToken.None);
        var written = second.Total - first.Total;
        output.WriteLine($"probe {second.Value:N0} B/min, SHOW BINARY LOGS grew by {written:N0} B; {verdict}");
        Assert.Equal(written, second.Value);
        Assert.True(verdict.ShouldWait);
        Assert.Contains("B of binlog per minute (limit 100,000 B/min, over 60 s)", verdict.Observation, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LagOfAServerThatIsNoReplica_IsAnError()
    {
        var probe = new MySqlReplicationLagProbe(() => new MariaDbCliConnection(fixture.Server.Client));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => probe.MeasureAsync());

        Assert.Contains("not a replica", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReplicaLag_IsReadOnTheReplica_NullWhenStopped_AndGrowsWithADelayedReplica()
    {
        var primary = fixture.Server;
        await using var replica = await primary.StartReplicaAsync();
        var connections = new List<MariaDbCliConnection>();
        var probe = new MySqlReplicationLagProbe(
            () =>
            {
                // A server that answers only to the older name: the probe falls back to SHOW SLAVE STATUS.
                var connection = new MariaDbCliConnection(replica.Client, "SHOW REPLICA STATUS");
                connections.Add(connection);
                return connection;
            },
            name: "replica-2");

        Assert.True(await Poll.UntilAsync(async () => (await probe.MeasureAsync()).Lag == TimeSpan.Zero, StateTimeout, TimeSpan.FromMilliseconds(200)), "the replica never caught up");
        var caughtUp = await probe.CheckAsync(CancellationToken.None);
        Assert.False(caughtUp.ShouldWait);
        var statements = connections.SelectMany(c => c.Statements).ToList();
        Assert.Equal(["SHOW REPLICA STATUS", "SHOW SLAVE STATUS"], statements.Take(2));
        Assert.Single(statements, s => s == "SHOW REPLICA STATUS");

        await replica.Client.ExecuteAsync("STOP REPLICA SQL_THREAD");
        var stopped = await probe.CheckAsync(CancellationToken.None);
        Assert.Equal((true, "replica replica-2: not replicating (SQL thread No) (limit 1 s)"), (stopped.ShouldWait, stopped.Observation));

        // A replica that applies every event three seconds late.
        await replica.Client.ExecuteAsync("STOP REPLICA; CHANGE MASTER TO MASTER_DELAY = 3; START REPLICA");
        await primary.Client.ExecuteAsync("CREATE DATABASE IF NOT EXISTS safe_paths; CREATE OR REPLACE TABLE safe_paths.lag (id INT PRIMARY KEY); INSERT INTO safe_paths.lag VALUES (1)");
        PacingVerdict? behind = null;
        Assert.True(await Poll.UntilAsync(async () => (behind = await probe.CheckAsync(CancellationToken.None)).ShouldWait, StateTimeout, TimeSpan.FromMilliseconds(200)), "the delayed replica never lagged");
        output.WriteLine(behind!.Observation);
        Assert.Matches(@"^replica replica-2: [2-9](\.\d+)? s behind \(limit 1 s\)$", behind.Observation);
        Assert.True(await Poll.UntilAsync(async () => !(await probe.CheckAsync(CancellationToken.None)).ShouldWait, StateTimeout, TimeSpan.FromMilliseconds(200)), "the delayed replica never caught up");
        await replica.Client.ExecuteAsync("STOP REPLICA");
    }
}
