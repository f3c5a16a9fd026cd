using System.Data;
using System.Data.Common;
using System.ComponentModel.DataAnnotations;
using BenchmarkDotNet.Attributes;
using BulkSafety.SafePaths;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BulkSafety.Benchmarks.SafePaths;

/// <summary>
/// Throughput of DeleteInBatchesAsync against one unbounded, unguarded ExecuteDelete of the same rows: a table of 2N rows
/// of ~250 B (bodies of one length, or of lengths varying row by row), every other row matching the filter, N deleted;
/// each iteration starts from a freshly seeded table. The batched job keeps the guard's per-unit budgets (batches of at most 1 MiB of estimated log and
/// <see cref="BatchOptions.DefaultMaxRowsPerBatch"/> rows); its bytes-per-minute budget is set out of reach (window pacing
/// off), because pacing is a rate limit by design, not a cost of the mechanism. The unbounded delete is one transaction
/// of N rows — the statement the guard exists to stop. Two more methods split the difference, and neither is a way to
/// use the API: the same job with every budget out of reach (one batch of all the rows), which leaves what the job does
/// per row and per job; and keyset batches of <see cref="BatchOptions.DefaultMaxRowsPerBatch"/> rows without the guard,
/// reading only each batch's last key, which is what batching alone costs — a commit per batch — once at
/// <see cref="BatchOptions.DefaultMaxRowsPerBatch"/> rows and once at the job's own batch size (its byte target makes its
/// batches smaller where rows log more bytes). The same keyset batches after a <c>COUNT(*)</c> of the filter are the floor
/// of any job that judges the blast radius before it writes. One subclass per database.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
public abstract class BatchedDeleteBenchmarks
{
    private DbContextOptions<ItemsContext> _plain = null!;
    private DbContextOptions<ItemsContext> _guarded = null!;
    private DbContextOptions<ItemsContext> _guardedWithoutLimits = null!;
    private int _jobBatchRows;

    [Params(100_000)]
    public int Rows { get; set; }

    /// <summary>
    /// The bodies' lengths: all 200 characters (<c>uniform</c>), or 150–250 from one row to the next (<c>mixed</c>, 101
    /// lengths, about 200 on average), as text in a real table has.
    /// </summary>
    [Params("uniform", "mixed")]
    public string Bodies { get; set; } = "uniform";

    /// <summary>The SQL expression of row i's body length, for <see cref="Bodies"/>.</summary>
    protected string BodyLength(string i) => Bodies == "uniform" ? "200" : $"150 + ({i} * 37) % 101";

    [GlobalSetup]
    public void Setup()
    {
        // One set of options per method, as an application has: EF Core builds its services and the model once.
        _plain = Options().Options;
        _guarded = Options().UseBulkSafety(o => o.MaxBytesPerMinute = long.MaxValue / 4).Options;
        _guardedWithoutLimits = Options().UseBulkSafety(o =>
        {
            o.MaxBytesPerMinute = long.MaxValue / 4;
            o.MaxBytesPerUnitOfWork = long.MaxValue / 4;
            o.MaxRowsPerUnitOfWork = int.MaxValue;
        }).Options;
        CreateTemplate();

        // The rows of the job's average batch, from one run.
        Seed();
        using var context = new ItemsContext(_guarded);
        var job = context.Items.Where(i => i.GroupId == 1).DeleteInBatchesAsync().GetAwaiter().GetResult();
        _jobBatchRows = (int)Math.Ceiling((double)job.Rows / job.Batches);
    }

    [IterationSetup]
    public void IterationSetup() => Seed();

    [Benchmark(Baseline = true)]
    public async Task<long> UnboundedExecuteDelete()
    {
        await using var context = new ItemsContext(_plain);
        return Check(await context.Items.Where(i => i.GroupId == 1).ExecuteDeleteAsync());
    }

    [Benchmark]
    public async Task<long> DeleteInBatches()
    {
        await using var context = new ItemsContext(_guarded);
        return Check((await context.Items.Where(i => i.GroupId == 1).DeleteInBatchesAsync()).Rows);
    }

    [Benchmark]
    public async Task<long> DeleteWithoutBatchLimits()
    {
        await using var context = new ItemsContext(_guardedWithoutLimits);
        var unlimited = new BatchOptions { MaxRowsPerBatch = int.MaxValue, TargetBytesPerBatch = long.MaxValue };
        return Check((await context.Items.Where(i => i.GroupId == 1).DeleteInBatchesAsync(unlimited)).Rows);
    }

