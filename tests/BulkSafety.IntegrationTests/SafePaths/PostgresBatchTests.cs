using System.Collections.Concurrent;
using BulkSafety.CrashJob;
using BulkSafety.Estimation;
using BulkSafety.IntegrationTests.Postgres;
using BulkSafety.IntegrationTests.Workloads;
using BulkSafety.SafePaths;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace BulkSafety.IntegrationTests.SafePaths;

/// <summary>
/// Batched deletes and updates through Npgsql's EF Core provider on a real PostgreSQL 15: the rows, the batches, the
/// checkpoint in the batch's transaction, and the estimate against the WAL the server really wrote.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresBatchTests(PostgresFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public async Task Delete_RemovesTheFlaggedRows_AndItsEstimateMatchesTheMeasuredWal()
    {
        var database = await BatchItemsDatabase.CreateAsync(fixture.Server, "safe_paths_delete", rows: 6_000, flagEvery: 2);
        var profile = await ProfileAsync();
        await using var context = database.Guarded(o => o.Profile = profile);

        BatchResult? result = null;
        var measured = await fixture.Meter.MeasureAsync(
            async token => result = await context.Items.Where(i => i.Flagged).DeleteInBatchesAsync(new BatchOptions { MaxRowsPerBatch = 500 }, cancellationToken: token),
            WalStart.Steady);

        // Every batch takes the 500 rows it may hold: their sizes are far from the byte target.
        Assert.Equal((3_000L, 6), (result!.Rows, result.Batches));
        await using var check = database.Unguarded();
        Assert.Equal(3_000, await check.Items.CountAsync());
        Assert.False(await check.Items.AnyAsync(i => i.Flagged));
        AssertWithin(result.Bytes, measured.WorkloadBytes, 0.8, 1.25);
    }

    [Fact]
    public async Task NamedUpdate_CountsEveryFlaggedRowOnce_AndCheckpointsInTheBatchTransaction()
    {
        var database = await BatchItemsDatabase.CreateAsync(fixture.Server, "safe_paths_update", rows: 3_000, flagEvery: 3);
        var profile = await ProfileAsync();
        await using var context = database.Guarded(o => o.Profile = profile);

        BatchResult? result = null;
        var measured = await fixture.Meter.MeasureAsync(
            async token => result = await context.Items.Where(i => i.Flagged).UpdateInBatchesAsync(
                s => s.SetProperty(i => i.Counter, i => i.Counter + 1), new BatchOptions { JobName = "count flagged", MaxRowsPerBatch = 200 }, cancellationToken: token),
            WalStart.Steady);

        Assert.Equal((1_000L, 5), (result!.Rows, result.Batches));
        await using var check = database.Unguarded();
        Assert.Equal(1_000, await check.Items.CountAsync(i => i.Flagged && i.Counter == 1));
        Assert.Equal(2_000, await check.Items.CountAsync(i => !i.Flagged && i.Counter == 0));
        var checkpoint = await check.Database.SqlQueryRaw<long>("SELECT rows_done AS \"Value\" FROM bulksafety_checkpoints WHERE job = 'count flagged' AND completed = 1").SingleAsync();
        Assert.Equal(1_000, checkpoint);

        // The heap pages were filled by one INSERT: there is no room for HOT updates on them, so PostgreSQL writes
        // new tuples and index entries the steady-state HOT model does not count (docs/safe-paths.md).
        AssertWithin(result.Bytes, measured.WorkloadBytes, 0.5, 1.25);
    }

    [Fact]
    public async Task ABatchPricedFromItsSizesInTheDatabase_CostsWhatItsMaterialisedRowsCost()
    {
        // Sizes on both sides of the 126-byte header and the TOAST threshold, two-byte characters in a third of them;
        // logical + REPLICA IDENTITY FULL logs every old value, so each row's cost depends on its own size. Few enough rows
        // for one batch, so that one batch compares with one SaveChanges.
        var (result, materialised) = await DeleteAndMaterialiseAsync(
            "safe_paths_pricing",
            """UPDATE batch_items SET "Payload" = repeat(CASE WHEN "Id" % 3 = 0 THEN 'é' ELSE 'p' END, (("Id" * 47) % 3000)::int)""",
            BatchOptions.DefaultMaxRowsPerBatch);

        Assert.Equal((95L, 1), (result.Rows, result.Batches));
        Assert.Equal(materialised, result.Bytes);
    }

    [Fact]
    public async Task BatchesOfOneSize_ThenOfMixedSizes_CostWhatTheirMaterialisedRowsCost()
    {
        // The flagged rows up to Id 76 — the first two batches of 19 — have one payload size, each batch one run of
        // sizes; from the third batch on the sizes differ from row to row, a run per row.
        var (result, materialised) = await DeleteAndMaterialiseAsync(
            "safe_paths_uniform",
            """UPDATE batch_items SET "Payload" = repeat('p', CASE WHEN "Id" <= 76 THEN 300 ELSE (("Id" * 47) % 3000)::int END)""",
            batchRows: 19);

        Assert.Equal((95L, 5), (result.Rows, result.Batches));
        Assert.Equal(materialised, result.Bytes);
    }

    // A key that is not one integer column is read ahead as EF Core materialises it (text and uuid through Npgsql) and
    // ordered by the database, by its collation and uuid order, which are what the batches' key ranges compare by.
    [Fact]
    public async Task ACompositeTextAndUuidKey_IsWalkedInTheDatabasesOrder_AndEveryFlaggedRowIsDeletedOnce()
    {
        await fixture.Server.ExecuteAsync("DROP DATABASE IF EXISTS safe_paths_composite WITH (FORCE)");
        await fixture.Server.ExecuteAsync("CREATE DATABASE safe_paths_composite");
        var connectionString = new Npgsql.NpgsqlConnectionStringBuilder(fixture.Server.ConnectionString) { Database = "safe_paths_composite" }.ConnectionString;
        await using (var seed = new TenantItemContext(new DbContextOptionsBuilder<TenantItemContext>().UseNpgsql(connectionString).Options))
        {
            await seed.Database.EnsureCreatedAsync();
            string[] tenants = ["a", "B", "c", "É", "e", "Z", "z", "10", "9", "ä"];
            for (var i = 0; i < 600; i++)
            {
                seed.Items.Add(new TenantItem { Tenant = tenants[i % tenants.Length], Id = Guid.NewGuid(), Flagged = i % 3 != 0, Payload = new string('p', 20 + (i % 7)) });
            }

            await seed.SaveChangesAsync();
        }

        await using var context = new TenantItemContext(new DbContextOptionsBuilder<TenantItemContext>().UseNpgsql(connectionString).UseBulkSafety(o => o.MaxTableFraction = 1).Options);
        var result = await context.Items.Where(i => i.Flagged).DeleteInBatchesAsync(new BatchOptions { MaxRowsPerBatch = 7 });

        await using var check = new TenantItemContext(new DbContextOptionsBuilder<TenantItemContext>().UseNpgsql(connectionString).Options);
        Assert.Equal((400L, 58), (result.Rows, result.Batches));
        Assert.Equal(200, await check.Items.CountAsync());
        Assert.False(await check.Items.AnyAsync(i => i.Flagged));
    }

    [Fact]
    public async Task AFilterCallingAVolatileFunction_IsNotEvaluatedByTheProbes_AndEveryMatchingRowIsStillDeleted()
    {
        var database = await BatchItemsDatabase.CreateAsync(fixture.Server, "safe_paths_volatile", rows: 400, flagEvery: 2);
        var log = new EventLog();
        await using var context = new BatchItemContext(new DbContextOptionsBuilder<BatchItemContext>()
            .UseNpgsql(database.ConnectionString)
            .UseBulkSafety(o => o.MaxTableFraction = 1)
            .UseLoggerFactory(LoggerFactory.Create(logging => logging.AddProvider(log)))
            .Options);

        var result = await context.Items.Where(i => i.Flagged && EF.Functions.Random() >= 0).DeleteInBatchesAsync(new BatchOptions { MaxRowsPerBatch = 100 });

        Assert.Equal(200, result.Rows);
        await using var check = database.Unguarded();
        Assert.Equal(200, await check.Items.CountAsync(i => !i.Flagged));
        Assert.Contains(log.Events, e => e.Id == BatchLog.PricedWithoutFilterId && e.Text.Contains("random()", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunsStartingAtOnce_EachFindTheCheckpointTable_ThoughOnlyOneCreatedIt()
    {
        // PostgreSQL's CREATE TABLE IF NOT EXISTS fails with 42710 (type exists) for the slower of two creators; it
        // failed a CI run of two job processes. Eight stores on their own connections, in several fresh rounds.
        var database = await BatchItemsDatabase.CreateAsync(fixture.Server, "safe_paths_create_race", rows: 1);
        for (var round = 0; round < 10; round++)
        {
            await using (var reset = database.Unguarded())
            {
                await reset.Database.ExecuteSqlRawAsync($"DROP TABLE IF EXISTS {BatchCheckpointStore.TableName}");
            }

            var contexts = Enumerable.Range(0, 8).Select(_ => database.Unguarded()).ToArray();
            try
            {
                foreach (var context in contexts)
                {
                    await context.Database.OpenConnectionAsync();
                }

                await Task.WhenAll(contexts.Select(c => Task.Run(() => BatchCheckpointStore.For(c).EnsureTableAsync(CancellationToken.None))));
            }
            finally
            {
                foreach (var context in contexts)
                {
                    await context.DisposeAsync();
                }
            }

            await using var check = database.Unguarded();
            Assert.Equal(0, await check.Database.SqlQueryRaw<int>($"SELECT count(*)::int AS \"Value\" FROM {BatchCheckpointStore.TableName}").SingleAsync());
        }
    }

    // Over 190 items, every other one flagged and their payloads set by payloadSql, under logical + REPLICA IDENTITY FULL:
    // the batched delete of the flagged items in batches of batchRows, and what the same batches cost materialised and
    // priced one SaveChanges each.
    private async Task<(BatchResult Result, long Materialised)> DeleteAndMaterialiseAsync(string name, string payloadSql, int batchRows)
    {
        var database = await BatchItemsDatabase.CreateAsync(fixture.Server, name, rows: 190, flagEvery: 2);
        await using (var seed = database.Unguarded())
        {
            await seed.Database.ExecuteSqlRawAsync(payloadSql);
        }

        var profile = ReplicationProfile.PostgresWal(PostgresWalLevel.Logical, PostgresReplicaIdentity.Full);
        long materialised = 0;
        await using (var dryRun = database.Guarded(o => o.Profile = profile))
        {
            foreach (var batch in (await dryRun.Items.Where(i => i.Flagged).OrderBy(i => i.Id).Select(i => i.Id).ToListAsync()).Chunk(batchRows))
            {
                dryRun.ChangeTracker.Clear();
                dryRun.Items.RemoveRange(await dryRun.Items.Where(i => batch.Contains(i.Id)).ToListAsync());
                materialised += dryRun.EstimatePendingChanges().EstimatedBytes;
            }
        }

        await using var context = database.Guarded(o =>
        {
            o.Profile = profile;
            o.MaxTableFraction = 1;
        });
        var result = await context.Items.Where(i => i.Flagged).DeleteInBatchesAsync(new BatchOptions { TargetBytesPerBatch = 64 * 1024 * 1024, MaxRowsPerBatch = batchRows });
        return (result, materialised);
    }

    private async Task<ReplicationProfile> ProfileAsync()
        => ReplicationProfile.PostgresWal(await PostgresDetection.WalLevelAsync(fixture.Server) == "logical" ? PostgresWalLevel.Logical : PostgresWalLevel.Replica);

    private void AssertWithin(long estimate, long measured, double low, double high)
    {
        var ratio = (double)estimate / measured;
        output.WriteLine($"estimate {estimate:N0} B, measured {measured:N0} B of WAL, ratio {ratio:0.000}");
        Assert.True(ratio >= low && ratio <= high, $"estimate {estimate:N0} B against {measured:N0} B of WAL measured: ratio {ratio:0.000}, expected {low}–{high}");
    }

    /// <summary>The guard's log events, as they are written.</summary>
    private sealed class EventLog : ILoggerProvider, ILogger
    {
        public ConcurrentQueue<(int Id, string Text)> Events { get; } = new();

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => Events.Enqueue((eventId.Id, formatter(state, exception)));

        public void Dispose()
        {
        }
    }
}

/// <summary>A row keyed by a tenant's text and a uuid: a key the application cannot order as the database does.</summary>
public sealed class TenantItem
{
    public required string Tenant { get; set; }

    public Guid Id { get; set; }

    public bool Flagged { get; set; }

    public required string Payload { get; set; }
}

public sealed class TenantItemContext(DbContextOptions<TenantItemContext> options) : DbContext(options)
{
    public DbSet<TenantItem> Items => Set<TenantItem>();

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<TenantItem>(e =>
    {
        e.ToTable("tenant_items");
        e.HasKey(i => new { i.Tenant, i.Id });
    });
}
