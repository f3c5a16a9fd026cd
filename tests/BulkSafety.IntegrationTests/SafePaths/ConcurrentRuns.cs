using System.Globalization;
using BulkSafety.CrashJob;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace BulkSafety.IntegrationTests.SafePaths;

/// <summary>
/// Two processes (tests/BulkSafety.CrashJob, or its MariaDB build) run the same named <c>Counter = Counter + 1</c> job at
/// once: one holds the job's lease and works, the other waits; a holder that stalls past its lease loses the job to the
/// other, and the batch it tries when it wakes is rolled back. Every flagged row ends at exactly 1. Run against
/// PostgreSQL by ConcurrentRunsTests and against MariaDB by BulkSafety.CompatibilityTests.
/// </summary>
/// <param name="program">The build of the job program (<see cref="CrashJobProcess.Postgres"/> or <see cref="CrashJobProcess.MariaDb"/>).</param>
/// <param name="output">The test's output.</param>
internal sealed class ConcurrentRuns(string program, ITestOutputHelper output)
{
    /// <summary>The rows of the table the scenarios need; every <see cref="FlagEvery"/>-th is flagged.</summary>
    public const int Rows = 2_000;

    public const int FlagEvery = 2;

    private const string Job = "twin";
    private const int Flagged = Rows / FlagEvery;
    private const int RowsPerBatch = 50;

    // Long enough that a run starting cold on a loaded machine (EF Core compiling its queries) reaches its first batch
    // within it (a 2 s lease expired under a CI run at load 30): the runs at once are to meet while both are alive, not to
    // take over from each other.
    private const int LeaseMilliseconds = 20_000;

    // Short, so that the stalled holder loses the job soon.
    private const int StalledLeaseMilliseconds = 2_000;

    /// <param name="connectionString">A database of <see cref="Rows"/> items, every <see cref="FlagEvery"/>-th flagged, all at Counter 0.</param>
    /// <param name="unguarded">A context on it without the guard, for the checks.</param>
    public async Task TwoProcessesAtOnce_ApplyEveryRowExactlyOnce(string connectionString, Func<BatchItemContext> unguarded)
    {
        // A pause per batch keeps the first run going while the second starts.
        using var first = CrashJobProcess.Start(program, connectionString, Job, RowsPerBatch, pauseMilliseconds: 20, LeaseMilliseconds);
        using var second = CrashJobProcess.Start(program, connectionString, Job, RowsPerBatch, pauseMilliseconds: 20, LeaseMilliseconds);
        var runs = await Task.WhenAll(CrashJobProcess.WaitForExitAsync(first), CrashJobProcess.WaitForExitAsync(second));

        foreach (var (exitCode, text, errors) in runs)
        {
            output.WriteLine($"exit {exitCode}: {string.Join(" | ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !l.StartsWith("batch ", StringComparison.Ordinal)))} {errors}");
            Assert.Equal(0, exitCode);
        }

        Assert.Single(runs, r => r.Output.Contains($"done rows={Flagged} before=0 completed-before=False", StringComparison.Ordinal));
        Assert.Single(runs, r => r.Output.Contains($"done rows=0 before={Flagged} completed-before=True", StringComparison.Ordinal));
        await AssertEveryFlaggedRowOnceAsync(unguarded);
    }

    /// <inheritdoc cref="TwoProcessesAtOnce_ApplyEveryRowExactlyOnce"/>
    public async Task AHolderStalledPastItsLease_LosesTheJob_AndItsNextBatchIsRolledBack(string connectionString, Func<BatchItemContext> unguarded)
    {
        var wake = Path.Combine(Path.GetTempPath(), $"bulksafety-wake-{Guid.NewGuid():N}");
        try
        {
            using var stalled = CrashJobProcess.Start(program, connectionString, Job, RowsPerBatch, pauseMilliseconds: 0, StalledLeaseMilliseconds, stall: (3, wake));

            // Where the filter is not evaluated by the probes (MariaDB), a batch is a key range of RowsPerBatch table rows,
            // half of them flagged: the rows done are what the holder says.
            var done = int.Parse((await ReadUntilAsync(stalled, "batch 3 rows="))["batch 3 rows=".Length..], CultureInfo.InvariantCulture);

            // The second run waits out the stalled holder's lease, takes the job and finishes it; then the holder wakes.
            using var other = CrashJobProcess.Start(program, connectionString, Job, RowsPerBatch, pauseMilliseconds: 0, StalledLeaseMilliseconds);
            var (otherExit, otherOutput, otherErrors) = await CrashJobProcess.WaitForExitAsync(other);
            Assert.True(otherExit == 0, otherErrors);
            Assert.Contains($"done rows={Flagged - done} before={done} completed-before=False", otherOutput, StringComparison.Ordinal);
            await File.WriteAllTextAsync(wake, "");
            var (stalledExit, stalledOutput, _) = await CrashJobProcess.WaitForExitAsync(stalled);

            output.WriteLine(stalledOutput);
            Assert.Equal(CrashJobProcess.LostLeaseExitCode, stalledExit);
            Assert.Contains($"lost-lease: The job '{Job}' was taken over by another run while this one was starting its batch 4", stalledOutput, StringComparison.Ordinal);
            await AssertEveryFlaggedRowOnceAsync(unguarded);
        }
        finally
        {
            File.Delete(wake);
        }
    }

    // The first line of the child's output that starts with the prefix.
    private async Task<string> ReadUntilAsync(System.Diagnostics.Process child, string prefix)
    {
        while (await child.StandardOutput.ReadLineAsync() is { } line)
        {
            output.WriteLine($"child {child.Id}: {line}");
            if (line.StartsWith(prefix, StringComparison.Ordinal))
            {
                return line;
            }
        }

        Assert.Fail($"the child ended before printing '{prefix}': {await child.StandardError.ReadToEndAsync()}");
        return "";
    }

    private static async Task AssertEveryFlaggedRowOnceAsync(Func<BatchItemContext> unguarded)
    {
        await using var check = unguarded();
        Assert.Equal(Flagged, await check.Items.CountAsync(i => i.Flagged && i.Counter == 1));
        Assert.Equal(Rows - Flagged, await check.Items.CountAsync(i => !i.Flagged && i.Counter == 0));
    }
}
