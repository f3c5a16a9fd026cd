using BulkSafety.Estimation;
using BulkSafety.IntegrationTests.Infrastructure;
using BulkSafety.IntegrationTests.Postgres;
using BulkSafety.SafePaths;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using Xunit.Abstractions;

namespace BulkSafety.IntegrationTests.SafePaths;

/// <summary>
/// Pacing by what the primary sees, with a real streaming replica on loopback: replay paused on the replica makes a
/// batched job wait (its progress says why), resuming replay lets it finish; and a WAL rate over the limit makes it wait
/// until the window has passed. No timing is asserted beyond generous waits for states.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ReplicaPacingTests(PostgresFixture fixture, ITestOutputHelper output)
{
    private static readonly TimeSpan StateTimeout = TimeSpan.FromMinutes(2);

    [Fact]
    public async Task PausedReplay_MakesTheJobWait_AndResumedReplay_LetsItFinish()
    {
        var database = await BatchItemsDatabase.CreateAsync(fixture.Server, "safe_paths_replica", rows: 10_000);
        var replica = await fixture.Server.StartReplicaAsync();
        try
        {
            // The replica reports its replay position every second instead of every ten.
            await replica.ExecuteAsync("ALTER SYSTEM SET wal_receiver_status_interval = 1");
            await replica.ExecuteAsync("SELECT pg_reload_conf()");
            await replica.ExecuteAsync("SELECT pg_wal_replay_pause()");
            Assert.True(await Poll.UntilAsync(async () => await replica.ScalarAsync<string>("SELECT pg_get_wal_replay_pause_state()") == "paused", StateTimeout, TimeSpan.FromMilliseconds(50)));

            var probe = new PostgresReplicationLagProbe(() => new NpgsqlConnection(fixture.Server.ConnectionString));
            var progress = new ProgressRecorder(pausePerBatch: TimeSpan.FromMilliseconds(20));
            // Most or all of the table: the blast radius (judged at the job's start) is not what this test is about.
            await using var context = database.Guarded(o =>
            {
                o.Profile = ReplicationProfile.PostgresWal();
                o.MaxTableFraction = 1;
            });
            var options = new BatchOptions { MaxRowsPerBatch = 50, ProbeInterval = TimeSpan.FromMilliseconds(200), PacingProbes = { probe } };
            var job = Task.Run(() => context.Items.Where(i => i.Flagged).DeleteInBatchesAsync(options, progress));

            Assert.True(await Poll.UntilAsync(() => Task.FromResult(progress.Latest?.State == BatchState.WaitingForProbe), StateTimeout, TimeSpan.FromMilliseconds(20)), "the job never waited for the replica");
            var waiting = progress.Latest!;
            output.WriteLine($"waiting after {waiting.Batches} batches ({waiting.Rows} rows): {waiting.WaitReason}");
            Assert.Matches(@"^replica walreceiver@127\.0\.0\.1/32: \d+(\.\d+)? s behind, [\d,]+ B to replay \(limit 1 s\)$", waiting.WaitReason);
            Assert.InRange(waiting.Rows, 50, 10_000 - 50);

            // While replay stays paused the job stays put.
            await Task.Delay(TimeSpan.FromSeconds(3));
            Assert.False(job.IsCompleted);
            Assert.Equal(waiting.Rows, progress.Reports.Max(r => r.Rows));
            await using (var check = database.Unguarded())
            {
                Assert.Equal(10_000 - waiting.Rows, await check.Items.CountAsync());
            }

            await replica.ExecuteAsync("SELECT pg_wal_replay_resume()");
            var result = await job.WaitAsync(TimeSpan.FromMinutes(5));

            output.WriteLine($"finished: {result.Rows} rows in {result.Batches} batches, {result.Waits} waits, {result.Waited.TotalSeconds:0.0} s waited");
            Assert.Equal(10_000, result.Rows);
            Assert.True(result.Waits >= 1);
            Assert.True(result.Waited >= TimeSpan.FromSeconds(3), $"waited {result.Waited}");
            Assert.Equal(BatchState.Completed, progress.Latest!.State);
            Assert.True(await Poll.UntilAsync(async () => await CountOnAsync(replica) == 0, StateTimeout, TimeSpan.FromMilliseconds(100)), "the replica never applied the deletes");
        }
        finally
        {
            await replica.DisposeAsync();
        }
    }

    [Fact]
    public async Task NoReplicaConnected_WhenOneIsExpected_IsWaitedFor()
    {
        var probe = new PostgresReplicationLagProbe(() => new NpgsqlConnection(fixture.Server.ConnectionString));
        var alone = new PostgresReplicationLagProbe(() => new NpgsqlConnection(fixture.Server.ConnectionString), expectedReplicas: 0);

        var verdict = await probe.CheckAsync(CancellationToken.None);

        Assert.Equal((true, "0 of the 1 expected replicas are streaming"), (verdict.ShouldWait, verdict.Observation));
        Assert.False((await alone.CheckAsync(CancellationToken.None)).ShouldWait);
    }

    [Fact]
    public async Task AWalRateOverTheLimit_MakesTheJobWait_UntilTheWindowHasPassed()
    {
        var database = await BatchItemsDatabase.CreateAsync(fixture.Server, "safe_paths_wal_rate", rows: 2_000);
        var probe = new PostgresWalRateProbe(() => new NpgsqlConnection(fixture.Server.ConnectionString), maxBytesPerMinute: 1_000_000, window: TimeSpan.FromSeconds(10));
        var progress = new ProgressRecorder();
        // Most or all of the table: the blast radius (judged at the job's start) is not what this test is about.
        await using var context = database.Guarded(o =>
        {
            o.Profile = ReplicationProfile.PostgresWal();
            o.MaxTableFraction = 1;
        });
        var options = new BatchOptions { MaxRowsPerBatch = 50, ProbeInterval = TimeSpan.FromMilliseconds(250), PacingProbes = { probe } };

        // Other work fills the WAL just before the job: ~2 MB in the probe's window, over its 1 MB/min whatever the load.
        await probe.CheckAsync(CancellationToken.None);
        await fixture.Server.ExecuteAsync("CREATE TABLE IF NOT EXISTS wal_filler (x text); INSERT INTO wal_filler SELECT repeat(md5(g::text), 32) FROM generate_series(1, 2000) AS g");

        var result = await context.Items.DeleteInBatchesAsync(options, progress).WaitAsync(TimeSpan.FromMinutes(5));

        var waits = progress.Reports.Where(r => r.State == BatchState.WaitingForProbe).ToList();
        output.WriteLine($"{result.Batches} batches, {result.Waits} waits ({result.Waited.TotalSeconds:0.0} s); first: {waits.FirstOrDefault()?.WaitReason}");
        Assert.Equal(2_000, result.Rows);
        Assert.NotEmpty(waits);
        Assert.Matches(@"^the primary writes [\d,]+ B of WAL per minute \(limit 1,000,000 B/min, over 10 s\)$", waits[0].WaitReason);
        Assert.Equal(waits.Count, result.Waits);
    }

    private static async Task<long> CountOnAsync(PostgresServer replica)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(replica.ConnectionString) { Database = "safe_paths_replica" }.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM batch_items", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
