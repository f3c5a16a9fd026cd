using BulkSafety.Estimation;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Tests.Estimation;

/// <summary>
/// Deleting principals whose dependents the database updates itself through <c>ON DELETE SET NULL</c>, without EF tracking
/// them (real SQLite, which enforces the foreign keys): a library's notes, and — below the books it deletes through
/// <c>ON DELETE CASCADE</c> — the books' loans. The guard counts those rows with a probe, on SaveChanges and on
/// ExecuteDelete, reports them and holds them to the budgets.
/// </summary>
public sealed class DatabaseSetNullTests : IDisposable
{
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public DatabaseSetNullTests()
    {
        _connection.Open();
        using var context = Create(_ => { });
        context.Database.EnsureCreated();
        context.Database.ExecuteSqlRaw("""
            INSERT INTO libraries (id, name) VALUES (1, 'one'), (2, 'two');
            INSERT INTO books (id, library_id, title) VALUES (1, 1, 'a'), (2, 1, 'b'), (3, 1, 'c'), (4, 2, 'd');
            INSERT INTO loans (id, book_id, reader) VALUES (1, 1, 'r'), (2, 1, 'r'), (3, 2, 'r'), (4, 2, 'r'), (5, 3, 'r'), (6, 3, 'r'), (7, 4, 'r');
            INSERT INTO notes (id, library_id, body) VALUES (1, 1, 'n'), (2, 1, 'n'), (3, 1, 'n'), (4, 1, 'n'), (5, 2, 'n');
            """);
    }

    [Fact]
    public void UntrackedRowsSetToNull_AreCountedAndReportedAsUpdatedByTheDatabase()
    {
        using var context = Create(_ => { });
        context.Libraries.Remove(context.Libraries.Single(l => l.Id == 1));

        var report = context.EstimatePendingChanges();
        context.SaveChanges();

        Assert.Equal(14, report.Rows);
        Assert.Equal(
            [("books", 0, 3, 3, 0), ("libraries", 0, 1, 0, 0), ("loans", 6, 0, 0, 6), ("notes", 4, 0, 0, 4)],
            report.Tables.Select(t => (t.Table, t.Updated, t.Deleted, t.DeletedByDatabase, t.UpdatedByDatabase)).Order());
        Assert.Contains("Updated by the database's ON DELETE SET NULL/SET DEFAULT (not tracked; counted by a probe): ", report.ToString(), StringComparison.Ordinal);

        // The database really set them to NULL, and only them.
        Assert.Equal((6, 1), (context.Loans.Count(l => l.BookId == null), context.Loans.Count(l => l.BookId != null)));
        Assert.Equal((4, 1), (context.Notes.Count(n => n.LibraryId == null), context.Notes.Count(n => n.LibraryId != null)));
    }

    [Fact]
    public void RowsEfSetsToNullItself_AreNotCountedTwice()
    {
        using var context = Create(_ => { });
        var tracked = context.Notes.Where(n => n.Id <= 2).ToList();
        context.Libraries.Remove(context.Libraries.Single(l => l.Id == 1));

        var report = context.EstimatePendingChanges();

        // EF sets the two tracked notes' key to NULL itself (DeleteBehavior.SetNull); the database the other two.
        Assert.All(tracked, note => Assert.Null(note.LibraryId));
        Assert.Equal(("notes", 4, 2), report.Tables.Where(t => t.Table == "notes").Select(t => (t.Table, t.Updated, t.UpdatedByDatabase)).Single());
    }

    [Theory]
    [InlineData(13, true)]
    [InlineData(14, false)]
    public void RowsSetToNull_CountTowardTheRowBudget_OnSaveChanges(int maxRows, bool blocked)
    {
        using var context = Create(o => o.MaxRowsPerUnitOfWork = maxRows);
        context.Libraries.Remove(context.Libraries.Single(l => l.Id == 1));

        var violation = Record.Exception(() => context.SaveChanges());

        AssertBlockedOrRun(context, violation, blocked);
    }

