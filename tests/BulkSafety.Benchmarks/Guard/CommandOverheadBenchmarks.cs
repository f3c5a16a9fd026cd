using BenchmarkDotNet.Attributes;
using BulkSafety;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Benchmarks.Guard;

/// <summary>
/// What the bulk-command interceptor adds to commands that are not bulk writes — a LINQ query, a raw INSERT, a raw
/// SELECT whose text holds the word DELETE — with and without <c>UseBulkSafety</c>, on SQLite in memory; and, for
/// scale, what estimating an <c>ExecuteDelete</c> costs (its probe) next to running it. Each operation creates its
/// context, as a request would.
/// </summary>
[MemoryDiagnoser]
public class CommandOverheadBenchmarks
{
    private SqliteConnection _connection = null!;
    private DbContextOptions<GuardOverheadBenchmarks.OrdersContext> _plain = null!;
    private DbContextOptions<GuardOverheadBenchmarks.OrdersContext> _guarded = null!;
    private DbContextOptions<GuardOverheadBenchmarks.OrdersContext> _noOpInterceptor = null!;

    [GlobalSetup]
    public void Setup()
    {
        _connection = new SqliteConnection("Data Source=:memory:");
        _connection.Open();
        _plain = new DbContextOptionsBuilder<GuardOverheadBenchmarks.OrdersContext>().UseSqlite(_connection).Options;
        _guarded = new DbContextOptionsBuilder<GuardOverheadBenchmarks.OrdersContext>().UseSqlite(_connection).UseBulkSafety(o =>
        {
            o.MaxBytesPerMinute = long.MaxValue / 4;
            o.MaxRewritesPerRowPerMinute = int.MaxValue;
        }).Options;
        _noOpInterceptor = new DbContextOptionsBuilder<GuardOverheadBenchmarks.OrdersContext>().UseSqlite(_connection).AddInterceptors(new NoOpCommandInterceptor()).Options;
        using var context = new GuardOverheadBenchmarks.OrdersContext(_plain);
        context.Database.EnsureCreated();
        context.Database.ExecuteSqlRaw(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
            + "INSERT INTO Orders (Customer, Notes, Quantity, Total, PlacedAt) SELECT 'customer', 'notes', i, '1.0', '2025-01-31' FROM n");
    }

    [GlobalCleanup]
    public void Cleanup() => _connection.Dispose();

    [Benchmark(Baseline = true)]
    public int Query() => Run(_plain, QueryOrders);

    [Benchmark]
    public int QueryGuarded() => Run(_guarded, QueryOrders);

    [Benchmark]
    public int QueryNoOpCommandInterceptor() => Run(_noOpInterceptor, QueryOrders);

    [Benchmark]
    public int RawInsert() => Run(_plain, InsertOrder);

    [Benchmark]
    public int RawInsertGuarded() => Run(_guarded, InsertOrder);

    [Benchmark]
    public int RawSelectNamingDelete() => Run(_plain, SelectNamingDelete);

    [Benchmark]
    public int RawSelectNamingDeleteGuarded() => Run(_guarded, SelectNamingDelete);

    [Benchmark]
    public int ExecuteDeleteOfNothing() => Run(_plain, DeleteNothing);

    [Benchmark]
    public int ExecuteDeleteOfNothingGuarded() => Run(_guarded, DeleteNothing);

    private static int Run(DbContextOptions<GuardOverheadBenchmarks.OrdersContext> options, Func<GuardOverheadBenchmarks.OrdersContext, int> work)
    {
        using var context = new GuardOverheadBenchmarks.OrdersContext(options);
        return work(context);
    }

    private static int QueryOrders(GuardOverheadBenchmarks.OrdersContext context) => context.Orders.Where(o => o.Quantity < 10).Count();

    private static int InsertOrder(GuardOverheadBenchmarks.OrdersContext context)
        => context.Database.ExecuteSqlRaw("INSERT OR IGNORE INTO Orders (Id, Customer, Quantity, Total, PlacedAt) VALUES (1000000, 'c', -1, '1.0', '2025-01-31')");

    private static int SelectNamingDelete(GuardOverheadBenchmarks.OrdersContext context)
        => context.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS Value FROM Orders WHERE Notes <> 'DELETE'").Single();

    private static int DeleteNothing(GuardOverheadBenchmarks.OrdersContext context) => context.Orders.Where(o => o.Quantity < -100).ExecuteDelete();
}
