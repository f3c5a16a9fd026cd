using BulkSafety.Interception;
using BulkSafety.SafePaths;
using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Tests.SafePaths;

/// <summary>The batched API under the guard: what it refuses, and what a batch over a per-unit budget does in each mode.</summary>
public sealed class BatchGuardTests
{
    [Fact]
    public async Task AnUnguardedContext_IsRefusedBeforeAnythingIsWritten()
    {
        using var harness = new GuardHarness();
        harness.SeedPosts(10);
        await using var context = harness.Unguarded();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.Posts.DeleteInBatchesAsync());

        Assert.Contains("UseBulkSafety()", error.Message, StringComparison.Ordinal);
        Assert.Equal(10, harness.Count<Post>());
    }

    [Fact]
    public async Task AnOpenTransaction_IsRefused()
    {
        using var harness = new GuardHarness();
        harness.SeedPosts(10);
        await using var context = harness.Guarded();
        await using var transaction = await context.Database.BeginTransactionAsync();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => context.Posts.DeleteInBatchesAsync());

        Assert.Contains("outside a transaction", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task QueriesThatAreNotAFilter_AreRefused()
    {
        using var harness = new GuardHarness();
        await using var context = harness.Guarded();

        var take = await Assert.ThrowsAsync<NotSupportedException>(() => context.Posts.Take(10).DeleteInBatchesAsync());
        var select = await Assert.ThrowsAsync<NotSupportedException>(() => context.Groups.SelectMany(g => g.Posts).DeleteInBatchesAsync());
        var notEf = await Assert.ThrowsAsync<ArgumentException>(() => new List<Post>().AsQueryable().DeleteInBatchesAsync());

        Assert.Contains("not Take", take.Message, StringComparison.Ordinal);
        Assert.Contains("not SelectMany", select.Message, StringComparison.Ordinal);
        Assert.Contains("entity set of Post", notEf.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ANamedJobsBatches_LeaveRoomForTheCheckpointRow_InTheRowsPerUnitBudget()
    {
        // The checkpoint row is one of the batch's rows: batches of the whole per-unit row budget would exceed it by one.
        using var harness = new GuardHarness(o =>
        {
            o.MaxRowsPerUnitOfWork = 100;
            o.MaxTableFraction = 1;
        });
        var spam = harness.SeedPosts(250);
        await using var context = harness.Guarded();

        var result = await context.Posts.Where(p => p.GroupId == spam).DeleteInBatchesAsync(new BatchOptions { JobName = "full batches", MaxRowsPerBatch = 100 });

        Assert.Equal((250L, 3), (result.Rows, result.Batches));
        Assert.Equal(0, harness.Count<Post>());
    }

    [Fact]
    public void InvalidOptions_AreRefusedNamingTheOption()
    {
        using var harness = new GuardHarness();
        using var context = harness.Guarded();

        Assert.Equal("TargetBytesPerBatch", Refused(new BatchOptions { TargetBytesPerBatch = 0 }));
        Assert.Equal("MaxRowsPerBatch", Refused(new BatchOptions { MaxRowsPerBatch = -1 }));
        Assert.Equal("MaxBytesPerMinute", Refused(new BatchOptions { MaxBytesPerMinute = 0 }));
        Assert.Equal("JobName", Refused(new BatchOptions { JobName = " " }));
        Assert.Equal("JobName", Refused(new BatchOptions { JobName = new string('j', 201) }));
        Assert.Equal("ProbeInterval", Refused(new BatchOptions { ProbeInterval = TimeSpan.Zero }));
        Assert.Equal("LeaseDuration", Refused(new BatchOptions { LeaseDuration = TimeSpan.FromMilliseconds(999) }));
        Assert.Equal("LeaseDuration", Refused(new BatchOptions { LeaseDuration = TimeSpan.FromDays(2) }));
        Assert.Equal("IfRunning", Refused(new BatchOptions { IfRunning = (RunningJobBehavior)2 }));

        string? Refused(BatchOptions options)
            => Assert.ThrowsAny<ArgumentException>(() => context.Posts.DeleteInBatchesAsync(options).GetAwaiter().GetResult()).ParamName;
    }

    [Fact]
    public async Task AJobOverMostOfATable_IsStoppedByTheBlastRadius_BeforeAnyBatch()
    {
        using var harness = new GuardHarness();
        var spam = harness.SeedPosts(1_000);
        harness.SeedPosts(300);
        await using var context = harness.Guarded();

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Posts.Where(p => p.GroupId == spam).DeleteInBatchesAsync());

        Assert.Equal(BulkSafetyRuleIds.TableFraction, violation.Report.RuleId);
        Assert.Contains("DeleteInBatchesAsync would update or delete 1,000 of the 1,300 rows of posts", violation.Message, StringComparison.Ordinal);
        Assert.Equal(1_300, harness.Count<Post>());
        Assert.Equal(0, harness.Ledger.CommittedBytesInWindow);
    }

    [Fact]
    public async Task AJobOverMostOfATable_RunsInsideAnAllowance_AndEachBatchIsCountedOnce()
    {
        using var harness = new GuardHarness();
        var spam = harness.SeedPosts(1_000);
        harness.SeedPosts(300);
        await using var context = harness.Guarded();

        BatchResult result;
        using (BulkSafetyScope.Allow("spam takedown #77"))
        {
            result = await context.Posts.Where(p => p.GroupId == spam).DeleteInBatchesAsync(new BatchOptions { MaxRowsPerBatch = 100 });
        }

        Assert.Equal((1_000, 10), (result.Rows, result.Batches));
        Assert.Equal(300, harness.Count<Post>());
        var allowance = Assert.Single(harness.Log.Entries, e => e.EventId.Id == GuardLog.AllowanceUsedId);
        Assert.Contains("BS9005", allowance.Message, StringComparison.Ordinal);

        // The bulk-command interceptor leaves the batches to the job: the window holds each batch once.
        Assert.Equal(result.Bytes, harness.Ledger.CommittedBytesInWindow);
    }

    [Fact]
    public async Task AJobOverLessThanTheFraction_RunsWithoutAViolation()
    {
        using var harness = new GuardHarness();
        var spam = harness.SeedPosts(400);
        harness.SeedPosts(700);
        await using var context = harness.Guarded();

        var result = await context.Posts.Where(p => p.GroupId == spam).UpdateInBatchesAsync(s => s.SetProperty(p => p.Body, "gone"));

        Assert.Equal(400, result.Rows);
        Assert.DoesNotContain(harness.Log.Entries, e => e.EventId.Id is GuardLog.BudgetExceededId or GuardLog.AllowanceUsedId);
        Assert.Equal(result.Bytes, harness.Ledger.CommittedBytesInWindow);
    }

    [Fact]
    public async Task ARowLargerThanTheUnitBudget_StopsTheJobInEnforceMode_AfterTheRowsBeforeIt()
    {
        using var harness = new GuardHarness(o => o.MaxBytesPerUnitOfWork = 8_000);
        SeedSmallSmallHuge(harness);
        await using var context = harness.Guarded();

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Groups.DeleteInBatchesAsync());

        Assert.Equal(BulkSafetyRuleIds.UnitOfWorkBytes, violation.Report.RuleId);
        await using var check = harness.Unguarded();
        Assert.Equal(["huge"], await check.Groups.Select(g => g.Name).ToListAsync());
        Assert.Contains(harness.Log.Entries, e => e.EventId.Id == GuardLog.BudgetExceededId && e.Message.Contains("BS9001 blocked", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARowLargerThanTheUnitBudget_IsLetThroughInWarnMode()
    {
        using var harness = new GuardHarness(o =>
        {
            o.MaxBytesPerUnitOfWork = 8_000;
            o.Mode = BulkSafetyMode.Warn;
        });
        SeedSmallSmallHuge(harness);
        await using var context = harness.Guarded();

        var result = await context.Groups.DeleteInBatchesAsync();

        Assert.Equal(3, result.Rows);
        Assert.Equal(result.Bytes, harness.Ledger.CommittedBytesInWindow);
        Assert.Contains(harness.Log.Entries, e => e.EventId.Id == GuardLog.BudgetExceededId && e.Message.Contains("BS9001 let through", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARowLargerThanTheUnitBudget_IsChargedToAnOpenAllowance()
    {
        using var harness = new GuardHarness(o => o.MaxBytesPerUnitOfWork = 8_000);
        SeedSmallSmallHuge(harness);
        await using var context = harness.Guarded();

        BatchResult result;
        using (BulkSafetyScope.Allow("takedown #123", maxBytes: 100_000))
        {
            result = await context.Groups.DeleteInBatchesAsync();
        }

        Assert.Equal(3, result.Rows);
        var allowance = Assert.Single(harness.Log.Entries, e => e.EventId.Id == GuardLog.AllowanceUsedId);
        Assert.Contains("takedown #123", allowance.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompositeKeys_AreWalkedInKeyOrder_AndCheckpointed()
    {
        await using var connection = new SqliteConnection("Data Source=:memory:");
        await connection.OpenAsync();
        var options = new DbContextOptionsBuilder<ReadingContext>().UseSqlite(connection).UseBulkSafety(o => o.MaxBytesPerMinute = long.MaxValue / 4).Options;
        await using var context = new ReadingContext(options);
        await context.Database.EnsureCreatedAsync();
        foreach (var sensor in new[] { "a", "b", "c" })
        {
            context.Readings.AddRange(Enumerable.Range(1, 70).Select(seq => new Reading { Sensor = sensor, Seq = seq, Payload = new string('x', seq) }));
        }

        await context.SaveChangesAsync();
        context.ChangeTracker.Clear();

        var updated = await context.Readings.Where(r => r.Sensor != "b")
            .UpdateInBatchesAsync(s => s.SetProperty(r => r.Seen, r => r.Seen + 1), new BatchOptions { JobName = "composite", MaxRowsPerBatch = 25 });
        var deleted = await context.Readings.Where(r => r.Sensor != "b").DeleteInBatchesAsync(new BatchOptions { MaxRowsPerBatch = 25 });

        Assert.Equal((140L, 6), (updated.Rows, updated.Batches));
        Assert.Equal(140, deleted.Rows);
        Assert.Equal(70, await context.Readings.CountAsync(r => r.Sensor == "b" && r.Seen == 0));
        Assert.Equal(70, await context.Readings.CountAsync());
    }

    // Ids 1, 2: ~300 B rows; id 3: a 20 KB description, more than the 8 KB unit budget on its own.
    private static void SeedSmallSmallHuge(GuardHarness harness)
    {
        using var context = harness.Unguarded();
        context.Groups.AddRange(
            new Group { Name = "small", Description = "s" },
            new Group { Name = "small", Description = "s" },
            new Group { Name = "huge", Description = new string('h', 20_000) });
        context.SaveChanges();
    }

    private sealed class Reading
    {
        public required string Sensor { get; set; }

        public int Seq { get; set; }

        public required string Payload { get; set; }

        public int Seen { get; set; }
    }

    private sealed class ReadingContext(DbContextOptions<ReadingContext> options) : DbContext(options)
    {
        public DbSet<Reading> Readings => Set<Reading>();

        protected override void OnModelCreating(ModelBuilder modelBuilder) => modelBuilder.Entity<Reading>().HasKey(r => new { r.Sensor, r.Seq });
    }
}
