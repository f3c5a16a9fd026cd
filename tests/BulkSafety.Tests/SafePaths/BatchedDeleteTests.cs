using BulkSafety.Estimation;
using BulkSafety.SafePaths;
using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Tests.SafePaths;

/// <summary>DeleteInBatchesAsync on real SQLite: exactly the matching rows, in keyset batches sized to the target bytes.</summary>
public sealed class BatchedDeleteTests
{
    [Fact]
    public async Task Delete_RemovesExactlyTheMatchingRows_BatchByBatch()
    {
        // Most of the table: the blast radius, judged at the job's start, is BatchGuardTests'.
        using var harness = new GuardHarness(o => o.MaxTableFraction = 1);
        var spam = harness.SeedPosts(1_000);
        var kept = harness.SeedPosts(30);
        var progress = new ProgressLog();
        await using var context = harness.Guarded();

        var result = await context.Posts.Where(p => p.GroupId == spam).DeleteInBatchesAsync(new BatchOptions { MaxRowsPerBatch = 100 }, progress);

        Assert.Equal((1_000, 10), (result.Rows, result.Batches));
        await using var check = harness.Unguarded();
        Assert.Equal(30, await check.Posts.CountAsync());
        Assert.True(await check.Posts.AllAsync(p => p.GroupId == kept));
        Assert.Equal([.. Enumerable.Range(1, 10).Select(b => b * 100L)], progress.Batches.Select(p => p.Rows));
        Assert.All(progress.Reports, p => Assert.Equal(1_000, p.TotalRows));
        Assert.Equal(BatchState.Completed, progress.Reports[^1].State);
        Assert.Equal(result.Bytes, progress.Reports[^1].Bytes);
    }

    // Each group takes 7 posts and 3 memberships with it through ON DELETE CASCADE: 11 rows a group, so a unit of at most
    // 50 rows holds 4 groups. Counted without the cascade, one batch of all 20 groups (220 rows) would be admitted.
    [Fact]
    public async Task Delete_CountsTheRowsTheDatabaseCascadesTo_TowardEachBatchsBudgets()
    {
        using var harness = new GuardHarness(o =>
        {
            o.MaxTableFraction = 1;
            o.MaxRowsPerUnitOfWork = 50;
        });
        for (var i = 0; i < 20; i++)
        {
            harness.SeedGroup(descriptionBytes: 100, posts: 7, memberships: 3);
        }

        await using var context = harness.Guarded();
        var result = await context.Groups.DeleteInBatchesAsync();

        Assert.Equal((20L, 5), (result.Rows, result.Batches));
        Assert.Equal((0, 0, 0), (harness.Count<Group>(), harness.Count<Post>(), harness.Count<Membership>()));
    }

    // On PostgreSQL's WAL every cascaded row is a DELETE of its own: the job's bytes hold the 140 posts' and 60
    // memberships' (one record of at least 54 B each), which MariaDB's binlog does not log.
    [Fact]
    public async Task Delete_PricesTheRowsTheDatabaseCascadesTo_AsTheProfileLogsThem()
    {
        var withChildren = await DeleteTwentyGroupsAsync(ReplicationProfile.PostgresWal(), posts: 7, memberships: 3);
        var without = await DeleteTwentyGroupsAsync(ReplicationProfile.PostgresWal(), posts: 0, memberships: 0);
        var mySqlWithChildren = await DeleteTwentyGroupsAsync(ReplicationProfile.MySqlRow(), posts: 7, memberships: 3);
        var mySqlWithout = await DeleteTwentyGroupsAsync(ReplicationProfile.MySqlRow(), posts: 0, memberships: 0);

        Assert.InRange(withChildren - without, 200 * 54, 200 * 200);
        Assert.Equal(mySqlWithout, mySqlWithChildren);
    }

    private static async Task<long> DeleteTwentyGroupsAsync(ReplicationProfile profile, int posts, int memberships)
    {
        using var harness = new GuardHarness(o =>
        {
            o.MaxTableFraction = 1;
            o.Profile = profile;
        });
        for (var i = 0; i < 20; i++)
        {
            harness.SeedGroup(descriptionBytes: 100, posts: posts, memberships: memberships);
        }

        await using var context = harness.Guarded();
        var result = await context.Groups.DeleteInBatchesAsync();
        Assert.Equal((20L, 1), (result.Rows, result.Batches));
        return result.Bytes;
    }

    // With every limit lifted a batch may hold as many rows as a read ahead holds (1,000,000): all of these, at once.
    [Fact]
    public async Task Delete_WithEveryLimitLifted_IsOneBatch()
    {
        using var harness = new GuardHarness(o =>
        {
            o.MaxTableFraction = 1;
            o.MaxBytesPerMinute = long.MaxValue / 4;
            o.MaxBytesPerUnitOfWork = long.MaxValue / 4;
            o.MaxRowsPerUnitOfWork = int.MaxValue;
        });
        var spam = harness.SeedPosts(1_000);
        await using var context = harness.Guarded();

        var result = await context.Posts.Where(p => p.GroupId == spam).DeleteInBatchesAsync(new BatchOptions { MaxRowsPerBatch = int.MaxValue, TargetBytesPerBatch = long.MaxValue });

        Assert.Equal((1_000L, 1), (result.Rows, result.Batches));
        Assert.Equal(0, harness.Count<Post>());
    }

