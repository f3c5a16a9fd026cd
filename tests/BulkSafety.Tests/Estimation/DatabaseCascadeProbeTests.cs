using BulkSafety.Estimation;
using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace BulkSafety.Tests.Estimation;

/// <summary>
/// Deleting principals whose dependents go by <c>ON DELETE CASCADE</c> in the database, without EF tracking them: the
/// guard counts those dependents with a probe query (real SQLite, which enforces the cascade) and reports them.
/// </summary>
public sealed class DatabaseCascadeProbeTests
{
    [Fact]
    public void UntrackedChildren_AreCountedAndReportedAsDeletedByTheDatabase()
    {
        using var harness = new GuardHarness();
        var id = harness.SeedGroup(descriptionBytes: 1_000, posts: 7, memberships: 3);
        harness.SeedGroup(descriptionBytes: 10, posts: 4, memberships: 2);
        using var context = harness.Guarded();
        context.Groups.Remove(context.Groups.Single(g => g.Id == id));

        var report = context.EstimatePendingChanges();
        context.SaveChanges();

        Assert.Equal(11, report.Rows);
        Assert.Equal(
            [("groups", 1, 0), ("memberships", 3, 3), ("posts", 7, 7)],
            report.Tables.Select(t => (t.Table, t.Deleted, t.DeletedByDatabase)).Order());
        Assert.Contains("Deleted by the database's ON DELETE CASCADE (not tracked; counted by a probe): ", report.ToString(), StringComparison.Ordinal);

        // The database really deleted them, and only them.
        Assert.Equal(4, harness.Count<Post>());
        Assert.Equal(2, harness.Count<Membership>());
    }

    [Theory]
    [InlineData(UnknownCostPolicy.AssumeConservative, false)]
    [InlineData(UnknownCostPolicy.Block, false)]
    [InlineData(UnknownCostPolicy.Allow, true)]
    public void ChildrenAProbeMayNotCount_AreUnknownCost_NeverZero(UnknownCostPolicy onUnknown, bool saved)
    {
        // A collation the application defines, named like a word in the children's table definitions: the probe scope
        // will not compare with it, so it refuses the count (as a MySQL session in a sql_mode the guard does not read does).
        using var harness = new GuardHarness(o => o.OnUnknown = onUnknown);
        var id = harness.SeedGroup(descriptionBytes: 1_000, posts: 7, memberships: 3);
        using var context = harness.Guarded();
        ((SqliteConnection)context.Database.GetDbConnection()).CreateCollation("GroupId", string.CompareOrdinal);
        context.Groups.Remove(context.Groups.Single(g => g.Id == id));

        var report = context.EstimatePendingChanges();
        var violation = Record.Exception(() => context.SaveChanges());

        Assert.Equal([("groups", 1, 0)], report.Tables.Select(t => (t.Table, t.Deleted, t.DeletedByDatabase)));
        if (saved)
        {
            Assert.Null(violation);
            Assert.Null(report.RuleId);
            Assert.Equal(0, harness.Count<Post>());
            return;
        }

        Assert.Equal(BulkSafetyRuleIds.UnknownCost, report.RuleId);
        Assert.Equal(BulkSafetyRuleIds.UnknownCost, Assert.IsType<BulkSafetyViolationException>(violation).Report.RuleId);
        Assert.Contains("ON DELETE CASCADE would delete from memberships, posts cannot be counted (it may compare with GroupId", violation.Message, StringComparison.Ordinal);
        Assert.Contains("Delete the dependent rows first", violation.Message, StringComparison.Ordinal);
        Assert.Equal(7, harness.Count<Post>());
    }

