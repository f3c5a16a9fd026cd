using BulkSafety.IntegrationTests.Postgres;
using Xunit.Abstractions;

namespace BulkSafety.IntegrationTests.SafePaths;

/// <summary>The two-process job scenarios (<see cref="ConcurrentRuns"/>) against PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class ConcurrentRunsTests(PostgresFixture fixture, ITestOutputHelper output)
{
    private readonly ConcurrentRuns _runs = new(CrashJobProcess.Postgres, output);

    [Fact]
    public async Task TwoProcessesAtOnce_ApplyEveryRowExactlyOnce()
    {
        var database = await BatchItemsDatabase.CreateAsync(fixture.Server, "safe_paths_twins", ConcurrentRuns.Rows, ConcurrentRuns.FlagEvery);
        await _runs.TwoProcessesAtOnce_ApplyEveryRowExactlyOnce(database.ConnectionString, database.Unguarded);
    }

    [Fact]
    public async Task AHolderStalledPastItsLease_LosesTheJob_AndItsNextBatchIsRolledBack()
    {
        var database = await BatchItemsDatabase.CreateAsync(fixture.Server, "safe_paths_stalled", ConcurrentRuns.Rows, ConcurrentRuns.FlagEvery);
        await _runs.AHolderStalledPastItsLease_LosesTheJob_AndItsNextBatchIsRolledBack(database.ConnectionString, database.Unguarded);
    }
}
