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

/// <summary>The jobs' database: one table, guarded.</summary>
public sealed partial class BatchItemContext(DbContextOptions<BatchItemContext> options) : DbContext(options)
{
    public DbSet<BatchItem> Items => Set<BatchItem>();

    public static BatchItemContext Create(string connectionString, Action<BulkSafetyOptions>? configure = null)
        => new(UseDatabase(new DbContextOptionsBuilder<BatchItemContext>(), connectionString).UseBulkSafety(configure).Options);

    /// <summary>The provider of the build: Npgsql here, Pomelo in BulkSafety.CrashJob.MariaDb (EF Core 9).</summary>
    public static partial DbContextOptionsBuilder<BatchItemContext> UseDatabase(DbContextOptionsBuilder<BatchItemContext> builder, string connectionString);

    protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<BatchItem>().ToTable("batch_items");
}
