using Microsoft.EntityFrameworkCore;

namespace BulkSafety.CrashJob;

/// <summary>A row batched jobs delete or count: a flagged row's <see cref="Counter"/> must end at exactly 1 after the job.</summary>
public sealed class BatchItem
{
    public long Id { get; set; }

    public bool Flagged { get; set; }

    public int Counter { get; set; }

    public required string Payload { get; set; }
}

/// <summary>The jobs' PostgreSQL database: one table, guarded.</summary>
public sealed class BatchItemContext(DbContextOptions<BatchItemContext> options) : DbContext(options)
{
    public DbSet<BatchItem> Items => Set<BatchItem>();

    public static BatchItemContext Create(string connectionString, Action<BulkSafetyOptions>? configure = null)
        => new(new DbContextOptionsBuilder<BatchItemContext>().UseNpgsql(connectionString).UseBulkSafety(configure).Options);

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<BatchItem>().ToTable("batch_items");
}