    [Benchmark]
    public Task<long> KeysetBatchesWithoutReadingRows() => KeysetBatchesAsync(BatchOptions.DefaultMaxRowsPerBatch);

    [Benchmark]
    public Task<long> KeysetBatchesOfTheJobsSize() => KeysetBatchesAsync(_jobBatchRows);

    /// <summary>
    /// The floor of any job that judges the blast radius before its first write: a <c>COUNT(*)</c> of the filter, then the
    /// keyset batches of the most rows the guard's per-unit row budget lets one batch have, pricing nothing.
    /// </summary>
    [Benchmark]
    public Task<long> CountThenKeysetBatches() => KeysetBatchesAsync(BatchOptions.DefaultMaxRowsPerBatch, countFirst: true);

    /// <summary>The same floor at the job's own batch size.</summary>
    [Benchmark]
    public Task<long> CountThenKeysetBatchesOfTheJobsSize() => KeysetBatchesAsync(_jobBatchRows, countFirst: true);

    private async Task<long> KeysetBatchesAsync(int batchRows, bool countFirst = false)
    {
        await using var context = new ItemsContext(_plain);
        var matching = context.Items.Where(i => i.GroupId == 1);
        if (countFirst && await matching.CountAsync() != Rows)
        {
            throw new InvalidOperationException("the count of the filter is wrong");
        }

        long deleted = 0;
        long after = 0;
        while (true)
        {
            var last = await matching.Where(i => i.Id > after).OrderBy(i => i.Id).Select(i => i.Id).Skip(batchRows - 1).FirstOrDefaultAsync();
            var upTo = last == 0 ? long.MaxValue : last;
            var batch = await matching.Where(i => i.Id > after && i.Id <= upTo).ExecuteDeleteAsync();
            deleted += batch;
            if (last == 0)
            {
                return Check(deleted);
            }

            after = last;
        }
    }

    /// <summary>The options every context of the benchmark starts from: the database and its connection.</summary>
    protected abstract DbContextOptionsBuilder<ItemsContext> Options();

    /// <summary>Creates what <see cref="Seed"/> copies or fills before each iteration.</summary>
    protected abstract void CreateTemplate();

    /// <summary>Gives the iteration a table of 2N rows, N of them matching.</summary>
    protected abstract void Seed();

    private long Check(long deleted) => deleted == Rows ? deleted : throw new InvalidOperationException($"deleted {deleted} rows, expected {Rows}");

    public sealed class Item
    {
        public long Id { get; set; }

        public long GroupId { get; set; }

        [MaxLength(2000)]
        public required string Body { get; set; }

        public DateTime CreatedAt { get; set; }
    }

    public sealed class ItemsContext(DbContextOptions<ItemsContext> options) : DbContext(options)
    {
        public DbSet<Item> Items => Set<Item>();
    }
}

