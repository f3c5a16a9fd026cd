using System.Globalization;
using BulkSafety.Estimation;
using BulkSafety.IntegrationTests.Postgres;
using BulkSafety.IntegrationTests.Workloads;
using BulkSafety.SafePaths;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;
using Xunit.Abstractions;

namespace BulkSafety.IntegrationTests.Calibration;

/// <summary>
/// Rows the database updates itself through <c>ON DELETE SET NULL</c> on PostgreSQL: an author's notes, which EF Core does
/// not track, when the author is deleted — counted by the guard's probes on SaveChanges, ExecuteDelete and
/// DeleteInBatchesAsync, and priced within 10 % above the WAL the server writes for them.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSetNullTests(PostgresFixture fixture, ITestOutputHelper output) : IAsyncLifetime
{
    private const string Schema = "bulksafety_setnull";
    private const int Notes = 40;

    [Fact]
    public async Task SaveChanges_CountsTheRowsSetToNull_AndPricesThemNoLowerThanTheirWal()
    {
        var profile = await ProfileAsync();
        await using var context = Create(o => o.Profile = profile);
        context.Authors.Remove(await context.Authors.SingleAsync(a => a.Id == 1));

        var report = context.EstimatePendingChanges();
        var measured = await fixture.Meter.MeasureAsync(token => context.SaveChangesAsync(token), WalStart.Steady);

        Assert.Equal(
            [($"{Schema}.authors", 0, 1, 0), ($"{Schema}.notes", Notes, 0, Notes)],
            report.Tables.Select(t => (t.Table, t.Updated, t.Deleted, t.UpdatedByDatabase)).Order());
        Assert.Contains($"Updated by the database's ON DELETE SET NULL/SET DEFAULT (not tracked; counted by a probe): {Schema}.notes 40", report.ToString(), StringComparison.Ordinal);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"estimated {report.EstimatedBytes:N0} B, measured {measured.WorkloadBytes:N0} B\n{measured}"));
        // At replica, 31,160 B measured against 31,227 B estimated: a LOCK, an UPDATE to another page and two index
        // entries per note.
        Assert.InRange(report.EstimatedBytes, measured.WorkloadBytes, measured.WorkloadBytes * 1.1);
        Assert.Equal(Notes, await context.Notes.CountAsync(n => n.AuthorId == null));
    }

    [Fact]
    public async Task DeleteInBatches_CountsTheRowsSetToNull_AndPricesThemNoLowerThanTheirWal()
    {
        var profile = await ProfileAsync();
        await using var context = Create(o => o.Profile = profile);
        BatchResult? result = null;

        var measured = await fixture.Meter.MeasureAsync(async token => result = await context.Authors.Where(a => a.Id == 1).DeleteInBatchesAsync(cancellationToken: token), WalStart.Steady);

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"job priced {result!.Bytes:N0} B, measured {measured.WorkloadBytes:N0} B"));
        Assert.Equal((1L, 1), (result.Rows, result.Batches));
        Assert.InRange(result.Bytes, measured.WorkloadBytes, measured.WorkloadBytes * 1.1);
        Assert.Equal(Notes, await context.Notes.CountAsync(n => n.AuthorId == null));
    }

    [Theory]
    [InlineData(Notes, true)]
    [InlineData(Notes + 1, false)]
    public async Task ExecuteDelete_CountsTheRowsSetToNull_TowardTheRowBudget(int maxRows, bool blocked)
    {
        await using var context = Create(o => o.MaxRowsPerUnitOfWork = maxRows);

        var violation = await Record.ExceptionAsync(() => context.Authors.Where(a => a.Id == 1).ExecuteDeleteAsync());

        if (blocked)
        {
            Assert.Contains("would write 41 rows", Assert.IsType<BulkSafetyViolationException>(violation).Message, StringComparison.Ordinal);
            Assert.Equal(Notes, await context.Notes.CountAsync(n => n.AuthorId == 1));
        }
        else
        {
            Assert.Null(violation);
            Assert.Equal(Notes, await context.Notes.CountAsync(n => n.AuthorId == null));
        }
    }

    /// <inheritdoc />
    public async Task InitializeAsync()
    {
        await using var context = Create(_ => { });
        await fixture.Server.ExecuteAsync($"DROP SCHEMA IF EXISTS {Schema} CASCADE");
        // The tables only: the database holds other tests' schemas, so EnsureCreated would do nothing.
        await context.GetService<IRelationalDatabaseCreator>().CreateTablesAsync();
        await context.Database.ExecuteSqlRawAsync(string.Create(CultureInfo.InvariantCulture, $"""
            INSERT INTO {Schema}.authors (id, name) VALUES (1, 'one'), (2, 'two');
            INSERT INTO {Schema}.notes (id, author_id, body) SELECT i, CASE WHEN i <= {Notes} THEN 1 ELSE 2 END, repeat('n', 500) FROM generate_series(1, {Notes + 5}) AS i;
            ANALYZE {Schema}.notes;
            """));
    }

    /// <inheritdoc />
    public Task DisposeAsync() => fixture.Server.ExecuteAsync($"DROP SCHEMA IF EXISTS {Schema} CASCADE");

    // The profile of the level the server runs at, which the test leaves as it is (a restart would checkpoint, and other
    // tests' tables would log full-page images).
    private async Task<ReplicationProfile> ProfileAsync()
        => ReplicationProfile.PostgresWal(await PostgresDetection.WalLevelAsync(fixture.Server) == "logical" ? PostgresWalLevel.Logical : PostgresWalLevel.Replica);

    private SetNullContext Create(Action<BulkSafetyOptions> configure)
        => new(new DbContextOptionsBuilder<SetNullContext>().UseNpgsql(fixture.Server.ConnectionString).UseBulkSafety(configure).Options);

    private sealed class Author
    {
        public long Id { get; set; }

        public required string Name { get; set; }
    }

    private sealed class Note
    {
        public long Id { get; set; }

        public long? AuthorId { get; set; }

        public required string Body { get; set; }
    }

    private sealed class SetNullContext(DbContextOptions<SetNullContext> options) : DbContext(options)
    {
        public DbSet<Author> Authors => Set<Author>();

        public DbSet<Note> Notes => Set<Note>();

        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            modelBuilder.HasDefaultSchema(Schema);
            modelBuilder.Entity<Author>(author =>
            {
                author.ToTable("authors");
                author.Property(a => a.Id).HasColumnName("id").ValueGeneratedNever();
                author.Property(a => a.Name).HasColumnName("name");
            });
            modelBuilder.Entity<Note>(note =>
            {
                note.ToTable("notes");
                note.Property(n => n.Id).HasColumnName("id").ValueGeneratedNever();
                note.Property(n => n.AuthorId).HasColumnName("author_id");
                note.Property(n => n.Body).HasColumnName("body");
                note.HasOne<Author>().WithMany().HasForeignKey(n => n.AuthorId).OnDelete(DeleteBehavior.SetNull);
            });
        }
    }
}
