using BulkSafety.Interception;
using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Tests.BulkCommands;

/// <summary>
/// Bulk commands under the same rules as SaveChanges: Warn lets them through logged, Throttle waits for room in the
/// window, an allowance lets them past a budget, and they count in the window when their transaction commits.
/// </summary>
public sealed class BulkModeTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Warn_RunsTheCommandAndRecordsIt(bool async)
    {
        using var harness = new GuardHarness(o =>
        {
            o.Mode = BulkSafetyMode.Warn;
            o.MaxRowsPerUnitOfWork = 2;
        });
        harness.SeedGroup(descriptionBytes: 10, posts: 4);
        await using var context = harness.Guarded();

        Assert.Equal(4, await context.Posts.Delete(async));

        Assert.Equal(0, harness.Count<Post>());
        Assert.Contains("BS9002 let through (Warn mode)", harness.Single(GuardLog.BudgetExceededId).Message, StringComparison.Ordinal);
        Assert.True(harness.Ledger.CommittedBytesInWindow > 0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Throttle_WaitsForRoomInTheWindow(bool async)
    {
        var unit = await BytesOfDeletingThreePosts();
        using var harness = new GuardHarness(o =>
        {
            o.Mode = BulkSafetyMode.Throttle;
            o.MaxBytesPerMinute = unit + (unit / 2);
        });
        var first = harness.SeedGroup(descriptionBytes: 10, posts: 3);
        var second = harness.SeedGroup(descriptionBytes: 10, posts: 3);
        await using var context = harness.Guarded();
        await DeletePostsOf(context, first, async);
        harness.Clock.Advance(TimeSpan.FromSeconds(20));

        var deleting = Task.Run(() => DeletePostsOf(context, second, async));
        await harness.WaitForLog(GuardLog.ThrottlingId);

        Assert.False(deleting.IsCompleted);
        Assert.Contains("40 s", harness.Single(GuardLog.ThrottlingId).Message, StringComparison.Ordinal);
        harness.Clock.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(3, await deleting);
        Assert.Equal(0, harness.Count<Post>());
        Assert.Equal(unit, harness.Ledger.CommittedBytesInWindow);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Throttle_TheWaitIsArmedWhenAnnounced_SoAClockMovedOnTheAnnouncementEndsIt(bool async)
    {
        // The clock moves inside the Throttling log call, before the guard's next statement: a wait whose timer were
        // created after the announcement would be due 40 s after the moved clock, and never end (seen as a hung CI run).
        var unit = await BytesOfDeletingThreePosts();
        using var harness = new GuardHarness(o =>
        {
            o.Mode = BulkSafetyMode.Throttle;
            o.MaxBytesPerMinute = unit + (unit / 2);
        });
        harness.Log.OnEntry = entry =>
        {
            if (entry.EventId.Id == GuardLog.ThrottlingId)
            {
                harness.Clock.Advance(TimeSpan.FromSeconds(40));
            }
        };
        var first = harness.SeedGroup(descriptionBytes: 10, posts: 3);
        var second = harness.SeedGroup(descriptionBytes: 10, posts: 3);
        await using var context = harness.Guarded();
        await DeletePostsOf(context, first, async);
        harness.Clock.Advance(TimeSpan.FromSeconds(20));

        var deleted = await Task.Run(() => DeletePostsOf(context, second, async)).WaitAsync(TimeSpan.FromMinutes(2));

        Assert.Equal(3, deleted);
        Assert.Single(harness.Log.Entries, e => e.EventId.Id == GuardLog.ThrottlingId);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Allowance_LetsTheCommandPastTheBudgetAndIsCharged(bool async)
    {
        using var harness = new GuardHarness(o => o.MaxRowsPerUnitOfWork = 2);
        harness.SeedGroup(descriptionBytes: 10, posts: 4);
        await using var context = harness.Guarded();

        using (BulkSafetyScope.Allow("spam takedown #7", maxBytes: 1_000_000))
        {
            Assert.Equal(4, await context.Posts.Delete(async));
        }

        var used = harness.Single(GuardLog.AllowanceUsedId).Message;
        Assert.Contains("spam takedown #7", used, StringComparison.Ordinal);
        Assert.Contains(BulkSafetyRuleIds.UnitOfWorkRows, used, StringComparison.Ordinal);
        Assert.True(harness.Ledger.CommittedBytesInWindow > 0);
    }

    [Fact]
    public async Task SpentAllowance_NoLongerLetsTheCommandThrough()
    {
        using var harness = new GuardHarness(o => o.MaxRowsPerUnitOfWork = 2);
        harness.SeedGroup(descriptionBytes: 10, posts: 4);
        await using var context = harness.Guarded();

        using (BulkSafetyScope.Allow("too small", maxBytes: 10))
        {
            await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Posts.ExecuteDeleteAsync());
        }

        Assert.Equal(4, harness.Count<Post>());
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public async Task InsideATransaction_CountsOnlyOnCommit(bool async, bool commit)
    {
        using var harness = new GuardHarness();
        harness.SeedGroup(descriptionBytes: 10, posts: 4);
        await using var context = harness.Guarded();
        await using var transaction = async ? await context.Database.BeginTransactionAsync() : context.Database.BeginTransaction();

        await context.Posts.Delete(async);
        var pending = harness.Ledger.PendingBytes;
        Assert.Equal(0, harness.Ledger.CommittedBytesInWindow);
        if (commit)
        {
            await transaction.CommitAsync();
        }
        else
        {
            await transaction.RollbackAsync();
        }

        Assert.True(pending > 0);
        Assert.Equal(commit ? pending : 0, harness.Ledger.CommittedBytesInWindow);
        Assert.Equal(0, harness.Ledger.PendingBytes);
        Assert.Equal(commit ? 0 : 4, harness.Count<Post>());
    }

    [Fact]
    public async Task FailingCommand_ReleasesItsUnit()
    {
        using var harness = new GuardHarness();
        harness.SeedGroup(descriptionBytes: 10, posts: 4);
        await using var context = harness.Guarded();
        await context.Database.ExecuteSqlRawAsync("CREATE TRIGGER refuse BEFORE DELETE ON posts BEGIN SELECT RAISE(ABORT, 'no deletes'); END");

        await Assert.ThrowsAnyAsync<Microsoft.Data.Sqlite.SqliteException>(() => context.Posts.ExecuteDeleteAsync());

        Assert.Equal(0, harness.Ledger.PendingBytes + harness.Ledger.CommittedBytesInWindow);
        Assert.Equal(4, harness.Count<Post>());
    }

    private static Task<int> DeletePostsOf(IncidentContext context, long group, bool async)
        => context.Posts.Where(p => p.GroupId == group).Delete(async);

    private static async Task<long> BytesOfDeletingThreePosts()
    {
        using var harness = new GuardHarness();
        var group = harness.SeedGroup(descriptionBytes: 10, posts: 3);
        await using var context = harness.Guarded();
        await DeletePostsOf(context, group, async: true);
        return harness.Ledger.CommittedBytesInWindow;
    }
}
