using Microsoft.EntityFrameworkCore;
using BulkSafety.SafePaths;
using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;
using Microsoft.Extensions.Logging;

namespace BulkSafety.Tests.SafePaths;

/// <summary>
/// Pacing: the job waits for room in its share of the guard's rolling window and for its probes, reports and logs each
/// wait, and can be cancelled between batches. Waits run on the harness's fake clock.
/// </summary>
public sealed class BatchPacingTests
{
    [Fact]
    public async Task Job_WaitsForRoomInTheWindow_ThenFinishes()
    {
        // 100 posts per batch cost ~7 KB here; the job may use half of 60 KB a minute: a few batches, then a wait.
        using var harness = new GuardHarness(o =>
        {
            o.MaxBytesPerMinute = 60_000;
            o.MaxTableFraction = 1;
        });
        var spam = harness.SeedPosts(1_000);
        var progress = new ProgressLog();
        await using var context = harness.Guarded();

        var job = context.Posts.Where(p => p.GroupId == spam).DeleteInBatchesAsync(new BatchOptions { MaxRowsPerBatch = 100 }, progress);
        await SafePathsKit.UntilAsync(() => progress.Reports.Any(r => r.State == BatchState.WaitingForBudget), "a wait for the budget");

        Assert.False(job.IsCompleted);
        var waiting = progress.Reports.First(r => r.State == BatchState.WaitingForBudget);
        Assert.InRange(waiting.Batches, 1, 9);
        Assert.InRange(waiting.Bytes, 30_000 - (waiting.Bytes / waiting.Batches), 30_000);
        Assert.Contains("B/min", waiting.WaitReason, StringComparison.Ordinal);
        Assert.Equal(1_000 - waiting.Rows, harness.Count<Post>());
        var log = Assert.Single(harness.Log.Entries, e => e.EventId.Id == BatchLog.WaitingForBudgetId);
        Assert.Equal(LogLevel.Information, log.Level);

        var result = await harness.Clock.DriveAsync(job, TimeSpan.FromSeconds(5));

        Assert.Equal(1_000, result.Rows);
        Assert.True(result.Waits >= 2, $"{result.Waits} waits");
        Assert.True(result.Waited > TimeSpan.FromSeconds(30), $"waited {result.Waited}");
        Assert.Equal(0, harness.Count<Post>());
        Assert.True(harness.Ledger.CommittedBytesInWindow <= 30_000);
    }

    [Fact]
    public async Task OtherWork_SeesTheJobsBatchesInTheWindow()
    {
        using var harness = new GuardHarness(o => o.MaxBytesPerMinute = 200_000);
        var spam = harness.SeedPosts(500);
        await using var context = harness.Guarded();
        var result = await context.Posts.Where(p => p.GroupId == spam).DeleteInBatchesAsync();
        Assert.InRange(result.Bytes, 50_000, 100_000);

        // A unit of work that fits the budget on its own, but not on top of the job's minute.
        context.Groups.Add(new Group { Name = "after", Description = new string('d', 150_000) });
        var violation = Assert.Throws<BulkSafetyViolationException>(() => context.SaveChanges());

        Assert.Equal(BulkSafetyRuleIds.BytesPerMinute, violation.Report.RuleId);
        Assert.Equal(result.Bytes, violation.Report.BytesInWindow);
    }

    [Fact]
    public async Task Job_WaitsWhileAProbeSaysSo_ReportsWhy_ThenFinishes()
    {
        using var harness = new GuardHarness();
        var spam = harness.SeedPosts(300);
        var probe = new ScriptedProbe(false, true, true, true);
        var progress = new ProgressLog();
        await using var context = harness.Guarded();
        var options = new BatchOptions { MaxRowsPerBatch = 100, ProbeInterval = TimeSpan.FromSeconds(2), PacingProbes = { probe } };

        var job = context.Posts.Where(p => p.GroupId == spam).DeleteInBatchesAsync(options, progress);
        await SafePathsKit.UntilAsync(() => progress.Reports.Any(r => r.State == BatchState.WaitingForProbe), "a wait for the probe");

        var waiting = progress.Reports.Single(r => r.State == BatchState.WaitingForProbe);
        Assert.Equal((1, 100L, "scripted wait #2"), (waiting.Batches, waiting.Rows, waiting.WaitReason));
        Assert.Equal(200, harness.Count<Post>());
        var log = Assert.Single(harness.Log.Entries, e => e.EventId.Id == BatchLog.WaitingForProbeId);
        Assert.Equal(LogLevel.Warning, log.Level);
        Assert.Contains("ScriptedProbe: scripted wait #2", log.Message, StringComparison.Ordinal);

        var result = await harness.Clock.DriveAsync(job, TimeSpan.FromSeconds(1));

        Assert.Equal((300L, 3, 1), (result.Rows, result.Batches, result.Waits));
        Assert.Equal(TimeSpan.FromSeconds(6), result.Waited);
        Assert.Equal(3 + 4, probe.Calls);
        Assert.Contains(harness.Log.Entries, e => e.EventId.Id == BatchLog.WaitOverId);
    }

