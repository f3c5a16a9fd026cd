using System.ComponentModel.DataAnnotations;
using BenchmarkDotNet.Attributes;
using BulkSafety.SafePaths;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Benchmarks.SafePaths;

/// <summary>
/// Throughput of DeleteInBatchesAsync against one unbounded ExecuteDelete of the same rows on SQLite — in memory, and in
/// a file in WAL mode (each commit synced, as a server would): a table of 2N rows of ~250 B, every other row matching
/// the filter, N deleted. Each iteration starts from a fresh copy of the seeded database. The batched job keeps the guard's per-unit budgets (batches of at most 1 MiB of estimated log and
/// 5,000 rows); its bytes-per-minute budget is set out of reach, because pacing is a rate limit by design, not a cost
/// of the mechanism. The unbounded delete is one transaction of N rows — the statement the guard exists to stop. A third
/// method runs the same job without batch limits (budgets out of reach: a first batch of 100 rows, then one of the rest):
/// not a way to use the API, but the split of the batched job's extra time into the work it does per row (the count, the
/// read of every key and text length, the pricing) and per batch. A fourth, without the guard, deletes the same keyset
/// batches but reads only each batch's last key: what batching costs when no row is read, priced or counted.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(1)]
public class BatchedDeleteBenchmarks
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), $"bulksafety-bench-{Guid.NewGuid():N}");
    private SqliteConnection _template = null!;
    private SqliteConnection _memory = null!;
    private DbContextOptions<ItemsContext> _plain = null!;
    private DbContextOptions<ItemsContext> _guarded = null!;
    private DbContextOptions<ItemsContext> _guardedWithoutLimits = null!;

    [Params(10_000, 100_000)]
    public int Rows { get; set; }

    [Params("memory", "file")]
    public string Storage { get; set; } = "memory";

    private string TemplateFile => Path.Combine(_directory, "template.db");

    private string CopyFile => Path.Combine(_directory, "copy.db");

    [GlobalSetup]
    public void Setup()
    {
        Directory.CreateDirectory(_directory);
        _template = new SqliteConnection(Storage == "memory" ? "Data Source=:memory:" : $"Data Source={TemplateFile};Pooling=false");
        _template.Open();
        using var context = new ItemsContext(new DbContextOptionsBuilder<ItemsContext>().UseSqlite(_template).Options);
        context.Database.EnsureCreated();
        context.Database.ExecuteSql($"""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < {2 * Rows})
            INSERT INTO Items (Id, GroupId, Body, CreatedAt) SELECT i, 1 + (i % 2), printf('%.200c', 'b'), '2025-01-31 12:00:00' FROM n
            """);
        if (Storage == "file")
        {
            // WAL mode is a property of the file: the copies inherit it. Closing checkpoints the WAL into the file.
            context.Database.ExecuteSql($"PRAGMA journal_mode = WAL");
            _template.Close();
        }

        // One set of options per method, as an application has: EF Core builds its services and the model once.
        _memory = new SqliteConnection("Data Source=:memory:");
        _plain = OnCopy().Options;
        _guarded = OnCopy().UseBulkSafety(o => o.MaxBytesPerMinute = long.MaxValue / 4).Options;
        _guardedWithoutLimits = OnCopy().UseBulkSafety(o =>
        {
            o.MaxBytesPerMinute = long.MaxValue / 4;
            o.MaxBytesPerUnitOfWork = long.MaxValue / 4;
            o.MaxRowsPerUnitOfWork = int.MaxValue;
        }).Options;
    }

    private DbContextOptionsBuilder<ItemsContext> OnCopy()
        => Storage == "memory"
            ? new DbContextOptionsBuilder<ItemsContext>().UseSqlite(_memory)
            : new DbContextOptionsBuilder<ItemsContext>().UseSqlite($"Data Source={CopyFile};Pooling=false");

    [IterationSetup]
    public void CopyDatabase()
    {
        if (Storage == "memory")
        {
            _memory.Open();
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
    public async Task<long> KeysetBatchesWithoutReadingRows()
    {
        await using var context = new ItemsContext(_plain);
        var matching = context.Items.Where(i => i.GroupId == 1);
        long deleted = 0;
        long after = 0;
        while (true)
        {
            var last = await matching.Where(i => i.Id > after).OrderBy(i => i.Id).Select(i => i.Id).Skip(BatchOptions.DefaultMaxRowsPerBatch - 1).FirstOrDefaultAsync();
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
