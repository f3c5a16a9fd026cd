using BulkSafety.Estimation;
using BulkSafety.SafePaths;
using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BulkSafety.Tests.SafePaths;

/// <summary>
/// A batch is priced from what the database computes over its rows — the rows of each combination of stored sizes — and
/// that costs exactly what the same rows cost when they are read, materialised and priced one by one; the filter is
/// evaluated only by read-only probes that may evaluate it.
/// </summary>
public sealed class BatchPricingTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ABatchPricedFromItsSizesInTheDatabase_CostsWhatItsMaterialisedRowsCost(bool includeFullPageImages)
    {
        // PostgreSQL logical + REPLICA IDENTITY FULL logs each deleted row's old values, one record per row, with alignment,
        // 1- or 4-byte length headers and TOAST: not linear in the sizes. Three text columns, one of them sometimes NULL,
        // values on both sides of 126 bytes and of the TOAST threshold, two-byte characters (bytes are not characters).
        using var harness = new GuardHarness(o => o.Profile = ReplicationProfile.PostgresWal(PostgresWalLevel.Logical, PostgresReplicaIdentity.Full, includeFullPageImages));
        await using (var seed = harness.Unguarded())
        {
            seed.Groups.AddRange(Enumerable.Range(1, 60).Select(i => new Group
            {
                Name = new string('n', i % 7 * 30),
                Description = new string(i % 3 == 0 ? 'é' : 'd', i * 47 % 3_000),
                DescriptionHtml = i % 4 == 0 ? null : new string('h', i * 13 % 200),
                CreatedAt = DateTime.UnixEpoch,
                UpdatedAt = DateTime.UnixEpoch,
            }));
            await seed.SaveChangesAsync();
        }

        long materialised;
        await using (var dryRun = harness.Guarded())
        {
            dryRun.Groups.RemoveRange(await dryRun.Groups.Where(g => g.PostsCount == 0).ToListAsync());
            materialised = dryRun.EstimatePendingChanges().EstimatedBytes;
        }

        await using var context = harness.Guarded();
        var result = await context.Groups.Where(g => g.PostsCount == 0).DeleteInBatchesAsync(new BatchOptions { TargetBytesPerBatch = 64 * 1024 * 1024 });

        Assert.Equal((60, 1), (result.Rows, result.Batches));
        Assert.Equal(materialised, result.Bytes);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task BatchesOfOneSizePerColumn_ThenOfMixedSizes_CostWhatTheirMaterialisedRowsCost(bool useMaxRowsPerBatchOf7)
    {
        // A batch is priced from its rows' sizes as runs of equal sizes in key order, each combination once: batches of
        // one run, of NULLs mixed with values, and of mixed sizes must each cost what their rows cost. Groups 1–21 have
        // equal sizes (HTML NULL in 1–14, 120 bytes in 15–21), 22–35 mix NULLs with values of one size, 36–49 mix sizes:
        // priced as if uniform, any of these would cost otherwise.
        using var harness = new GuardHarness(o => o.Profile = ReplicationProfile.PostgresWal(PostgresWalLevel.Logical, PostgresReplicaIdentity.Full, includeFullPageImages: false));
        await using (var seed = harness.Unguarded())
        {
            seed.Groups.AddRange(Enumerable.Range(1, 49).Select(i => new Group
            {
                Name = "same name",
                Description = i <= 35 ? new string('d', 300) : new string('d', i * 61 % 2_500),
                DescriptionHtml = i switch { <= 14 => null, <= 21 => new string('h', 120), <= 35 => i % 2 == 0 ? null : new string('h', 120), _ => new string('h', i) },
                CreatedAt = DateTime.UnixEpoch,
                UpdatedAt = DateTime.UnixEpoch,
            }));
            await seed.SaveChangesAsync();
        }

        // Each batch is its own transaction: the rows of each, materialised and priced as one SaveChanges.
        var batch = useMaxRowsPerBatchOf7 ? 7 : 49;
        long materialised = 0;
        for (var first = 1; first <= 49; first += batch)
        {
            await using var dryRun = harness.Guarded();
            dryRun.Groups.RemoveRange(await dryRun.Groups.Where(g => g.Id >= first && g.Id < first + batch).ToListAsync());
            materialised += dryRun.EstimatePendingChanges().EstimatedBytes;
        }

        await using var context = harness.Guarded();
        var result = await context.Groups.Where(g => g.PostsCount == 0).DeleteInBatchesAsync(new BatchOptions { TargetBytesPerBatch = 64 * 1024 * 1024, MaxRowsPerBatch = batch });

        Assert.Equal((49, 49 / batch), (result.Rows, result.Batches));
        Assert.Equal(materialised, result.Bytes);
    }

    [Fact]
    public async Task AFilterCallingAFunctionNotKnownToBeSafe_IsLeftToTheBatches_WhichArePricedFromTheTablesRows()
    {
        // SQLite's random() is not on the probes' list: the probes never evaluate the filter. The job sizes and prices its
        // batches from all the rows in each key range — the spam group's and the kept one's in between — and says so. (A
        // profile that prices a batch as the sum of its rows, so that it compares with the rows' SaveChanges.)
        using var harness = new GuardHarness(o =>
        {
            o.Profile = ReplicationProfile.PostgresWal(PostgresWalLevel.Logical, PostgresReplicaIdentity.Full);
            o.MaxTableFraction = 1;
        });
        var spam = harness.SeedPosts(200);
        var kept = harness.SeedPosts(50);
        await using (var interleave = harness.Unguarded())
        {
            interleave.Posts.AddRange(Enumerable.Range(0, 50).Select(i => new Post { GroupId = spam, Body = new string('p', 100), AuthorId = i }));
            await interleave.SaveChangesAsync();
        }

        long spamOnly;
        await using (var dryRun = harness.Guarded())
        {
            dryRun.Posts.RemoveRange(await dryRun.Posts.Where(p => p.GroupId == spam).ToListAsync());
            spamOnly = dryRun.EstimatePendingChanges().EstimatedBytes;
        }

        await using var context = harness.Guarded();
        var result = await context.Posts.Where(p => p.GroupId == spam && EF.Functions.Random() >= 0).DeleteInBatchesAsync();

        Assert.Equal(250, result.Rows);
        await using var check = harness.Unguarded();
        Assert.Equal(50, await check.Posts.CountAsync(p => p.GroupId == kept));
        Assert.Equal(0, await check.Posts.CountAsync(p => p.GroupId == spam));
        Assert.True(result.Bytes > spamOnly, $"{result.Bytes} B priced for the table's rows, {spamOnly} B for the spam group's alone");
        var warning = Assert.Single(harness.Log.Entries, e => e.EventId.Id == BatchLog.PricedWithoutFilterId);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("random()", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFilterOnlyTheProbesMayEvaluate_IsEvaluatedByThem_AndNothingIsPricedWithoutIt()
    {
        // The SQLite built-ins the filter translates to (length, and LIKE or substr for StartsWith) are on the list: the probes
        // evaluate the filter, and no warning is logged.
        using var harness = new GuardHarness(o => o.MaxTableFraction = 1);
        var spam = harness.SeedPosts(120);
        harness.SeedPosts(30);
        await using var context = harness.Guarded();

        var result = await context.Posts.Where(p => p.GroupId == spam && p.Body.Length > 10 && p.Body.StartsWith("p")).DeleteInBatchesAsync();

        Assert.Equal(120, result.Rows);
        Assert.DoesNotContain(harness.Log.Entries, e => e.EventId.Id == BatchLog.PricedWithoutFilterId);
    }

    [Fact]
    public void ABatchsKeyRange_IsOneComparisonPerBound_SoThatTheKeyIndexRangesOverIt()
    {
        // `upper > Id OR Id = upper` made PostgreSQL scan from the lower bound to the end of the key index in every batch
        // (and every probe of it): quadratic in the table.
        using var harness = new GuardHarness();
        using var context = harness.Guarded();
        var plan = KeysetPlan<Post>.Create(context.Posts.Where(p => p.GroupId == 7));
        plan.SetLower([10L]);
        plan.SetUpper([20L]);

        var sql = plan.Batch.ToQueryString();

        Assert.DoesNotContain(" OR ", sql, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"p\".\"Id\" > @", sql, StringComparison.Ordinal);
        Assert.Contains("\"p\".\"Id\" <= @", sql, StringComparison.Ordinal);
    }
}
