using BulkSafety.Estimation;
using BulkSafety.IntegrationTests.Postgres;
using BulkSafety.IntegrationTests.Workloads;
using BulkSafety.SafePaths;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace BulkSafety.IntegrationTests.SafePaths;

/// <summary>
/// Batched deletes and updates through Npgsql's EF Core provider on a real PostgreSQL 15: the rows, the batches, the
/// checkpoint in the batch's transaction, and the estimate against the WAL the server really wrote.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresBatchTests(PostgresFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Delete_RemovesTheFlaggedRows_AndItsEstimateMatchesTheMeasuredWal()
    {
        var database = await BatchItemsDatabase.CreateAsync(fixture.Server, "safe_paths_delete", rows: 6_000, flagEvery: 2);
        var profile = await ProfileAsync();
        await using var context = database.Guarded(o => o.Profile = profile);

        BatchResult? result = null;
        var measured = await fixture.Meter.MeasureAsync(
            async token => result = await context.Items.Where(i => i.Flagged).DeleteInBatchesAsync(new BatchOptions { MaxRowsPerBatch = 500 }, cancellationToken: token),
            WalStart.Steady);

        // The first batch reads 100 rows to learn their sizes; the others take up to 500.
        Assert.Equal((3_000L, 7), (result!.Rows, result.Batches));
        await using var check = database.Unguarded();
        Assert.Equal(3_000, await check.Items.CountAsync());
        Assert.False(await check.Items.AnyAsync(i => i.Flagged));
        AssertWithin(result.Bytes, measured.WorkloadBytes, 0.8, 1.25);
    }

    [Fact]
    public async Task NamedUpdate_CountsEveryFlaggedRowOnce_AndCheckpointsInTheBatchTransaction()
    {
        var database = await BatchItemsDatabase.CreateAsync(fixture.Server, "safe_paths_update", rows: 3_000, flagEvery: 3);
        var profile = await ProfileAsync();
        await using var context = database.Guarded(o => o.Profile = profile);

        BatchResult? result = null;
        var measured = await fixture.Meter.MeasureAsync(
            async token => result = await context.Items.Where(i => i.Flagged).UpdateInBatchesAsync(
                s => s.SetProperty(i => i.Counter, i => i.Counter + 1), new BatchOptions { JobName = "count flagged", MaxRowsPerBatch = 200 }, cancellationToken: token),
            WalStart.Steady);

        Assert.Equal((1_000L, 6), (result!.Rows, result.Batches));
        await using var check = database.Unguarded();
        Assert.Equal(1_000, await check.Items.CountAsync(i => i.Flagged && i.Counter == 1));
        Assert.Equal(2_000, await check.Items.CountAsync(i => !i.Flagged && i.Counter == 0));
        var checkpoint = await check.Database.SqlQueryRaw<long>("SELECT rows_done AS \"Value\" FROM bulksafety_checkpoints WHERE job = 'count flagged' AND completed = 1").SingleAsync();
        Assert.Equal(1_000, checkpoint);

        // The heap pages were filled by one INSERT: there is no room for HOT updates on them, so PostgreSQL writes
        // new tuples and index entries the steady-state HOT model does not count (docs/safe-paths.md).
        AssertWithin(result.Bytes, measured.WorkloadBytes, 0.5, 1.25);
    }

    private async Task<ReplicationProfile> ProfileAsync()
        => ReplicationProfile.PostgresWal(await PostgresDetection.WalLevelAsync(fixture.Server) == "logical" ? PostgresWalLevel.Logical : PostgresWalLevel.Replica);

    private void AssertWithin(long estimate, long measured, double low, double high)
    {
        var ratio = (double)estimate / measured;
        output.WriteLine($"estimate {estimate:N0} B, measured {measured:N0} B of WAL, ratio {ratio:0.000}");
        Assert.True(ratio >= low && ratio <= high, $"estimate {estimate:N0} B against {measured:N0} B of WAL measured: ratio {ratio:0.000}, expected {low}–{high}");
    }
}