    [Theory]
    [InlineData(BatchState.WaitingForBudget, null)]
    [InlineData(BatchState.WaitingForBudget, "paced")]
    [InlineData(BatchState.WaitingForProbe, null)]
    [InlineData(BatchState.WaitingForProbe, "paced")]
    public async Task AWait_IsArmedWhenAnnounced_SoAClockMovedOnTheAnnouncementEndsIt(BatchState waiting, string? jobName)
    {
        // The clock moves inside the progress report that announces the wait, before the job's next statement: a wait
        // whose timer were made after the announcement (or that added up its lease-renewal steps after it) would be due
        // after the moved clock, and never end.
        using var harness = new GuardHarness(o =>
        {
            // Room for the whole job when it waits for a probe; for a few batches when it waits for the budget.
            o.MaxBytesPerMinute = waiting == BatchState.WaitingForBudget ? 60_000 : 10_000_000;
            o.MaxTableFraction = 1;
        });
        var spam = harness.SeedPosts(500);
        var progress = new ProgressLog(p =>
        {
            if (p.State == waiting)
            {
                harness.Clock.Advance(TimeSpan.FromMinutes(1));
            }
        });
        await using var context = harness.Guarded();
        var options = new BatchOptions { MaxRowsPerBatch = 100, JobName = jobName, ProbeInterval = TimeSpan.FromSeconds(20) };
        if (waiting == BatchState.WaitingForProbe)
        {
            options.PacingProbes.Add(new ScriptedProbe(false, true));
        }

        var result = await Task.Run(() => context.Posts.Where(p => p.GroupId == spam).DeleteInBatchesAsync(options, progress)).WaitAsync(TimeSpan.FromMinutes(1));

        Assert.Equal(500, result.Rows);
        Assert.Contains(progress.Reports, r => r.State == waiting);
    }

    // The job reads the keys and sizes of many batches' rows at once; rows that grew while it waited (or longer ago than a
    // second) must be read again, or their batch is priced at their old size.
    [Theory]
    [InlineData("a wait for a probe")]
    [InlineData("two seconds without a wait")]
    public async Task RowsReadAhead_AreReadAgain_AfterAWaitOrASecond(string between)
    {
        using var harness = new GuardHarness(o => o.MaxTableFraction = 1);
        var spam = harness.SeedPosts(300);
        var grown = false;
        void Grow()
        {
            if (!grown)
            {
                grown = true;
                using var writer = harness.Unguarded();
                writer.Posts.Where(p => p.GroupId == spam).ExecuteUpdate(s => s.SetProperty(p => p.Body, new string('g', 5_000)));
            }
        }

        var waits = between == "a wait for a probe";
        var progress = new ProgressLog(p =>
        {
            if (waits ? p.State == BatchState.WaitingForProbe : p is { State: BatchState.Running, Batches: 1 })
            {
                Grow();
                if (!waits)
                {
                    harness.Clock.Advance(TimeSpan.FromSeconds(2));
                }
            }
        });
        await using var context = harness.Guarded();
        var options = new BatchOptions { MaxRowsPerBatch = 100, ProbeInterval = TimeSpan.FromSeconds(1) };
        if (waits)
        {
            options.PacingProbes.Add(new ScriptedProbe(false, true));
        }

        var result = await harness.Clock.DriveAsync(context.Posts.Where(p => p.GroupId == spam).DeleteInBatchesAsync(options, progress), TimeSpan.FromSeconds(1));

        Assert.True(grown);
        Assert.Equal(300, result.Rows);
        var (first, second) = (progress.Batches[0], progress.Batches[1]);
        var perRowBefore = first.Bytes / first.Rows;
        var perRowAfter = (second.Bytes - first.Bytes) / (second.Rows - first.Rows);
        Assert.True(perRowAfter > 10 * perRowBefore, $"rows of 5,000 B priced at {perRowAfter} B each, rows of 100 B at {perRowBefore} B");
    }

