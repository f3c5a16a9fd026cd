using BulkSafety.Interception;
using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;
using Microsoft.Extensions.Logging;

namespace BulkSafety.Tests.Guard;

/// <summary><see cref="BulkSafetyScope.Allow"/>: named, logged, bounded, nested, flowing with async code.</summary>
public sealed class AllowanceTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Allowance_LetsOverBudgetWorkThroughAndLogsTheReason(bool async)
    {
        using var harness = new GuardHarness(o => o.MaxRowsPerUnitOfWork = 2);
        var id = harness.SeedGroup(descriptionBytes: 100);
        using var context = harness.Guarded();
        context.Posts.AddRange(Posts(id, 3));

        using (BulkSafetyScope.Allow("takedown #123"))
        {
            await context.Save(async);
        }

        Assert.Equal(3, harness.Count<Post>());
        var warning = Assert.Single(harness.Log.Entries, e => e.EventId.Id == GuardLog.AllowanceUsedId);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("takedown #123", warning.Message, StringComparison.Ordinal);
        Assert.Contains(BulkSafetyRuleIds.UnitOfWorkRows, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Allowance_EndsWithItsScope()
    {
        using var harness = new GuardHarness(o => o.MaxRowsPerUnitOfWork = 2);
        var id = harness.SeedGroup(descriptionBytes: 100);
        using var context = harness.Guarded();
        using (BulkSafetyScope.Allow("one-off import"))
        {
        }

        context.Posts.AddRange(Posts(id, 3));

        Assert.Throws<BulkSafetyViolationException>(() => context.SaveChanges());
        Assert.DoesNotContain(harness.Log.Entries, e => e.EventId.Id == GuardLog.AllowanceUsedId);
    }

    [Fact]
    public void ExhaustedAllowance_BlocksAgain()
    {
        using var harness = new GuardHarness(o => o.MaxRowsPerUnitOfWork = 1);
        using var context = harness.Guarded();
        context.Groups.AddRange(Groups(2));
        var unit = context.EstimatePendingChanges().EstimatedBytes;

        using (BulkSafetyScope.Allow("backfill", maxBytes: unit + 100))
        {
            context.SaveChanges();
            context.Groups.AddRange(Groups(2));
            Assert.Throws<BulkSafetyViolationException>(() => context.SaveChanges());
        }

        Assert.Equal(2, harness.Count<Group>());
    }

    [Fact]
    public void NestedAllowance_IsBoundedByTheOuterOneAndRestoresIt()
    {
        using var harness = new GuardHarness(o => o.MaxRowsPerUnitOfWork = 1);
        using var context = harness.Guarded();
        context.Groups.AddRange(Groups(2));
        var unit = context.EstimatePendingChanges().EstimatedBytes;

        using (BulkSafetyScope.Allow("outer", maxBytes: unit + 100))
        {
            using (BulkSafetyScope.Allow("inner"))
            {
                context.SaveChanges();
                context.Groups.AddRange(Groups(2));

                // The inner scope has no limit, but every byte is charged to the outer one too, which is spent.
                Assert.Throws<BulkSafetyViolationException>(() => context.SaveChanges());
            }

            Assert.Equal("outer", Budgets.Allowance.Current?.Reason);
        }

        Assert.Null(Budgets.Allowance.Current);
        Assert.Contains(harness.Log.Entries, e => e.EventId.Id == GuardLog.AllowanceUsedId && e.Message.Contains("\"inner\"", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Allowance_FlowsIntoAwaitedAndStartedTasks()
    {
        using var harness = new GuardHarness(o => o.MaxRowsPerUnitOfWork = 1);
        var id = harness.SeedGroup(descriptionBytes: 100);

        using (BulkSafetyScope.Allow("async cleanup"))
        {
            await Task.Run(async () =>
            {
                await Task.Yield();
                await using var context = harness.Guarded();
                context.Posts.AddRange(Posts(id, 2));
                await context.SaveChangesAsync();
            });
        }

        Assert.Equal(2, harness.Count<Post>());
    }

    [Fact]
    public async Task AllowanceOpenedInAChildTask_DoesNotLeakToTheCaller()
    {
        using var harness = new GuardHarness(o => o.MaxRowsPerUnitOfWork = 1);
        var id = harness.SeedGroup(descriptionBytes: 100);

        await Task.Run(() => BulkSafetyScope.Allow("leaked?"));

        await using var context = harness.Guarded();
        context.Posts.AddRange(Posts(id, 2));
        await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.SaveChangesAsync());
    }

    [Fact]
    public void FailedSaveChanges_RefundsTheAllowance()
    {
        using var harness = new GuardHarness();
        var id = harness.SeedGroup(descriptionBytes: 100, posts: 1);
        using var context = harness.Guarded();
        var existing = harness.Unguarded().Posts.Single().Id;
        context.Posts.Add(new Post { Id = existing, GroupId = id, Body = "duplicate key" });

        using (BulkSafetyScope.Allow("retry me", maxBytes: 1_000_000))
        {
            Assert.ThrowsAny<Exception>(() => context.SaveChanges());
            Assert.Equal(0, Budgets.Allowance.Current!.Charged);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public void Allowance_NeedsAReason(string? reason)
        => Assert.ThrowsAny<ArgumentException>(() => BulkSafetyScope.Allow(reason!));

    [Fact]
    public void Allowance_RejectsANegativeLimit()
        => Assert.Throws<ArgumentOutOfRangeException>(() => BulkSafetyScope.Allow("x", -1));

    // New posts of an existing group also touch the group (the SaveChanges override): one more row than added.
    private static IEnumerable<Post> Posts(long groupId, int count)
        => Enumerable.Range(0, count).Select(i => new Post { GroupId = groupId, Body = $"post {i}" });

    // New groups are written alone: a dry run before SaveChanges sees exactly what SaveChanges writes.
    private static IEnumerable<Group> Groups(int count)
        => Enumerable.Range(0, count).Select(i => new Group { Name = $"group {i}", Description = "new" });
}
