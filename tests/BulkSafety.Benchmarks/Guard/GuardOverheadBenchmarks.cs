using System.ComponentModel.DataAnnotations;
using BenchmarkDotNet.Attributes;
using BulkSafety;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Benchmarks.Guard;

/// <summary>
/// What the runtime guard adds to SaveChanges: N new rows of an ordinary 7-column table saved on SQLite in memory,
/// with and without <c>UseBulkSafety</c>. Each operation creates its context, adds the rows and saves, as a request
/// would. The budgets are set out of reach so that every operation is estimated, admitted and recorded.
/// </summary>
[MemoryDiagnoser]
public class GuardOverheadBenchmarks
{
    private SqliteConnection _connection = null!;
    private DbContextOptions<OrdersContext> _plain = null!;
    private DbContextOptions<OrdersContext> _guarded = null!;

    [Params(1, 100, 1000)]
    public int Entities { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _connection = new SqliteConnection("Data Source=:memory:");
        _connection.Open();
        _plain = new DbContextOptionsBuilder<OrdersContext>().UseSqlite(_connection).Options;
        _guarded = new DbContextOptionsBuilder<OrdersContext>().UseSqlite(_connection).UseBulkSafety(o =>
        {
            o.MaxBytesPerMinute = long.MaxValue / 4;
            o.MaxBytesPerUnitOfWork = long.MaxValue / 4;
            o.MaxRowsPerUnitOfWork = int.MaxValue;
        }).Options;
        using var context = new OrdersContext(_plain);
        context.Database.EnsureCreated();
    }

    [GlobalCleanup]
    public void Cleanup() => _connection.Dispose();

    [Benchmark(Baseline = true)]
    public int SaveChanges() => Save(_plain);

    [Benchmark]
    public int SaveChangesGuarded() => Save(_guarded);

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
