using BulkSafety.SafePaths;
using BulkSafety.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Tests.SafePaths;

/// <summary>
/// Named jobs: the last committed key is written in each batch's transaction, so a rerun after any interruption applies a
/// non-idempotent update to every row exactly once. (The PostgreSQL test kills a real child process mid-run.)
/// </summary>
public sealed class BatchCheckpointTests
{
    private static readonly BatchOptions Named = new() { JobName = "recount #1", MaxRowsPerBatch = 50 };

    [Fact]
    public async Task NamedUpdate_InterruptedAndRerun_AppliesEveryRowExactlyOnce()
    {
        using var harness = new GuardHarness();
        harness.SeedGroups(300);
        using var cancellation = new CancellationTokenSource();
        var progress = new ProgressLog(p =>
        {
            if (p.Batches == 3)
            {
                cancellation.Cancel();
            }
        });
        await using var context = harness.Guarded();

        await Assert.ThrowsAsync<BatchJobCanceledException>(() => Increment(context, Named, progress, cancellation.Token));
        var rerun = await Increment(context, Named);

        Assert.Equal((150L, 150L), (rerun.RowsBeforeResume, rerun.Rows));
        await using var check = harness.Unguarded();
        Assert.True(await check.Groups.AllAsync(g => g.PostsCount == 1));
        Assert.Contains(harness.Log.Entries, e => e.EventId.Id == BatchLog.JobStartedId && e.Message.Contains("resuming after key [150] (150 rows done before)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UnnamedUpdate_InterruptedAndRerun_StartsOver()
    {
        // Why the name matters: without a checkpoint the rerun cannot know which rows the first run did.
        using var harness = new GuardHarness();
        harness.SeedGroups(300);
        using var cancellation = new CancellationTokenSource();
        var progress = new ProgressLog(p =>
        {
            if (p.Batches == 3)
            {
                cancellation.Cancel();
            }
        });
        await using var context = harness.Guarded();
        var unnamed = new BatchOptions { MaxRowsPerBatch = 50 };

        await Assert.ThrowsAsync<BatchJobCanceledException>(() => Increment(context, unnamed, progress, cancellation.Token));
        await Increment(context, unnamed);

        await using var check = harness.Unguarded();
        Assert.Equal(150, await check.Groups.CountAsync(g => g.PostsCount == 2));
    }

    [Fact]
    public async Task ABatchWhoseCheckpointFails_IsRolledBack_AndTheRerunRedoesIt()
    {
        using var harness = new GuardHarness();
        harness.SeedGroups(300);
        await using var context = harness.Guarded();
        await Increment(context, new BatchOptions { JobName = "warm-up" }, cancellation: default);
        await using (var check = harness.Unguarded())
        {
            // A crash between the batch's UPDATE and its checkpoint: the checkpoint write of the third batch fails.
            await check.Database.ExecuteSqlRawAsync("""
                CREATE TRIGGER crash_at_third_batch BEFORE UPDATE ON bulksafety_checkpoints
                WHEN NEW.job = 'recount #1' AND NEW.rows_done > 100 BEGIN SELECT RAISE(ABORT, 'simulated crash'); END
                """);
        }

        await Assert.ThrowsAsync<SqliteException>(() => Increment(context, Named));
        await using (var check = harness.Unguarded())
        {
            Assert.Equal(100, await check.Groups.CountAsync(g => g.PostsCount == 2));
            Assert.Equal(200, await check.Groups.CountAsync(g => g.PostsCount == 1));
            await check.Database.ExecuteSqlRawAsync("DROP TRIGGER crash_at_third_batch");
        }

        var rerun = await Increment(context, Named);

        Assert.Equal((100L, 200L), (rerun.RowsBeforeResume, rerun.Rows));
        await using var final = harness.Unguarded();
        Assert.True(await final.Groups.AllAsync(g => g.PostsCount == 2));
    }

    [Fact]
    public async Task ACompletedJob_RunAgain_DoesNothing()
    {
        using var harness = new GuardHarness();
        harness.SeedGroups(80);
        await using var context = harness.Guarded();
        var first = await Increment(context, Named);

        var again = await Increment(context, Named);

        Assert.Equal(80, first.Rows);
        Assert.True(again.AlreadyCompleted);
        Assert.Equal((0L, 0, 80L), (again.Rows, again.Batches, again.RowsBeforeResume));
        await using var check = harness.Unguarded();
        Assert.True(await check.Groups.AllAsync(g => g.PostsCount == 1));
        var row = await check.Database.SqlQueryRaw<long>("SELECT rows_done AS Value FROM bulksafety_checkpoints WHERE job = 'recount #1' AND completed = 1").SingleAsync();
        Assert.Equal(80, row);
    }

    [Fact]
    public async Task AJobName_UsedForAnotherJob_IsRefused()
    {
        using var harness = new GuardHarness();
        harness.SeedGroups(10);
        harness.SeedPosts(10);
        await using var context = harness.Guarded();
        await Increment(context, Named);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.Posts.DeleteInBatchesAsync(Named));

        Assert.Contains("The job 'recount #1' was checkpointed as another job: \"update groups(Id)\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("not \"delete posts(Id)\"", error.Message, StringComparison.Ordinal);
        Assert.Equal(10, harness.Count<IncidentReplay.Model.Post>());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[150, 1]")]
    [InlineData("[\"150\"]")]
    [InlineData("[1.5]")]
    [InlineData("[null]")]
    [InlineData("{\"Id\": 150}")]
    public async Task ACorruptCursor_IsRefusedNamingTheJobAndTheValue(string cursor)
    {
        using var harness = new GuardHarness();
        harness.SeedGroups(300);
        await using var context = harness.Guarded();
        await InterruptAfterBatches(context, Named, 3);
        await using (var check = harness.Unguarded())
        {
            await check.Database.ExecuteSqlAsync($"UPDATE bulksafety_checkpoints SET last_key = {cursor}");
        }

        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => Increment(context, Named));

        Assert.Contains($"The checkpoint of the job 'recount #1' in bulksafety_checkpoints is corrupt: the value '{cursor}' cannot be used", error.Message, StringComparison.Ordinal);
        await using var after = harness.Unguarded();
        Assert.Equal(150, await after.Groups.CountAsync(g => g.PostsCount == 1));
        Assert.Equal(150, await after.Groups.CountAsync(g => g.PostsCount == 0));
    }

    [Fact]
    public async Task CorruptParameterValues_AreRefusedNamingTheJobAndTheValue()
    {
        using var harness = new GuardHarness();
        harness.SeedGroups(300);
        await using var context = harness.Guarded();
        var limit = 200L;
        await Assert.ThrowsAsync<BatchJobCanceledException>(() => IncrementUpTo(context, limit, Named, cancelAfterBatches: 1));
        await using (var check = harness.Unguarded())
        {
            await check.Database.ExecuteSqlAsync($"UPDATE bulksafety_checkpoints SET parameter_values = {"[{\"Name\": 1}]"}");
        }

        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => IncrementUpTo(context, limit, Named));

        Assert.Contains("The checkpoint of the job 'recount #1' in bulksafety_checkpoints is corrupt: the value '[{\"Name\": 1}]' cannot be used (the stored parameter values do not read back", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ACrashBetweenTheLastBatchAndTheCompletionMark_TheRerunFindsItsCursorPastTheLastKeyAndCompletes()
    {
        using var harness = new GuardHarness();
        harness.SeedGroups(120);
        await using var context = harness.Guarded();
        await context.Posts.DeleteInBatchesAsync(new BatchOptions { JobName = "creates the table" });
        await using (var check = harness.Unguarded())
        {
            await check.Database.ExecuteSqlRawAsync("""
                CREATE TRIGGER crash_before_completion BEFORE UPDATE ON bulksafety_checkpoints
                WHEN NEW.completed = 1 BEGIN SELECT RAISE(ABORT, 'simulated crash'); END
                """);
        }

        await Assert.ThrowsAsync<SqliteException>(() => Increment(context, Named));
        await using (var check = harness.Unguarded())
        {
            await check.Database.ExecuteSqlRawAsync("DROP TRIGGER crash_before_completion");
        }

        var rerun = await Increment(context, Named);

        Assert.Equal((false, 0L, 0, 120L), (rerun.AlreadyCompleted, rerun.Rows, rerun.Batches, rerun.RowsBeforeResume));
        await using var final = harness.Unguarded();
        Assert.True(await final.Groups.AllAsync(g => g.PostsCount == 1));
        Assert.Equal(1, await final.Database.SqlQueryRaw<long>("SELECT completed AS Value FROM bulksafety_checkpoints WHERE job = 'recount #1'").SingleAsync());
    }

    [Fact]
    public async Task ACheckpointTableOfTheFirstVersion_IsMigratedInPlace_AndItsJobResumes()
    {
        using var harness = new GuardHarness();
        harness.SeedGroups(300);
        await using (var check = harness.Unguarded())
        {
            // The DDL and the row the first version wrote, 150 rows into the job.
            await check.Database.ExecuteSqlRawAsync("""
                CREATE TABLE IF NOT EXISTS bulksafety_checkpoints (
                    job VARCHAR(200) NOT NULL PRIMARY KEY,
                    target VARCHAR(400) NOT NULL,
                    last_key TEXT NULL,
                    rows_done BIGINT NOT NULL,
                    bytes_done BIGINT NOT NULL,
                    completed INT NOT NULL)
                """);
            await check.Database.ExecuteSqlRawAsync("INSERT INTO bulksafety_checkpoints VALUES ('recount #1', 'update groups(Id)', '[150]', 150, 1000, 0)");
            await check.Database.ExecuteSqlRawAsync("UPDATE groups SET PostsCount = 1 WHERE Id <= 150");
        }

        await using var context = harness.Guarded();
        var rerun = await Increment(context, Named);

        Assert.Equal((150L, 150L), (rerun.RowsBeforeResume, rerun.Rows));
        await using var final = harness.Unguarded();
        Assert.True(await final.Groups.AllAsync(g => g.PostsCount == 1));
        var fingerprint = await final.Database.SqlQueryRaw<string>("SELECT fingerprint AS Value FROM bulksafety_checkpoints WHERE job = 'recount #1' AND completed = 1").SingleAsync();
        Assert.Equal(64, fingerprint.Length);
    }

    [Fact]
    public async Task ACheckpointOfTheFirstVersion_ForAnotherTarget_IsRefused()
    {
        using var harness = new GuardHarness();
        harness.SeedGroups(10);
        await using (var check = harness.Unguarded())
        {
            await check.Database.ExecuteSqlRawAsync("CREATE TABLE bulksafety_checkpoints (job VARCHAR(200) NOT NULL PRIMARY KEY, target VARCHAR(400) NOT NULL, last_key TEXT NULL, rows_done BIGINT NOT NULL, bytes_done BIGINT NOT NULL, completed INT NOT NULL)");
            await check.Database.ExecuteSqlRawAsync("INSERT INTO bulksafety_checkpoints VALUES ('recount #1', 'delete groups(Id)', '[5]', 5, 100, 0)");
        }

        await using var context = harness.Guarded();
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Increment(context, Named));

        Assert.Contains("was checkpointed as another job: \"delete groups(Id)\"", error.Message, StringComparison.Ordinal);
        Assert.Contains("(its query was not recorded)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NamedDelete_ResumesAfterItsLastKey()
    {
        using var harness = new GuardHarness();
        var spam = harness.SeedPosts(200);
        using var cancellation = new CancellationTokenSource();
        var progress = new ProgressLog(p =>
        {
            if (p.Batches == 1)
            {
                cancellation.Cancel();
            }
        });
        await using var context = harness.Guarded();
        var options = new BatchOptions { JobName = "spam purge", MaxRowsPerBatch = 50 };

        await Assert.ThrowsAsync<BatchJobCanceledException>(() => context.Posts.Where(p => p.GroupId == spam).DeleteInBatchesAsync(options, progress, cancellation.Token));
        var rerun = await context.Posts.Where(p => p.GroupId == spam).DeleteInBatchesAsync(options);

        Assert.Equal((50L, 150L), (rerun.RowsBeforeResume, rerun.Rows));
        Assert.Equal(0, harness.Count<IncidentReplay.Model.Post>());
    }

    private static async Task InterruptAfterBatches(DbContext context, BatchOptions options, int batches)
    {
        using var cancellation = new CancellationTokenSource();
        var progress = new ProgressLog(p =>
        {
            if (p.Batches == batches)
            {
                cancellation.Cancel();
            }
        });
        await Assert.ThrowsAsync<BatchJobCanceledException>(() => Increment(context, options, progress, cancellation.Token));
    }

    internal static Task<BatchResult> IncrementUpTo(DbContext context, long limit, BatchOptions options, int? cancelAfterBatches = null, IProgress<BatchProgress>? observer = null)
    {
        var cancellation = new CancellationTokenSource();
        var progress = new ProgressLog(p =>
        {
            observer?.Report(p);
            if (p.Batches == cancelAfterBatches)
            {
                cancellation.Cancel();
            }
        });
        return context.Set<IncidentReplay.Model.Group>().Where(g => g.Id <= limit)
            .UpdateInBatchesAsync(s => s.SetProperty(g => g.PostsCount, g => g.PostsCount + 1), options, progress, cancellation.Token);
    }

    internal static Task<BatchResult> Increment(DbContext context, BatchOptions options, IProgress<BatchProgress>? progress = null, CancellationToken cancellation = default)
        => context.Set<IncidentReplay.Model.Group>().UpdateInBatchesAsync(s => s.SetProperty(g => g.PostsCount, g => g.PostsCount + 1), options, progress, cancellation);
}
