using System.Diagnostics;
using System.Globalization;
using BulkSafety.IntegrationTests.Postgres;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace BulkSafety.IntegrationTests.SafePaths;

/// <summary>
/// Crash safety with a real crash: a child process (tests/BulkSafety.CrashJob) runs a named batched update
/// (<c>Counter = Counter + 1</c> on every flagged row) against PostgreSQL; the test kills it mid-run — once while it
/// pauses after a batch, once while it runs flat out, most likely inside a batch — and after each kill checks that the
/// checkpoint and the rows agree; then a last run finishes. Every flagged row ends at exactly 1: nothing lost, nothing
/// repeated.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class CrashSafetyTests(PostgresFixture fixture, ITestOutputHelper output)
{
    private const string Job = "crash test";
    private const int Rows = 20_000;
    private const int Flagged = Rows / 2;
    private const int RowsPerBatch = 100;

    // A killed child holds its lease until it expires: short, so that the next run waits little.
    private const int LeaseMilliseconds = 2_000;

    [Fact]
    public async Task KilledMidRun_TheRerunContinues_AndEveryRowIsCountedExactlyOnce()
    {
        var database = await BatchItemsDatabase.CreateAsync(fixture.Server, "safe_paths_crash", Rows, flagEvery: 2);

        // Paused 50 ms after each batch: the kill most likely lands between batches.
        var first = await RunUntilKilledAsync(database, pauseMilliseconds: 50, killAfterBatch: 5);
        var afterFirst = await CheckConsistentAsync(database);
        Assert.InRange(afterFirst, first * RowsPerBatch, Flagged - 1);

        // Flat out: the kill most likely lands inside a batch's transaction.
        var second = await RunUntilKilledAsync(database, pauseMilliseconds: 0, killAfterBatch: 3);
        var afterSecond = await CheckConsistentAsync(database);
        Assert.InRange(afterSecond, afterFirst + (second * RowsPerBatch), Flagged - 1);

        var finish = await RunToEndAsync(database);
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"before={afterSecond} "), finish, StringComparison.Ordinal);

        await using var check = database.Unguarded();
        Assert.Equal(Flagged, await check.Items.CountAsync(i => i.Flagged && i.Counter == 1));
        Assert.Equal(Rows - Flagged, await check.Items.CountAsync(i => !i.Flagged && i.Counter == 0));
        Assert.Equal(Flagged, await CheckpointRowsAsync(database, completed: true));
        Assert.Contains("completed-before=True", await RunToEndAsync(database), StringComparison.Ordinal);
    }

    // The checkpoint must say exactly how many rows carry the increment: a batch committed with its checkpoint or not at all.
    private static async Task<long> CheckConsistentAsync(BatchItemsDatabase database)
    {
        await using var check = database.Unguarded();
        var counted = await check.Items.CountAsync(i => i.Counter == 1);
        Assert.False(await check.Items.AnyAsync(i => i.Counter > 1 || (!i.Flagged && i.Counter != 0)), "a row was counted twice or a row outside the filter was touched");
        Assert.Equal(counted, await CheckpointRowsAsync(database, completed: false));
        return counted;
    }

    private static async Task<long> CheckpointRowsAsync(BatchItemsDatabase database, bool completed)
    {
        await using var check = database.Unguarded();
        var flag = completed ? 1 : 0;
        return await check.Database
            .SqlQuery<long>($"SELECT rows_done AS \"Value\" FROM bulksafety_checkpoints WHERE job = {Job} AND completed = {flag}")
            .SingleAsync();
    }

    // Starts the job and kills it (the whole process tree) once it has printed that batch `killAfterBatch` committed.
    // Returns the batches it saw committed.
    private async Task<int> RunUntilKilledAsync(BatchItemsDatabase database, int pauseMilliseconds, int killAfterBatch)
    {
        using var child = Start(database, pauseMilliseconds);
        var seen = 0;
        while (await child.StandardOutput.ReadLineAsync() is { } line)
        {
            output.WriteLine($"child {child.Id}: {line}");
            if (line.StartsWith("batch ", StringComparison.Ordinal) && ++seen == killAfterBatch)
            {
                child.Kill(entireProcessTree: true);
                break;
            }
        }

        await child.WaitForExitAsync();
        Assert.True(seen == killAfterBatch, $"the job ended before batch {killAfterBatch}: {await child.StandardError.ReadToEndAsync()}");
        output.WriteLine($"killed child {child.Id} after it reported {seen} batches");
        return seen;
    }

    private async Task<string> RunToEndAsync(BatchItemsDatabase database)
    {
        using var child = Start(database, pauseMilliseconds: 0);
        var (exitCode, text, errors) = await CrashJobProcess.WaitForExitAsync(child);
        output.WriteLine($"child {child.Id} ran to the end: {text.Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()}");
        Assert.True(exitCode == 0, $"the job exited with {exitCode}: {errors}");
        return text;
    }

    private static Process Start(BatchItemsDatabase database, int pauseMilliseconds)
        => CrashJobProcess.Start(CrashJobProcess.Postgres, database.ConnectionString, Job, RowsPerBatch, pauseMilliseconds, LeaseMilliseconds);
}
