using BulkSafety.IntegrationTests.Infrastructure;
using BulkSafety.IntegrationTests.MariaDb;
using BulkSafety.SafePaths;
using Xunit.Abstractions;

namespace BulkSafety.IntegrationTests.SafePaths;

/// <summary>
/// The replica-lag probe against a real MariaDB 10.11 replica through <see cref="MariaDbCliConnection"/> (this net10.0
/// project has no MySQL driver), for what the MySqlConnector tests (CompatibilityTests, <c>MariaDbReplicaTests</c>) do
/// not show: a replica applying every event late (<c>MASTER_DELAY</c>), and a server that answers only to
/// <c>SHOW SLAVE STATUS</c>.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class MySqlProbeTests(MariaDbFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan StateTimeout = TimeSpan.FromMinutes(2);

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