/// <summary>
/// On SQLite, in memory or in a file in WAL mode (each commit synced, as a server would): each iteration starts from a
/// copy of a database seeded once.
/// </summary>
public class SqliteBatchedDeleteBenchmarks : BatchedDeleteBenchmarks
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"bulksafety-bench-{Guid.NewGuid():N}");
    private SqliteConnection _template = null!;
    private readonly SqliteConnection _memory = new("Data Source=:memory:");

    [Params("memory", "file")]
    public string Storage { get; set; } = "memory";

    /// <summary>
    /// <c>PRAGMA synchronous</c> of every connection to the file: <c>FULL</c> (SQLite's default) syncs the WAL at every
    /// commit, <c>NORMAL</c> only at checkpoints — what batching costs apart from the sync of each batch's commit. An
    /// in-memory database has nothing to sync.
    /// </summary>
    [Params("FULL", "NORMAL")]
    public string Synchronous { get; set; } = "FULL";

    private string TemplateFile => Path.Combine(_directory, "template.db");

    private string CopyFile => Path.Combine(_directory, "copy.db");

    protected override void Seed()
    {
        if (Storage == "memory")
        {
            if (_memory.State != ConnectionState.Open)
            {
                _memory.Open();
            }

            _template.BackupDatabase(_memory);
        }
        else
        {
            File.Copy(TemplateFile, CopyFile, overwrite: true);
        }
    }

    [IterationCleanup]
    public void DropCopy() => _memory.Close();

    [GlobalCleanup]
    public void Cleanup()
    {
        _template.Dispose();
        _memory.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    protected override DbContextOptionsBuilder<ItemsContext> Options()
        => Storage == "memory"
            ? new DbContextOptionsBuilder<ItemsContext>().UseSqlite(_memory)
            : new DbContextOptionsBuilder<ItemsContext>().UseSqlite($"Data Source={CopyFile};Pooling=false").AddInterceptors(new SynchronousPragma(Synchronous));

    protected override void CreateTemplate()
    {
        Directory.CreateDirectory(_directory);
        _template = new SqliteConnection(Storage == "memory" ? "Data Source=:memory:" : $"Data Source={TemplateFile};Pooling=false");
        _template.Open();
        using var context = new ItemsContext(new DbContextOptionsBuilder<ItemsContext>().UseSqlite(_template).Options);
        context.Database.EnsureCreated();
        // The body length is SQL text (an expression of i), not a value a parameter could carry.
        var seed = $"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {2 * Rows})
            INSERT INTO Items (Id, GroupId, Body, CreatedAt) SELECT i, 1 + (i % 2), printf('%.*c', {BodyLength("i")}, 'b'), '2025-01-31 12:00:00' FROM n
            """;
        context.Database.ExecuteSqlRaw(seed);
        if (Storage == "file")
        {
            // WAL mode is a property of the file: the copies inherit it. Closing checkpoints the WAL into the file.
            context.Database.ExecuteSql($"PRAGMA journal_mode = WAL");
            _template.Close();
        }
    }
}

/// <summary>Sets <c>PRAGMA synchronous</c> on every connection as it opens (the setting is the connection's).</summary>
internal sealed class SynchronousPragma(string mode) : DbConnectionInterceptor
{
    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
        => Set(connection);

    public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        Set(connection);
        return Task.CompletedTask;
    }

    private void Set(DbConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = $"PRAGMA synchronous = {mode}";
        command.ExecuteNonQuery();
    }
}

/// <summary>
/// On PostgreSQL over loopback: the server named by the environment variable <c>BULKSAFETY_BENCHMARK_POSTGRES</c> (an
/// Npgsql connection string, of a superuser, PostgreSQL 15 or later; the benchmark creates its own database). Each
/// iteration empties the table, fills it again, analyzes it and checkpoints. With <c>synchronous_commit</c> on (the server's default) every commit waits for its WAL flush; off
/// for the session, it does not — what batching costs apart from the flush of each batch's commit.
/// </summary>
public class PostgresBatchedDeleteBenchmarks : BatchedDeleteBenchmarks
{
    [Params("on", "off")]
    public string SynchronousCommit { get; set; } = "on";

    protected override void Seed()
    {
        using var context = new ItemsContext(Options().Options);
        context.Database.ExecuteSql($"""TRUNCATE "Items" """);
        var seed = $"""
            INSERT INTO "Items" ("Id", "GroupId", "Body", "CreatedAt")
            SELECT i, 1 + (i % 2), repeat('b', {BodyLength("i")}), TIMESTAMP '2025-01-31 12:00:00' FROM generate_series(1, {2 * Rows}) AS i
            """;
        context.Database.ExecuteSqlRaw(seed);
        // The insert's 200,000 changes reach the statistics when the session next flushes them (at most once a second),
        // which can be after the ANALYZE below: the table would then look changed since its last analysis, and the guard
        // would count its rows instead of reading pg_class.reltuples. An application's table has settled statistics.
        context.Database.ExecuteSql($"SELECT pg_stat_force_next_flush()");
        context.Database.ExecuteSql($"""VACUUM ANALYZE "Items" """);

        // The seed writes about 60 MB of WAL: without a checkpoint here, one falls due inside a measured iteration now and then.
        context.Database.ExecuteSql($"CHECKPOINT");
    }

    protected override DbContextOptionsBuilder<ItemsContext> Options()
    {
        var server = Environment.GetEnvironmentVariable("BULKSAFETY_BENCHMARK_POSTGRES")
            ?? throw new InvalidOperationException("Set BULKSAFETY_BENCHMARK_POSTGRES to an Npgsql connection string of a PostgreSQL server on loopback.");
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = "bulksafety_batch_benchmark", Options = $"-c synchronous_commit={SynchronousCommit}" }.ConnectionString;
        return new DbContextOptionsBuilder<ItemsContext>().UseNpgsql(connection);
    }

    protected override void CreateTemplate()
    {
        using var context = new ItemsContext(Options().Options);
        context.Database.EnsureDeleted();
        context.Database.EnsureCreated();
    }
}
