using BulkSafety.Estimation;
using Microsoft.EntityFrameworkCore;
using Xunit.Abstractions;

namespace BulkSafety.IntegrationTests.MariaDb;

/// <summary>
/// Oracle's MySql.EntityFrameworkCore 10.0.12 (EF Core 10, made for MySQL 8) with the guard on MariaDB 10.11: what MariaDB
/// accepts from it — EnsureCreated, SaveChanges (estimated, and the estimate against the binlog it wrote), ExecuteUpdate —
/// and what it does not: its ExecuteDelete SQL (<c>DELETE `n` FROM `notes` AS `n`</c>), which MariaDB rejects.
/// docs/real-databases.md records the figures.
/// </summary>
[Collection(MariaDbCollection.Name)]
public sealed class OracleProviderTests(MariaDbFixture fixture, ITestOutputHelper output)
{
    private const string Database = "oracle_ef";

    [Fact]
    public async Task SaveChanges_IsAcceptedAndEstimated_ExecuteUpdateIsAccepted_ExecuteDeleteIsRejectedByMariaDb()
    {
        await fixture.Server.Client.ExecuteAsync($"DROP DATABASE IF EXISTS {Database}");
        var profile = await DetectAsync();
        await using var context = NoteContext.Create(fixture.Server.ConnectionString(Database), profile);
        await context.Database.EnsureCreatedAsync();

        context.Notes.Add(new Note { Id = 1, Title = "first", Body = new string('b', 10_000) });
        var estimated = context.EstimatePendingChanges().EstimatedBytes;
        var measured = await fixture.Meter.MeasureAsync(token => context.SaveChangesAsync(token));
        output.WriteLine($"SaveChanges (insert, 10 KB text): estimated {estimated:N0} B, measured {measured.Bytes:N0} B: {string.Join(", ", measured.Events.Select(e => $"{e.EventType} {e.Size}"))}");
        Assert.InRange(estimated - measured.Bytes, -Math.Max(64, measured.Bytes / 100), Math.Max(64, measured.Bytes / 100));

        // Bulk commands through this provider follow the MySQL dialect's probe rules: estimated where they can be, else
        // unknown cost; the guard is allowed to let the unknown ones through here, to see what MariaDB makes of the SQL.
        await using var bulk = NoteContext.Create(fixture.Server.ConnectionString(Database), profile, UnknownCostPolicy.Allow);
        Assert.Equal(1, await bulk.Notes.Where(n => n.Id == 1).ExecuteUpdateAsync(s => s.SetProperty(n => n.Title, "renamed")));
        var rejected = await Assert.ThrowsAnyAsync<Exception>(() => bulk.Notes.Where(n => n.Id == 1).ExecuteDeleteAsync());
        output.WriteLine($"ExecuteDelete: {rejected.GetType().Name}: {rejected.Message}");
        Assert.Contains("SQL syntax", rejected.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("renamed", (await bulk.Notes.SingleAsync()).Title);
    }

    private async Task<MySqlRowProfile> DetectAsync()
    {
        await fixture.Server.Client.ExecuteAsync($"CREATE DATABASE IF NOT EXISTS {Database}");
        await using var connection = new MySql.Data.MySqlClient.MySqlConnection(fixture.Server.ConnectionString(Database));
        return Assert.IsType<MySqlRowProfile>(await ReplicationProfile.DetectAsync(connection));
    }

    private sealed class Note
    {
        public long Id { get; set; }

        public required string Title { get; set; }

        public required string Body { get; set; }
    }

    private sealed class NoteContext(DbContextOptions<NoteContext> options) : DbContext(options)
    {
        public DbSet<Note> Notes => Set<Note>();

        public static NoteContext Create(string connectionString, MySqlRowProfile profile, UnknownCostPolicy onUnknown = UnknownCostPolicy.AssumeConservative)
            => new(new DbContextOptionsBuilder<NoteContext>()
                .UseMySQL(connectionString)
                .UseBulkSafety(o =>
                {
                    o.Profile = profile;
                    o.OnUnknown = onUnknown;
                })
                .Options);

        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            modelBuilder.Entity<Note>(note =>
            {
                note.ToTable("notes");
                note.Property(n => n.Id).ValueGeneratedNever();
                note.Property(n => n.Title).HasMaxLength(200);
                note.Property(n => n.Body).HasColumnType("text");
            });
        }
    }
}
