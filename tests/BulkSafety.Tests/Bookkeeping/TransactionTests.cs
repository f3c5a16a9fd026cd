using System.Data.Common;
using BulkSafety.Bookkeeping;
using BulkSafety.Configuration;
using BulkSafety.Interception;
using BulkSafety.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace BulkSafety.Tests.Bookkeeping;

/// <summary>The parents' writes commit or roll back with the children's; concurrent savers lose nothing.</summary>
public sealed class TransactionTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CommitFails_ChildDeleteAndParentUpdateRollBackTogether(bool async)
    {
        using var harness = new BookkeepingHarness();
        var id = harness.Seed(groups: 1, postsPerGroup: 3)[0];

        // One child: EF alone would send a single DELETE without a transaction.
        using var context = harness.Context(new FailingCommit());
        context.Posts.Remove(context.Posts.First());

        await Assert.ThrowsAsync<InvalidOperationException>(() => context.Save(async));

        Assert.Single(harness.Commands.Updates("groups"));
        Assert.Equal(3, harness.StoredGroup(id).PostsCount);
        using var check = harness.Plain();
        Assert.Equal(3, check.Posts.Count());
        Assert.Equal(AutoTransactionBehavior.WhenNeeded, context.Database.AutoTransactionBehavior);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SingleChild_CommitsWithItsParentAndLeavesTheContextsSettings(bool async)
    {
        using var harness = new BookkeepingHarness();
        var id = harness.Seed(groups: 1, postsPerGroup: 3)[0];
        var commits = new CommitCounter();
        using var context = harness.Context(commits);
        context.Posts.Remove(context.Posts.First());

        await context.Save(async);

        Assert.Equal(1, commits.Count);
        Assert.Equal(2, harness.StoredGroup(id).PostsCount);
        Assert.Equal(AutoTransactionBehavior.WhenNeeded, context.Database.AutoTransactionBehavior);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task CallersTransaction_ParentUpdatesFollowItsOutcome(bool async, bool commit)
    {
        using var harness = new BookkeepingHarness();
        var id = harness.Seed(groups: 1, postsPerGroup: 4)[0];
        using var context = harness.Context();
        using (var transaction = context.Database.BeginTransaction())
        {
            context.Posts.RemoveRange(context.Posts.Take(3).ToList());
            await context.Save(async);
            Assert.Single(harness.Commands.Updates("groups"));
            if (commit)
            {
                transaction.Commit();
            }
            else
            {
                transaction.Rollback();
            }
        }

        Assert.Equal(commit ? 1 : 4, harness.StoredGroup(id).PostsCount);
        harness.AssertCountersMatchRows();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GuardBlocksTheSave_NothingIsWrittenThenOrLater(bool async)
    {
        // Three posts and their group's UPDATE are four rows: one too many.
        using var harness = new BookkeepingHarness(guard: o => o.MaxRowsPerUnitOfWork = 3);
        var id = harness.Seed(groups: 1, postsPerGroup: 5)[0];
        using var context = harness.Context();
        context.Posts.RemoveRange(context.Posts.Take(3).ToList());

        await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Save(async));

        // The blocked SaveChanges never finished; a transaction the caller commits afterwards must not carry its plan.
        using (var transaction = context.Database.BeginTransaction())
        {
            context.Database.ExecuteSql($"UPDATE groups SET Name = 'still here'");
            transaction.Commit();
        }

        Assert.Empty(harness.Commands.Updates("groups"));
        Assert.Equal(5, harness.StoredGroup(id).PostsCount);

        context.ChangeTracker.Clear();
        context.Posts.RemoveRange(context.Posts.Take(2).ToList());
        await context.Save(async);

        Assert.Equal(3, harness.StoredGroup(id).PostsCount);
        Assert.Equal(AutoTransactionBehavior.WhenNeeded, context.Database.AutoTransactionBehavior);
        harness.AssertCountersMatchRows();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ConcurrentSavers_RelativeUpdatesLoseNoChange(bool async)
    {
        using var harness = new BookkeepingHarness();
        var id = harness.Seed(groups: 1, postsPerGroup: 10)[0];

        // Both load the group while it counts 10 posts; each deletes a different post.
        using var first = harness.Context();
        using var second = harness.Context();
        var firstGroup = first.Groups.Include(g => g.Posts).Single();
        var secondGroup = second.Groups.Include(g => g.Posts).Single();
        first.Posts.Remove(firstGroup.Posts[0]);
        second.Posts.Remove(secondGroup.Posts[1]);

        await first.Save(async);
        await second.Save(async);

        // An absolute write from either stale read would store 9.
        Assert.Equal(8, harness.StoredGroup(id).PostsCount);
        harness.AssertCountersMatchRows();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AutomaticDetectionOff_ExplicitStateChangesAreKept(bool async)
    {
        using var harness = new BookkeepingHarness();
        var groups = harness.Seed(groups: 2, postsPerGroup: 4);
        using var context = harness.Context();
        context.ChangeTracker.AutoDetectChangesEnabled = false;
        context.Posts.RemoveRange(context.Posts.Where(p => p.GroupId == groups[0]).Take(2).ToList());
        context.Posts.Add(new CountedPost { GroupId = groups[1], Body = "added" });

        await context.Save(async);

        Assert.Equal((2, 5), (harness.StoredGroup(groups[0]).PostsCount, harness.StoredGroup(groups[1]).PostsCount));
        harness.AssertCountersMatchRows();
    }

    [Fact]
    public void RegisteredByBothEntryPoints_IsOneGuardedSession()
    {
        var both = new DbContextOptionsBuilder()
            .UseBulkSafetyBookkeeping()
            .UseBulkSafety()
            .UseBulkSafetyBookkeeping()
            .Options;
        var bookkeepingOnly = new DbContextOptionsBuilder().UseBulkSafetyBookkeeping().Options;

        Assert.True(Assert.Single(both.Extensions.OfType<BulkSafetyOptionsExtension>()).Guarded);
        Assert.False(Assert.Single(bookkeepingOnly.Extensions.OfType<BulkSafetyOptionsExtension>()).Guarded);
    }

    /// <summary>Fails every commit after the other interceptors have run, as a lost connection at commit would.</summary>
    private sealed class FailingCommit : DbTransactionInterceptor
    {
        public override InterceptionResult TransactionCommitting(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result)
            => throw new InvalidOperationException("commit failed");

        public override ValueTask<InterceptionResult> TransactionCommittingAsync(DbTransaction transaction, TransactionEventData eventData, InterceptionResult result, CancellationToken cancellationToken = default)
            => throw new InvalidOperationException("commit failed");
    }

    private sealed class CommitCounter : DbTransactionInterceptor
    {
        public int Count { get; private set; }

        public override void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData) => Count++;

        public override Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Count++;
            return Task.CompletedTask;
        }
    }
}
