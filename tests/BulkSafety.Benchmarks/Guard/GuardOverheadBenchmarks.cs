using System.ComponentModel.DataAnnotations;
using BenchmarkDotNet.Attributes;
using BulkSafety;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Benchmarks.Guard;

/// <summary>
/// What the runtime guard adds to SaveChanges: N new rows of an ordinary 7-column table, saved without the guard, with a
/// command interceptor that does nothing (what EF Core itself costs once any command interceptor is registered), and with
/// <c>UseBulkSafety</c>. Each operation creates its context, adds the rows and saves, as a request would. The budgets are
/// set out of reach so that every operation is estimated, admitted and recorded. One subclass per database.
/// </summary>
[MemoryDiagnoser]
public abstract class GuardOverheadBenchmarks
{
    private DbContextOptions<OrdersContext> _plain = null!;
    private DbContextOptions<OrdersContext> _noOpInterceptor = null!;
    private DbContextOptions<OrdersContext> _guarded = null!;

    [Params(1, 100)]
    public int Entities { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _plain = Options().Options;
        _noOpInterceptor = Options().AddInterceptors(new NoOpCommandInterceptor()).Options;
        _guarded = Options().UseBulkSafety(o =>
        {
            o.MaxBytesPerMinute = long.MaxValue / 4;
            o.MaxBytesPerUnitOfWork = long.MaxValue / 4;
            o.MaxRowsPerUnitOfWork = int.MaxValue;
        }).Options;
        using var context = new OrdersContext(_plain);
        context.Database.EnsureDeleted();
        context.Database.EnsureCreated();
    }

    [GlobalCleanup]
    public virtual void Cleanup()
    {
    }

    [Benchmark(Baseline = true)]
    public int SaveChanges() => Save(_plain);

    [Benchmark]
    public int SaveChangesNoOpCommandInterceptor() => Save(_noOpInterceptor);

    [Benchmark]
    public int SaveChangesGuarded() => Save(_guarded);

    /// <summary>The provider and connection of the benchmark's database.</summary>
    protected abstract DbContextOptionsBuilder<OrdersContext> Options();

    private int Save(DbContextOptions<OrdersContext> options)
    {
        using var context = new OrdersContext(options);
        for (var i = 0; i < Entities; i++)
        {
            context.Orders.Add(new Order
            {
                Customer = "customer@example.com",
                Notes = i % 3 == 0 ? null : "leave at the door",
                Quantity = i,
                Total = 19.99m + i,
                PlacedAt = new DateTime(2025, 1, 31, 12, 0, 0, DateTimeKind.Utc),
                ShippedAt = i % 2 == 0 ? null : new DateTime(2025, 2, 1, 12, 0, 0, DateTimeKind.Utc),
            });
        }

        return context.SaveChanges();
    }

    public sealed class Order
    {
        public long Id { get; set; }

        [MaxLength(200)]
        public required string Customer { get; set; }

        public string? Notes { get; set; }

        public int Quantity { get; set; }

        public decimal Total { get; set; }

        public DateTime PlacedAt { get; set; }

        public DateTime? ShippedAt { get; set; }
    }

    public sealed class OrdersContext(DbContextOptions<OrdersContext> options) : DbContext(options)
    {
        public DbSet<Order> Orders => Set<Order>();
    }
}

/// <summary>The guard's overhead on SQLite in memory (one connection, kept open).</summary>
public class SqliteGuardOverheadBenchmarks : GuardOverheadBenchmarks
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public override void Cleanup() => _connection.Dispose();

    protected override DbContextOptionsBuilder<OrdersContext> Options()
    {
        if (_connection.State != System.Data.ConnectionState.Open)
        {
            _connection.Open();
        }

        return new DbContextOptionsBuilder<OrdersContext>().UseSqlite(_connection);
    }
}

/// <summary>
/// The guard's overhead on PostgreSQL over loopback: the server named by the environment variable
/// <c>BULKSAFETY_BENCHMARK_POSTGRES</c> (an Npgsql connection string; the benchmark creates and drops its own database).
/// </summary>
public class PostgresGuardOverheadBenchmarks : GuardOverheadBenchmarks
{
    protected override DbContextOptionsBuilder<OrdersContext> Options()
    {
        var server = Environment.GetEnvironmentVariable("BULKSAFETY_BENCHMARK_POSTGRES")
            ?? throw new InvalidOperationException("Set BULKSAFETY_BENCHMARK_POSTGRES to an Npgsql connection string of a PostgreSQL server on loopback.");
        var connection = new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = "bulksafety_benchmark" }.ConnectionString;
        return new DbContextOptionsBuilder<OrdersContext>().UseNpgsql(connection);
    }
}