    [Fact]
    public async Task AProbeThatFails_EndsTheJobWithItsError()
    {
        using var harness = new GuardHarness();
        var spam = harness.SeedPosts(10);
        await using var context = harness.Guarded();
        var options = new BatchOptions { PacingProbes = { new FailingProbe() } };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.Posts.Where(p => p.GroupId == spam).DeleteInBatchesAsync(options));

        Assert.Equal("replica unreachable", error.Message);
        Assert.Equal(10, harness.Count<Post>());
    }

    [Fact]
    public async Task Cancellation_StopsBetweenBatches_AndARerunContinues()
    {
        using var harness = new GuardHarness();
        var spam = harness.SeedPosts(500);
        using var cancellation = new CancellationTokenSource();
        var progress = new ProgressLog(p =>
        {
            if (p.Batches == 2)
            {
                cancellation.Cancel();
            }
        });
        await using var context = harness.Guarded();

        var canceled = await Assert.ThrowsAsync<BatchJobCanceledException>(() => context.Posts.Where(p => p.GroupId == spam)
            .DeleteInBatchesAsync(new BatchOptions { MaxRowsPerBatch = 100 }, progress, cancellation.Token));

        Assert.Equal((200L, 2), (canceled.Result.Rows, canceled.Result.Batches));
        Assert.Equal(cancellation.Token, canceled.CancellationToken);
        Assert.Equal(300, harness.Count<Post>());
        Assert.Contains(harness.Log.Entries, e => e.EventId.Id == BatchLog.JobCanceledId);

        var rerun = await context.Posts.Where(p => p.GroupId == spam).DeleteInBatchesAsync(new BatchOptions { MaxRowsPerBatch = 100 });

        Assert.Equal(300, rerun.Rows);
        Assert.Equal(0, harness.Count<Post>());
    }

    [Fact]
    public async Task Cancellation_WhileWaiting_EndsTheWait()
    {
        using var harness = new GuardHarness();
        var spam = harness.SeedPosts(10);
        using var cancellation = new CancellationTokenSource();
        var progress = new ProgressLog(p =>
        {
            if (p.State == BatchState.WaitingForProbe)
            {
                cancellation.Cancel();
            }
        });
        await using var context = harness.Guarded();
        var options = new BatchOptions { PacingProbes = { new ScriptedProbe(true) } };

        var canceled = await Assert.ThrowsAsync<BatchJobCanceledException>(() => context.Posts.Where(p => p.GroupId == spam).DeleteInBatchesAsync(options, progress, cancellation.Token));

        Assert.Equal(0, canceled.Result.Rows);
        Assert.Equal(10, harness.Count<Post>());
    }

    [Fact]
    public async Task Progress_ReportsElapsedTimeAndTheTimeLeft()
    {
        using var harness = new GuardHarness();
        var spam = harness.SeedPosts(400);
        await using var context = harness.Guarded();
        var clocked = new ProgressLog(p => harness.Clock.Advance(TimeSpan.FromSeconds(1)));

        await context.Posts.Where(p => p.GroupId == spam).DeleteInBatchesAsync(new BatchOptions { MaxRowsPerBatch = 100 }, clocked);

        // One simulated second passes after each report: batch k of 4 reports k s for k × 100 rows.
        var batches = clocked.Batches;
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(4)], batches.Select(b => b.Elapsed));
        Assert.Equal(TimeSpan.FromSeconds(3), batches[0].EstimatedRemaining);
        Assert.Equal(TimeSpan.Zero, clocked.Reports[^1].EstimatedRemaining);
        Assert.Null(clocked.Reports[0].EstimatedRemaining);
    }

    private sealed class FailingProbe : IPacingProbe
    {
        public ValueTask<PacingVerdict> CheckAsync(CancellationToken cancellationToken) => throw new InvalidOperationException("replica unreachable");
    }
}