    [Theory]
    [InlineData(UnknownCostPolicy.AssumeConservative, BulkSafetyRuleIds.UnknownCost)]
    [InlineData(UnknownCostPolicy.Block, BulkSafetyRuleIds.UnknownCost)]
    [InlineData(UnknownCostPolicy.Allow, null)]
    public void OnAnEngineTheGuardDoesNotProbe_CascadedChildrenAreUnknownCost_NeverZero(UnknownCostPolicy onUnknown, string? ruleId)
    {
        // SQL Server, on a port nothing listens on: the guard judges the unit before EF Core opens a connection.
        using var context = new IncidentContext(new DbContextOptionsBuilder<IncidentContext>()
            .UseSqlServer("Server=127.0.0.1,1;Database=none;Connect Timeout=1;Encrypt=false")
            .UseBulkSafety(o => o.OnUnknown = onUnknown)
            .Options);
        context.Groups.Remove(context.Groups.Attach(new Group { Id = 1, Name = "g", Description = "d" }).Entity);

        var report = context.EstimatePendingChanges();

        Assert.Equal([("groups", 1, 0)], report.Tables.Select(t => (t.Table, t.Deleted, t.DeletedByDatabase)));
        Assert.Equal(ruleId, report.RuleId);
        if (ruleId is not null)
        {
            var violation = Assert.Throws<BulkSafetyViolationException>(() => context.SaveChanges());
            Assert.Contains("ON DELETE CASCADE would delete from memberships, posts cannot be counted (the guard does not probe Microsoft.EntityFrameworkCore.SqlServer)", violation.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void TrackedChildren_AreNotCountedTwice()
    {
        using var harness = new GuardHarness();
        var id = harness.SeedGroup(descriptionBytes: 1_000, posts: 7, memberships: 3);
        using var context = harness.Guarded();
        var firstPosts = context.Posts.Where(p => p.GroupId == id).OrderBy(p => p.Id).Select(p => p.Id).Take(3).ToList();
        var group = context.Groups.Include(g => g.Posts.Where(p => firstPosts.Contains(p.Id))).Single(g => g.Id == id);

        context.Groups.Remove(group);
        var report = context.EstimatePendingChanges();

        // EF deletes the 3 loaded posts itself (immediate cascade); the database the other 4 and the memberships.
        Assert.Equal([("groups", 1, 0), ("memberships", 3, 3), ("posts", 7, 4)], report.Tables.Select(t => (t.Table, t.Deleted, t.DeletedByDatabase)).Order());
        Assert.Equal(11, report.Rows);
    }

    [Fact]
    public void CascadeOnSaveChanges_ChildrenEfWillDelete_AreNotCountedTwice()
    {
        using var harness = new GuardHarness();
        var id = harness.SeedGroup(descriptionBytes: 1_000, posts: 7, memberships: 3);
        using var context = harness.Guarded();
        context.ChangeTracker.CascadeDeleteTiming = CascadeTiming.OnSaveChanges;
        var group = context.Groups.Include(g => g.Posts).Single(g => g.Id == id);

        context.Groups.Remove(group);
        var report = context.EstimatePendingChanges();

        Assert.Equal([("groups", 1, 0), ("memberships", 3, 3), ("posts", 7, 0)], report.Tables.Select(t => (t.Table, t.Deleted, t.DeletedByDatabase)).Order());
        Assert.All(context.ChangeTracker.Entries<Post>(), e => Assert.Equal(EntityState.Unchanged, e.State));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UntrackedChildren_CountTowardsTheBudgets_BeforeAnythingIsWritten(bool async)
    {
        using var harness = new GuardHarness(o => o.MaxRowsPerUnitOfWork = 5);
        var id = harness.SeedGroup(descriptionBytes: 1_000, posts: 7);
        using var context = harness.Guarded();
        context.Groups.Remove(context.Groups.Single(g => g.Id == id));

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Save(async));

        Assert.Equal(BulkSafetyRuleIds.UnitOfWorkRows, violation.Report.RuleId);
        Assert.Equal(8, violation.Report.Rows);
        Assert.Equal(7, harness.Count<Post>());
        Assert.Equal(1, harness.Count<Group>());
    }

    [Fact]
    public void InsideATransaction_TheProbeSeesTheTransactionsOwnRows()
    {
        using var harness = new GuardHarness();
        var id = harness.SeedGroup(descriptionBytes: 10, posts: 2);
        using var context = harness.Guarded();
        using var transaction = context.Database.BeginTransaction();
        context.Posts.AddRange(Enumerable.Range(0, 5).Select(i => new Post { GroupId = id, Body = "added in the transaction", AuthorId = i }));
        context.SaveChanges();
        context.ChangeTracker.Clear();

        context.Groups.Remove(context.Groups.Single(g => g.Id == id));
        var report = context.EstimatePendingChanges();

        Assert.Equal(7, report.Tables.Single(t => t.Table == "posts").DeletedByDatabase);
    }

    [Fact]
    public void Profiles_PriceCascadedRowsAsTheirEngineLogsThem()
    {
        using var harness = new GuardHarness();
        var id = harness.SeedGroup(descriptionBytes: 1_000, posts: 7);
        var mysql = Estimate(harness, id, ReplicationProfile.MySqlRow());
        var postgres = Estimate(harness, id, ReplicationProfile.PostgresWal(PostgresWalLevel.Logical, PostgresReplicaIdentity.Full));

        // MariaDB does not row-log InnoDB cascades (the parent's DELETE carries a Table_map per cascading table).
        Assert.Equal(0, mysql.Tables.Single(t => t.Table == "posts").Bytes);

        // PostgreSQL logs each cascaded row; with REPLICA IDENTITY FULL the whole old row, sized from the probed body lengths.
        using var context = harness.Unguarded();
        var posts = MappedTable.For(context.Model.FindEntityType(typeof(Post))!).Single().Shape;
        var row = posts.Columns.Select(c => c.Type.IsVariableLength ? ColumnValue.OfLength("post body".Length) : ColumnValue.Present).ToArray();
        var profile = ReplicationProfile.PostgresWal(PostgresWalLevel.Logical, PostgresReplicaIdentity.Full);
        Assert.Equal(7 * profile.EstimateRow(posts, RowChange.Delete(row)), postgres.Tables.Single(t => t.Table == "posts").Bytes);
    }

    [Fact]
    public void Grandchildren_AndCompositeKeys_AreReachedThroughTheChainOfForeignKeys()
    {
        using var forum = ForumDatabase.Create();
        using var context = forum.Context();

        context.Forums.Remove(context.Forums.Single(f => f.Id == 1));
        var byForum = context.EstimatePendingChanges();
        context.ChangeTracker.Clear();
        context.Threads.Remove(context.Threads.Single(t => t.ForumId == 2 && t.Number == 1));
        var byThread = context.EstimatePendingChanges();

        // Forum 1: 2 threads, 3 + 1 replies. Forum 2's thread 1 (composite key): 2 replies; its thread 2's reply stays.
        Assert.Equal([("forum threads", 2, 2), ("forums", 1, 0), ("reply \"log\"", 4, 4)], byForum.Tables.Select(t => (t.Table, t.Deleted, t.DeletedByDatabase)).Order());
        Assert.Equal([("forum threads", 1, 0), ("reply \"log\"", 2, 2)], byThread.Tables.Select(t => (t.Table, t.Deleted, t.DeletedByDatabase)).Order());
    }

    [Fact]
    public void DeletesWithoutDatabaseCascades_RunNoProbe()
    {
        using var forum = ForumDatabase.Create();
        using var context = forum.Context();
        context.Replies.Remove(context.Replies.First());

        forum.Commands.Clear();
        var report = context.EstimatePendingChanges();

        Assert.Equal(1, report.Rows);
        Assert.Empty(forum.Commands);
    }

    private static BulkSafetyReport Estimate(GuardHarness harness, long groupId, ReplicationProfile profile)
    {
        using var unguarded = harness.Unguarded();
        using var context = new IncidentContext(new DbContextOptionsBuilder<IncidentContext>()
            .UseSqlite(unguarded.Database.GetDbConnection())
            .UseBulkSafety(o => o.Profile = profile)
            .Options);
        context.Groups.Remove(context.Groups.Single(g => g.Id == groupId));
        return context.EstimatePendingChanges();
    }

    /// <summary>Forums, their threads (composite key: forum and number) and the threads' replies, all cascading.</summary>
    private sealed class ForumDatabase : IDisposable
    {
        private readonly SqliteConnection _connection = new("Data Source=:memory:");

        private ForumDatabase() => _connection.Open();

        /// <summary>The SQL the guarded contexts sent since the last <c>Clear</c>.</summary>
        public List<string> Commands { get; } = [];

        public static ForumDatabase Create()
        {
            var database = new ForumDatabase();
            using var context = database.Context();
            context.Database.EnsureCreated();
            context.Forums.AddRange(new Forum { Id = 1 }, new Forum { Id = 2 });
            context.Threads.AddRange(new ForumThread { ForumId = 1, Number = 1 }, new ForumThread { ForumId = 1, Number = 2 }, new ForumThread { ForumId = 2, Number = 1 }, new ForumThread { ForumId = 2, Number = 2 });
            context.Replies.AddRange(
                new Reply { Id = 1, ForumId = 1, ThreadNumber = 1, Text = "a" },
                new Reply { Id = 2, ForumId = 1, ThreadNumber = 1, Text = "b" },
                new Reply { Id = 3, ForumId = 1, ThreadNumber = 1, Text = "c" },
                new Reply { Id = 4, ForumId = 1, ThreadNumber = 2, Text = "d" },
                new Reply { Id = 5, ForumId = 2, ThreadNumber = 1, Text = "e" },
                new Reply { Id = 6, ForumId = 2, ThreadNumber = 1, Text = "f" },
                new Reply { Id = 7, ForumId = 2, ThreadNumber = 2, Text = "g" });
            context.SaveChanges();
            return database;
        }

        public ForumContext Context() => new(new DbContextOptionsBuilder<ForumContext>()
            .UseSqlite(_connection)
            .LogTo(Commands.Add, [Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.CommandExecuting])
            .UseBulkSafety()
            .Options);

        public void Dispose() => _connection.Dispose();
    }

    private sealed class Forum
    {
        public long Id { get; set; }
    }

    private sealed class ForumThread
    {
        public long ForumId { get; set; }

        public int Number { get; set; }
    }

    private sealed class Reply
    {
        public long Id { get; set; }

        public long ForumId { get; set; }

        public int ThreadNumber { get; set; }

        public required string Text { get; set; }
    }

    private sealed class ForumContext(DbContextOptions<ForumContext> options) : DbContext(options)
    {
        public DbSet<Forum> Forums => Set<Forum>();

        public DbSet<ForumThread> Threads => Set<ForumThread>();

        public DbSet<Reply> Replies => Set<Reply>();

        protected override void OnModelCreating(ModelBuilder modelBuilder)
        {
            modelBuilder.Entity<Forum>().ToTable("forums").Property(f => f.Id).ValueGeneratedNever();
            modelBuilder.Entity<ForumThread>(thread =>
            {
                thread.ToTable("forum threads").HasKey(t => new { t.ForumId, t.Number });
                thread.HasOne<Forum>().WithMany().HasForeignKey(t => t.ForumId).OnDelete(DeleteBehavior.Cascade);
            });
            modelBuilder.Entity<Reply>(reply =>
            {
                reply.ToTable("reply \"log\"").Property(r => r.Id).ValueGeneratedNever();
                reply.HasOne<ForumThread>().WithMany().HasForeignKey(r => new { r.ForumId, r.ThreadNumber }).OnDelete(DeleteBehavior.Cascade);
            });
        }
    }
}