    [Fact]
    public async Task Delete_RecordsEveryBatchInTheGuardsLedger()
    {
        using var harness = new GuardHarness();
        var spam = harness.SeedPosts(500);
        await using var context = harness.Guarded();

        var result = await context.Posts.Where(p => p.GroupId == spam).DeleteInBatchesAsync(new BatchOptions { MaxRowsPerBatch = 100 });

        Assert.True(result.Bytes > 0);
        Assert.Equal(result.Bytes, harness.Ledger.CommittedBytesInWindow);
        Assert.Equal(0, harness.Ledger.PendingBytes);
    }

    [Fact]
    public async Task Delete_KeepsEachBatchWithinTheTargetBytes()
    {
        using var harness = new GuardHarness();
        var spam = harness.SeedPosts(300, bodyBytes: 1_000);
        var progress = new ProgressLog();
        await using var context = harness.Guarded();
        const long target = 20_000;

        var result = await context.Posts.Where(p => p.GroupId == spam).DeleteInBatchesAsync(new BatchOptions { TargetBytesPerBatch = target }, progress);

        var batches = progress.Batches;
        var bytesPerBatch = batches.Select((p, i) => p.Bytes - (i == 0 ? 0 : batches[i - 1].Bytes)).ToList();
        Assert.All(bytesPerBatch, bytes => Assert.InRange(bytes, target / 2, target));
        Assert.Equal(300, result.Rows);
        Assert.InRange(result.Batches, 300 * 1_000 / target, 300 * 1_000 * 2 / target);
    }

    [Fact]
    public async Task Delete_PricesEachRowFromItsStoredSizes_AsTheGuardPricesTheSameRows()
    {
        // PostgreSQL logical + REPLICA IDENTITY FULL logs every deleted row's old values: the estimate depends on each
        // row's stored sizes, and the estimator has one statement per row, so one batch must cost what SaveChanges would.
        using var harness = new GuardHarness(o => o.Profile = ReplicationProfile.PostgresWal(PostgresWalLevel.Logical, PostgresReplicaIdentity.Full));
        var spam = harness.SeedPosts(0);
        await using (var seed = harness.Unguarded())
        {
            seed.Posts.AddRange(Enumerable.Range(1, 40).Select(i => new Post { GroupId = spam, Body = new string('x', i * 45) }));
            await seed.SaveChangesAsync();
        }

        long guardEstimate;
        await using (var dryRun = harness.Guarded())
        {
            dryRun.Posts.RemoveRange(await dryRun.Posts.Where(p => p.GroupId == spam).ToListAsync());
            guardEstimate = dryRun.EstimatePendingChanges().EstimatedBytes;
        }

        await using var context = harness.Guarded();
        var result = await context.Posts.Where(p => p.GroupId == spam).DeleteInBatchesAsync();

        Assert.Equal(1, result.Batches);
        Assert.Equal(guardEstimate, result.Bytes);
    }

    [Fact]
    public async Task Delete_OnMySqlRowBinlog_PricesABatchAsOneStatement()
    {
        using var harness = new GuardHarness();
        var spam = harness.SeedPosts(80);
        long perRowStatements;
        await using (var dryRun = harness.Guarded())
        {
            dryRun.Posts.RemoveRange(await dryRun.Posts.Where(p => p.GroupId == spam).ToListAsync());
            perRowStatements = dryRun.EstimatePendingChanges().EstimatedBytes;
        }

        await using var context = harness.Guarded();
        var result = await context.Posts.Where(p => p.GroupId == spam).DeleteInBatchesAsync();

        // One Annotate_rows and Table_map for the batch instead of one per row: the row images remain.
        Assert.Equal(1, result.Batches);
        Assert.InRange(result.Bytes, perRowStatements / 3, perRowStatements * 2 / 3);
    }

    [Fact]
    public async Task Delete_IgnoresOrderingAndInclude_AndKeepsTheFilter()
    {
        using var harness = new GuardHarness();
        harness.SeedGroups(50);
        await using var context = harness.Guarded();

        var result = await context.Groups.Include(g => g.Posts).OrderByDescending(g => g.Name).Where(g => g.Id % 2 == 0).AsNoTracking()
            .DeleteInBatchesAsync(new BatchOptions { MaxRowsPerBatch = 7 });

        Assert.Equal(25, result.Rows);
        await using var check = harness.Unguarded();
        Assert.True(await check.Groups.AllAsync(g => g.Id % 2 == 1));
    }

    [Fact]
    public async Task Delete_OfNothing_CompletesWithoutABatch()
    {
        using var harness = new GuardHarness();
        harness.SeedPosts(10);
        var progress = new ProgressLog();
        await using var context = harness.Guarded();

        var result = await context.Posts.Where(p => p.AuthorId < 0).DeleteInBatchesAsync(progress: progress);

        Assert.Equal((0L, 0, 0L), (result.Rows, result.Batches, result.Bytes));
        Assert.Equal(10, harness.Count<Post>());
        Assert.Equal([BatchState.Running, BatchState.Completed], progress.Reports.Select(r => r.State));
    }
}
