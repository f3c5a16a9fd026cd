using BulkSafety.IntegrationTests.Postgres;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace BulkSafety.IntegrationTests.SafePaths;

/// <summary>
/// Two processes (tests/BulkSafety.CrashJob) run the same named <c>Counter = Counter + 1</c> job against PostgreSQL at
/// once: one holds the job's lease and works, the other waits; a holder that stalls past its lease loses the job to the
/// other, and the batch it tries when it wakes is rolled back. Every flagged row ends at exactly 1.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ConcurrentRunsTests(PostgresFixture fixture, ITestOutputHelper output)
{
    private const string Job = "twin";
    private const int Rows = 2_000;
    private const int Flagged = Rows / 2;
    private const int RowsPerBatch = 50;
    private const int LeaseMilliseconds = 2_000;

    // Where no holder is meant to lose the job: long enough that a run stalled by a loaded machine keeps its lease (a 2 s
    // lease expired under a CI run's load, and the run that lost it rightly stopped).
    private const int HealthyLeaseMilliseconds = 20_000;

    [Fact]
    public async Task TwoProcessesAtOnce_ApplyEveryRowExactlyOnce()
    {
        var database = await BatchItemsDatabase.CreateAsync(fixture.Server, "safe_paths_twins", Rows, flagEvery: 2);

        // A pause per batch keeps the first run going while the second starts.
        using var first = CrashJobProcess.Start(database, Job, RowsPerBatch, pauseMilliseconds: 20, HealthyLeaseMilliseconds);
        using var second = CrashJobProcess.Start(database, Job, RowsPerBatch, pauseMilliseconds: 20, HealthyLeaseMilliseconds);
        var runs = await Task.WhenAll(CrashJobProcess.WaitForExitAsync(first), CrashJobProcess.WaitForExitAsync(second));

        foreach (var (exitCode, text, errors) in runs)
        {
            output.WriteLine($"exit {exitCode}: {string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("batch ", StringComparison.Ordinal)))} {errors}");
            Assert.Equal(0, exitCode);
        }

        Assert.Single(runs, r => r.Output.Contains($"done rows={Flagged} before=0 completed-before=False", StringComparison.Ordinal));
        Assert.Single(runs, r => r.Output.Contains("done rows=0 before=1000 completed-before=True", StringComparison.Ordinal));
        await AssertEveryFlaggedRowOnceAsync(database);
    }

    [Fact]
    public async Task AHolderStalledPastItsLease_LosesTheJob_AndItsNextBatchIsRolledBack()
    {
        var database = await BatchItemsDatabase.CreateAsync(fixture.Server, "safe_paths_stalled", Rows, flagEvery: 2);
        var wake = Path.Combine(Path.GetTempPath(), $"bulksafety-wake-{Guid.NewGuid():N}");
        try
        {
            using var stalled = CrashJobProcess.Start(database, Job, RowsPerBatch, pauseMilliseconds: 0, LeaseMilliseconds, stall: (3, wake));
            await ReadUntilAsync(stalled, "batch 3 ");

            // The second run waits out the stalled holder's lease, takes the job and finishes it; then the holder wakes.
            using var other = CrashJobProcess.Start(database, Job, RowsPerBatch, pauseMilliseconds: 0, LeaseMilliseconds);
            var (otherExit, otherOutput, otherErrors) = await CrashJobProcess.WaitForExitAsync(other);
            Assert.True(otherExit == 0, otherErrors);
            Assert.Contains($"done rows={Flagged - (3 * RowsPerBatch)} before={3 * RowsPerBatch} completed-before=False", otherOutput, StringComparison.Ordinal);
            await File.WriteAllTextAsync(wake, "");
            var (stalledExit, stalledOutput, _) = await CrashJobProcess.WaitForExitAsync(stalled);

            output.WriteLine(stalledOutput);
            Assert.Equal(CrashJobProcess.LostLeaseExitCode, stalledExit);
            Assert.Contains("lost-lease: The job 'twin' was taken over by another run while this one was starting its batch 4", stalledOutput, StringComparison.Ordinal);
            await AssertEveryFlaggedRowOnceAsync(database);
        }
        finally
        {
            File.Delete(wake);
        }
    }

    private async Task ReadUntilAsync(System.Diagnostics.Process child, string prefix)
    {
        while (await child.StandardOutput.ReadLineAsync() is { } line)
        {
            output.WriteLine($"child {child.Id}: {line}");
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return;
            }
        }

        Assert.Fail($"the child ended before printing '{prefix}': {await child.StandardError.ReadToEndAsync()}");
    }

    private static async Task AssertEveryFlaggedRowOnceAsync(BatchItemsDatabase database)
    {
        await using var check = database.Unguarded();
        Assert.Equal(Flagged, await check.Items.CountAsync(i => i.Flagged && i.Counter == 1));
        Assert.Equal(Rows - Flagged, await check.Items.CountAsync(i => !i.Flagged && i.Counter == 0));
    }
}
