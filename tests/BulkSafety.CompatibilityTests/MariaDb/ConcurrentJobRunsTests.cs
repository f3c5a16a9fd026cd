using System.Globalization;
using BulkSafety.CrashJob;
using BulkSafety.IntegrationTests.MariaDb;
using BulkSafety.IntegrationTests.SafePaths;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace BulkSafety.CompatibilityTests.MariaDb;

/// <summary>
/// The two-process job scenarios (<see cref="ConcurrentRuns"/>) against MariaDB 10.11 through Pomelo 9, the job program
/// built on EF Core 9 (tests/BulkSafety.CrashJob.MariaDb). The guard does not probe MySQL/MariaDB yet, so these jobs price
/// their batches from the table's rows in each key range without the filter (docs/safe-paths.md): what is tested is the
/// lease, the conditional checkpoint advance and the rollback of a batch whose run lost the job.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class ConcurrentJobRunsTests(MariaDbFixture fixture, ITestOutputHelper output)
{
    private readonly ConcurrentRuns _runs = new(CrashJobProcess.MariaDb, output);

    [Fact]
    public async Task TwoProcessesAtOnce_ApplyEveryRowExactlyOnce()
    {
        var connectionString = await CreateDatabaseAsync("safe_paths_twins");
        await _runs.TwoProcessesAtOnce_ApplyEveryRowExactlyOnce(connectionString, () => Unguarded(connectionString));
    }

    [Fact]
    public async Task AHolderStalledPastItsLease_LosesTheJob_AndItsNextBatchIsRolledBack()
    {
        var connectionString = await CreateDatabaseAsync("safe_paths_stalled");
        await _runs.AHolderStalledPastItsLease_LosesTheJob_AndItsNextBatchIsRolledBack(connectionString, () => Unguarded(connectionString));
    }

    // A database of its own (dropped and created afresh), with the items seeded set-based (MariaDB's SEQUENCE engine).
    private async Task<string> CreateDatabaseAsync(string name)
    {
        await fixture.Server.Client.ExecuteAsync($"DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name}");
        var connectionString = fixture.Server.ConnectionString(name);
        await using var context = Unguarded(connectionString);
        await context.Database.EnsureCreatedAsync();
        await context.Database.ExecuteSqlRawAsync(string.Create(CultureInfo.InvariantCulture, $"""
            INSERT INTO batch_items (Id, Flagged, Counter, Payload)
            SELECT seq, seq % {ConcurrentRuns.FlagEvery} = 0, 0, REPEAT('p', 200) FROM seq_1_to_{ConcurrentRuns.Rows}
            """));
        return connectionString;
    }

    private static BatchItemContext Unguarded(string connectionString)
        => new(BatchItemContext.UseDatabase(new DbContextOptionsBuilder<BatchItemContext>(), connectionString).Options);
}
