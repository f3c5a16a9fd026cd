using BulkSafety.Estimation;
using BulkSafety.IntegrationTests.Postgres;
using BulkSafety.IntegrationTests.Workloads;
using BulkSafety.Databases;
using Microsoft.EntityFrameworkCore;
using BulkSafety.IntegrationTests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace BulkSafety.IntegrationTests.BulkCommands;

/// <summary>
/// ExecuteDelete/ExecuteUpdate and raw DELETE on PostgreSQL through Npgsql's EF Core provider: the EXPLAIN, COUNT and
/// statistics probes, the probes inside the caller's transaction, and the estimate against the WAL the statement really
/// writes.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresBulkCommandTests(PostgresFixture fixture, ITestOutputHelper output)
{
    /// <summary>How far an ExecuteDelete's estimate may be from the WAL the meter measures for it (steady state).</summary>
    private const double WalTolerance = 0.05;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExecuteDelete_Estimate_IsWithinFivePercentOfTheMeasuredWal(bool async)
    {
        await fixture.Server.SetWalLevelAsync(WalLevel.Logical);
        using var documents = await GuardedDocuments.CreateAsync(fixture.Server, o => o.Profile = ReplicationProfile.PostgresWal(PostgresWalLevel.Logical));
        await documents.SeedAsync(owner: 1, count: 300, bodyBytes: 200);
        await documents.SeedAsync(owner: 2, count: 300, bodyBytes: 200);
        await using var context = documents.Guarded();
        var owner = 1L;

        var deleted = 0;
        var measured = await fixture.Meter.MeasureAsync(
            async _ => deleted = await Delete(context.Documents.Where(d => d.OwnerId == owner), async),
            WalStart.Steady);

        Assert.Equal(300, deleted);
        AssertWithin($"ExecuteDelete of 300 of 600 rows, 200 B bodies, logical, default identity ({(async ? "async" : "sync")})", documents.Ledger.CommittedBytesInWindow, measured);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExecuteDelete_UnderReplicaIdentityFull_PricesTheStoredText(bool async)
    {
        await fixture.Server.SetWalLevelAsync(WalLevel.Logical);
        using var documents = await GuardedDocuments.CreateAsync(
            fixture.Server, o => o.Profile = ReplicationProfile.PostgresWal(PostgresWalLevel.Logical, PostgresReplicaIdentity.Full), replicaIdentityFull: true);
        await documents.SeedAsync(owner: 1, count: 20, bodyBytes: 20_000);
        await documents.SeedAsync(owner: 2, count: 20, bodyBytes: 20_000);
        await using var context = documents.Guarded();
        var owner = 1L;

        var measured = await fixture.Meter.MeasureAsync(
            async _ => await Delete(context.Documents.Where(d => d.OwnerId == owner), async),
            WalStart.Steady);

        // The de-TOASTed old rows are logged: 20 × ~20 KB, which only the measured stored sizes can predict.
        Assert.True(measured.WorkloadBytes > 20 * 20_000, measured.ToString());
        AssertWithin($"ExecuteDelete of 20 of 40 rows, 20 KB bodies, logical, REPLICA IDENTITY FULL ({(async ? "async" : "sync")})", documents.Ledger.CommittedBytesInWindow, measured);

        // The planner's statistics cannot: pg_stats.avg_width counts a TOASTed value at its pointer's size.
        var averageWidth = await fixture.Server.ScalarAsync<int>(
            $"SELECT avg_width FROM pg_stats WHERE schemaname = '{DocumentsContext.Schema}' AND tablename = 'documents' AND attname = 'Body'");
        Assert.InRange(averageWidth, 1, 100);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExecuteDelete_OfAPrincipal_PricesTheRowsTheDatabaseCascadesTo(bool async)
    {
        await fixture.Server.SetWalLevelAsync(WalLevel.Logical);
        using var documents = await GuardedDocuments.CreateAsync(fixture.Server, o => o.Profile = ReplicationProfile.PostgresWal(PostgresWalLevel.Logical));
        var doomed = await documents.AddFolderAsync("spam");
        var kept = await documents.AddFolderAsync("ham");
        await documents.SeedAsync(owner: 1, count: 200, bodyBytes: 200, folder: doomed);
        await documents.SeedAsync(owner: 2, count: 200, bodyBytes: 200, folder: kept);
        await using var context = documents.Guarded();

        var measured = await fixture.Meter.MeasureAsync(
            async _ => await Delete(context.Folders.Where(f => f.Id == doomed), async),
            WalStart.Steady);

        Assert.Equal(200, await documents.CountAsync());
        AssertWithin($"ExecuteDelete of 1 folder cascading to 200 of 400 documents, logical ({(async ? "async" : "sync")})", documents.Ledger.CommittedBytesInWindow, measured);
    }

    [Fact]
    public async Task LargeStatement_TakesRowsFromThePlan_AndIsBlockedBeforeItRuns()
    {
        using var documents = await GuardedDocuments.CreateAsync(fixture.Server);
        await documents.SeedManyAsync(owners: 10, count: 150_000);
        await using var context = documents.Guarded();

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Documents.Where(d => d.OwnerId != 0).ExecuteDeleteAsync());

        Assert.Equal(BulkSafetyRuleIds.UnitOfWorkRows, violation.Report.RuleId);
        Assert.InRange(violation.Report.Rows, 135_000 * 0.9, 135_000 * 1.1);
        Assert.StartsWith("rows from the EXPLAIN plan", violation.Report.Basis, StringComparison.Ordinal);
        Assert.Contains($"{BulkStatementProbe.SampleRows:N0} sampled matching rows", violation.Report.Basis, StringComparison.Ordinal);
        Assert.Equal(150_000, await documents.CountAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SmallStatement_IsCountedExactly_WithTheCommandsArrayParameter(bool async)
    {
        using var documents = await GuardedDocuments.CreateAsync(fixture.Server, o => o.MaxRowsPerUnitOfWork = 3);
        await documents.SeedAsync(owner: 1, count: 10, bodyBytes: 10);
        await using var context = documents.Guarded();
        long[] four = [1, 3, 5, 7];
        long[] three = [2, 4, 6];

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => Delete(context.Documents.Where(d => four.Contains(d.Id)), async));
        var deleted = await Delete(context.Documents.Where(d => three.Contains(d.Id)), async);

        Assert.Equal(4, violation.Report.Rows);
        Assert.StartsWith("COUNT(*) over the statement's predicate (EXPLAIN plan:", violation.Report.Basis, StringComparison.Ordinal);
        Assert.Equal(3, deleted);
        await using var check = documents.Unguarded();
        var remaining = await check.Documents.Select(d => d.Id).OrderBy(id => id).ToArrayAsync();
        Assert.Equal([1L, 3L, 5L, 7L, 8L, 9L, 10L], remaining);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Probes_RunInTheCommandsTransaction_AndLeaveItUsable(bool async)
    {
        using var documents = await GuardedDocuments.CreateAsync(fixture.Server, o => o.MaxRowsPerUnitOfWork = 10);
        await using var context = documents.Guarded();
        await using var transaction = await context.Database.BeginTransactionAsync();
        await context.Database.ExecuteSqlRawAsync(
            $"INSERT INTO {DocumentsContext.Schema}.documents (\"OwnerId\", \"Title\", \"Views\") SELECT 9, 'uncommitted ' || g, 0 FROM generate_series(0, 49) g");

        // Only this transaction sees the 50 rows: the probe counts them because it runs inside it.
        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => Delete(context.Documents.Where(d => d.OwnerId == 9), async));
        var failedProbe = await Assert.ThrowsAsync<BulkSafetyViolationException>(
            () => context.Database.ExecuteSqlRawAsync($"DELETE FROM {DocumentsContext.Schema}.documents WHERE \"NoSuchColumn\" = 1"));
        var deleted = await Delete(context.Documents.Where(d => d.OwnerId == 9 && d.Title.EndsWith(" 7")), async);
        await transaction.CommitAsync();

        Assert.Equal(50, violation.Report.Rows);
        Assert.Equal(BulkSafetyRuleIds.UnknownCost, failedProbe.Report.RuleId);
        Assert.Contains("the probe failed", failedProbe.Report.Detail, StringComparison.Ordinal);
        Assert.Equal(1, deleted);
        Assert.Equal(49, await documents.CountAsync());
    }

    [Fact]
    public async Task FilterMatchingEverything_IsBlockedByTheBlastRadius_FromPgClassStatistics()
    {
        using var documents = await GuardedDocuments.CreateAsync(fixture.Server);
        await documents.SeedManyAsync(owners: 10, count: 2_000);
        await using var context = documents.Guarded();
        List<long> owners = [];

        var query = owners.Count == 0 ? context.Documents : context.Documents.Where(d => owners.Contains(d.OwnerId));
        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => query.ExecuteUpdateAsync(s => s.SetProperty(d => d.Views, 0)));
        var small = await context.Documents.Where(d => d.Id <= 10).ExecuteDeleteAsync();

        Assert.Equal(BulkSafetyRuleIds.TableFraction, violation.Report.RuleId);
        Assert.Contains("2,000 of the 2,000 rows of bulk.documents", violation.Report.Detail, StringComparison.Ordinal);
        Assert.Equal(10, small);
    }

    [Fact]
    public async Task TableRowCount_UsesReltuplesOnceAnalyzed_ElseCounts()
    {
        using var documents = await GuardedDocuments.CreateAsync(fixture.Server);
        await using var connection = await fixture.Server.OpenConnectionAsync();
        await using (var insert = new NpgsqlCommand($"INSERT INTO {DocumentsContext.Schema}.documents (\"OwnerId\", \"Title\", \"Views\") SELECT g, 't', 0 FROM generate_series(1, 1234) g", connection))
        {
            await insert.ExecuteNonQueryAsync();
        }

        var beforeAnalyze = await CountRowsAsync(connection, "documents", async: true);
        await fixture.Server.ExecuteAsync($"ANALYZE {DocumentsContext.Schema}.documents");
        var afterAnalyze = await CountRowsAsync(connection, "documents", async: false);
        var missing = await CountRowsAsync(connection, "no_such_table", async: true);

        Assert.Equal(new TableRowCount(1234, TableRowCountProbe.CountSource), beforeAnalyze);
        Assert.Equal(new TableRowCount(1234, TableRowCountProbe.StatisticsSource), afterAnalyze);
        Assert.Null(missing);
    }

    private static async Task<TableRowCount?> CountRowsAsync(NpgsqlConnection connection, string table, bool async)
    {
        var scope = await DatabaseDialect.Postgres.OpenProbeScopeAsync(connection, null, null, async, CancellationToken.None);
        try
        {
            return await TableRowCountProbe.CountAsync(scope, DocumentsContext.Schema, table, async, CancellationToken.None);
        }
        finally
        {
            await scope.CloseAsync(async);
        }
    }

    private static async Task<int> Delete<T>(IQueryable<T> query, bool async)
        => async ? await query.ExecuteDeleteAsync() : query.ExecuteDelete();

    // Everything the statement's transaction added to the WAL: its records and the page headers they crossed.
    private void AssertWithin(string workload, long estimated, WalMeasurement measured)
    {
        var written = measured.LsnBytes - measured.BackgroundBytes;
        var error = (estimated - written) / (double)written;
        var shown = (Math.Round(error, 4) + 0.0).ToString("+0.00%;-0.00%;0.00%", System.Globalization.CultureInfo.InvariantCulture);
        var figures = new FiguresReport("bulk-commands-wal", "PostgresBulkCommandTests: ExecuteDelete estimate vs measured WAL", ["workload", "estimated B", "measured B", "error"]);
        figures.Add(workload, $"{estimated:N0}", $"{written:N0}", shown);
        figures.Publish(output);
        Assert.True(Math.Abs(error) <= WalTolerance, $"estimated {estimated:N0} B, measured {written:N0} B ({shown}): {measured}");
    }
}
