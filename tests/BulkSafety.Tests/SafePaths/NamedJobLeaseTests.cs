using BulkSafety.SafePaths;
using BulkSafety.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace BulkSafety.Tests.SafePaths;

/// <summary>
/// Runs of one named job that overlap — two contexts on their own connections to one SQLite file, on the real clock:
/// one run holds the job's lease at a time, each batch commits only while its run holds it, so every row gets the
/// increment exactly once. (The PostgreSQL tests run the same with two processes.)
/// </summary>
public sealed class NamedJobLeaseTests
{
    private const int Rows = 300;

    [Fact]
    public async Task TwoRunsAtOnce_ApplyEveryRowExactlyOnce()
    {
        using var harness = Harness();
        harness.SeedGroups(Rows);
        await using var first = harness.Guarded();
        await using var second = harness.Guarded();
        var options = new BatchOptions { JobName = "twin", MaxRowsPerBatch = 10, ProbeInterval = TimeSpan.FromMilliseconds(20) };

        var results = await Task.WhenAll(Task.Run(() => BatchCheckpointTests.Increment(first, options)), Task.Run(() => BatchCheckpointTests.Increment(second, options)));

        await AssertEveryRowOnceAsync(harness);
        Assert.Equal(Rows, results.Sum(r => r.Rows));
        Assert.Single(results, r => r.AlreadyCompleted);
    }

    [Fact]
    public async Task ASecondRun_ThatMayNotWait_IsRefusedNamingTheRunThatHoldsTheJob()
    {
        using var harness = Harness();
        harness.SeedGroups(Rows);
        await using var first = harness.Guarded();
        await using var second = harness.Guarded();
        BatchJobLeaseException? refused = null;
        var progress = new ProgressLog(p =>
        {
            if (p.Batches == 1 && refused is null)
            {
                refused = Assert.ThrowsAsync<BatchJobLeaseException>(() => BatchCheckpointTests.Increment(second, Options(RunningJobBehavior.Fail))).GetAwaiter().GetResult();
            }
        });

        await BatchCheckpointTests.Increment(first, Options(RunningJobBehavior.Fail), progress);

        Assert.NotNull(refused);
        Assert.Equal("twin", refused.JobName);
        Assert.Contains($"The job 'twin' is being run by another run ({Environment.MachineName}/{Environment.ProcessId}/", refused.Message, StringComparison.Ordinal);
        await AssertEveryRowOnceAsync(harness);
    }

    [Fact]
    public async Task AHolderPausedPastItsLease_LosesTheJob_AndTheBatchItThenStartsIsRolledBack()
    {
        using var harness = Harness();
        harness.SeedGroups(Rows);
        await using var first = harness.Guarded();
        await using var second = harness.Guarded();
        BatchResult? takeover = null;
        var progress = new ProgressLog(p =>
        {
            if (p.Batches == 2 && takeover is null)
            {
                // The holder stops renewing (a GC pause, a stopped VM); another run takes the expired lease and finishes.
                Thread.Sleep(TimeSpan.FromSeconds(1.5));
                takeover = BatchCheckpointTests.Increment(second, Options(RunningJobBehavior.Fail)).GetAwaiter().GetResult();
            }
        });

        var lost = await Assert.ThrowsAsync<BatchJobLeaseException>(() => BatchCheckpointTests.Increment(first, Options(RunningJobBehavior.Fail), progress));

        Assert.Contains("was taken over by another run while this one was starting its batch 3", lost.Message, StringComparison.Ordinal);
        Assert.Equal((100L, 200L), (takeover!.RowsBeforeResume, takeover.Rows));
        await AssertEveryRowOnceAsync(harness);
    }

    [Fact]
    public async Task AWaitingHolder_RenewsItsLease_SoNoOtherRunTakesTheJob()
    {
        using var harness = Harness();
        harness.SeedGroups(Rows);
        await using var first = harness.Guarded();
        await using var second = harness.Guarded();
        var probe = new GateProbe();
        var options = Options(RunningJobBehavior.Fail);
        options.PacingProbes.Add(probe);
        options.ProbeInterval = TimeSpan.FromMilliseconds(100);
        var waiting = new ProgressLog();
        var job = BatchCheckpointTests.Increment(first, options, waiting);
        await SafePathsKit.UntilAsync(() => waiting.Reports.Any(r => r.State == BatchState.WaitingForProbe), "the job to wait for the probe");

        // Twice the lease: without renewals it would have expired.
        await Task.Delay(TimeSpan.FromSeconds(2));
        await Assert.ThrowsAsync<BatchJobLeaseException>(() => BatchCheckpointTests.Increment(second, Options(RunningJobBehavior.Fail)));
        probe.Open();
        await job;

        await AssertEveryRowOnceAsync(harness);
    }

    [Fact]
    public async Task ACrashedHoldersLease_Expires_AndAWaitingRunContinuesTheJob()
    {
        using var harness = Harness();
        harness.SeedGroups(Rows);
        await using var context = harness.Guarded();
        await Assert.ThrowsAsync<BatchJobCanceledException>(() => BatchCheckpointTests.IncrementUpTo(context, long.MaxValue, Options(RunningJobBehavior.Wait), cancelAfterBatches: 2));
        await using (var check = harness.Unguarded())
        {
            // What a killed process leaves: a lease it will never renew nor give back.
            await check.Database.ExecuteSqlRawAsync("UPDATE bulksafety_checkpoints SET lease_owner = 'crashed', lease_expires_ms = CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER) + 1500");
        }

        var waiting = new ProgressLog();
        var rerun = await BatchCheckpointTests.IncrementUpTo(context, long.MaxValue, Options(RunningJobBehavior.Wait), observer: waiting);

        Assert.Equal((100L, 200L, 1), (rerun.RowsBeforeResume, rerun.Rows, rerun.Waits));
        Assert.Contains(waiting.Reports, r => r.State == BatchState.WaitingForLease && r.WaitReason!.Contains("crashed", StringComparison.Ordinal));
        Assert.Contains(harness.Log.Entries, e => e.EventId.Id == BatchLog.WaitingForLeaseId);
        await AssertEveryRowOnceAsync(harness);
    }

    private static BatchOptions Options(RunningJobBehavior ifRunning)
        => new() { JobName = "twin", MaxRowsPerBatch = 50, LeaseDuration = TimeSpan.FromSeconds(1), IfRunning = ifRunning, ProbeInterval = TimeSpan.FromMilliseconds(50) };

    // A file each context opens on its own connection, and the real clock: leases expire by the database's clock.
    private static GuardHarness Harness() => new(parallelWriters: true, services: s => s.AddSingleton(TimeProvider.System));

    private static async Task AssertEveryRowOnceAsync(GuardHarness harness)
    {
        await using var check = harness.Unguarded();
        Assert.Equal(Rows, await check.Groups.CountAsync(g => g.PostsCount == 1));
    }

    /// <summary>Says wait until opened.</summary>
    private sealed class GateProbe : IPacingProbe
    {
        private volatile bool _open;

        public void Open() => _open = true;

        public ValueTask<PacingVerdict> CheckAsync(CancellationToken cancellationToken)
            => ValueTask.FromResult(_open ? PacingVerdict.Proceed("open") : PacingVerdict.Wait("closed"));
    }
}