    [Theory]
    [InlineData(13, true)]
    [InlineData(14, false)]
    public void RowsSetToNull_CountTowardTheRowBudget_OnExecuteDelete(int maxRows, bool blocked)
    {
        using var context = Create(o => o.MaxRowsPerUnitOfWork = maxRows);

        var violation = Record.Exception(() => context.Libraries.Where(l => l.Name == "one").ExecuteDelete());

        AssertBlockedOrRun(context, violation, blocked);
    }

    [Fact]
    public void MySqlRowImages_PriceNoRowSetToNull_ButTheirTablesTableMaps()
    {
        using var context = Create(_ => { });
        var libraries = MappedTable.For(context.Model.FindEntityType(typeof(Library))!)[0];

        // MariaDB writes a Table_map for every table a foreign-key action writes, each once (measured in
        // BinlogCascadeCalibrationTests), and no row of theirs.
        Assert.Equal(["books", "loans", "notes"], libraries.Shape.CascadeDeleteTables.Select(t => t.Name).Order());
        var notes = libraries.DatabaseCascades.Single(c => c.Table.Name == "notes");
        var typical = notes.Shape.Columns.Select(c => c.Type.IsVariableLength ? ColumnValue.OfLength(1) : ColumnValue.Present).ToArray();
        Assert.Equal(0, notes.Estimate(ReplicationProfile.MySqlRow(), typical, 4));
        Assert.True(notes.Estimate(ReplicationProfile.PostgresWal(), typical, 4) > 0);
    }

    public void Dispose() => _connection.Dispose();

    private static void AssertBlockedOrRun(LibraryContext context, Exception? violation, bool blocked)
    {
        if (blocked)
        {
            var report = Assert.IsType<BulkSafetyViolationException>(violation).Report;
            Assert.Equal((BulkSafetyRuleIds.UnitOfWorkRows, 14), (report.RuleId, report.Rows));
            Assert.Equal(0, context.Notes.Count(n => n.LibraryId == null));
            return;
        }

        Assert.Null(violation);
        Assert.Equal(4, context.Notes.Count(n => n.LibraryId == null));
    }

    private LibraryContext Create(Action<BulkSafetyOptions> configure)
        => new(new DbContextOptionsBuilder<LibraryContext>().UseSqlite(_connection).UseBulkSafety(configure).Options);

    private sealed class Library
    {
        public long Id { get; set; }

        public required string Name { get; set; }
    }

    private sealed class Book
    {
        public long Id { get; set; }

        public long LibraryId { get; set; }

        public required string Title { get; set; }
    }

    private sealed class Loan
    {
        public long Id { get; set; }

        public long? BookId { get; set; }

        public required string Reader { get; set; }
    }

    private sealed class Note
    {
        public long Id { get; set; }

        public long? LibraryId { get; set; }

        public required string Body { get; set; }
    }

    private sealed class LibraryContext(DbContextOptions<LibraryContext> options) : DbContext(options)
    {
        public DbSet<Library> Libraries => Set<Library>();

        public DbSet<Loan> Loans => Set<Loan>();

        public DbSet<Note> Notes => Set<Note>();

        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            modelBuilder.Entity<Library>().ToTable("libraries");
            modelBuilder.Entity<Book>(book =>
            {
                book.ToTable("books");
                book.HasOne<Library>().WithMany().HasForeignKey(b => b.LibraryId).OnDelete(DeleteBehavior.Cascade);
            });
            modelBuilder.Entity<Loan>(loan =>
            {
                loan.ToTable("loans");
                loan.HasOne<Book>().WithMany().HasForeignKey(l => l.BookId).OnDelete(DeleteBehavior.SetNull);
            });
            modelBuilder.Entity<Note>(note =>
            {
                note.ToTable("notes");
                note.HasOne<Library>().WithMany().HasForeignKey(n => n.LibraryId).OnDelete(DeleteBehavior.SetNull);
            });
            foreach (var entity in modelBuilder.Model.GetEntityTypes())
            {
                foreach (var property in entity.GetProperties())
                {
                    property.SetColumnName(string.Concat(property.Name.Select((c, i) => i > 0 && char.IsUpper(c) ? $"_{char.ToLowerInvariant(c)}" : char.ToLowerInvariant(c).ToString())));
                }
            }
        }
    }
}
