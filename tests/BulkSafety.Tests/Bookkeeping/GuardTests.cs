using BulkSafety.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Tests.Bookkeeping;

/// <summary>
/// The guard sees the bookkeeping's parent UPDATEs even though they are statements of their own: in its estimates,
/// its budgets and its hot-row detector.
/// </summary>
public sealed class GuardTests
{
    [Fact]
    public void DryRun_CountsTheRelativeParentUpdateAsTheSameTrackedUpdateWouldCost()
    {
        using var harness = new BookkeepingHarness(guard: _ => { });
        var id = harness.Seed(groups: 1, postsPerGroup: 5, descriptionBytes: 30_000)[0];
        using var context = harness.Context();
        var group = context.Groups.Include(g => g.Posts).Single();
        context.Posts.RemoveRange(group.Posts.Take(3).ToList());

        var report = context.EstimatePendingChanges();

        // The same UPDATE of the same row, written by EF from the tracked entity.
        using var reference = harness.Context();
        var referenceGroup = reference.Groups.Single(g => g.Id == id);
        referenceGroup.PostsCount -= 3;
        referenceGroup.UpdatedAt = harness.Clock.GetUtcNow().UtcDateTime;
        var expected = reference.EstimatePendingChanges().Tables.Single(t => t.Table == "groups");

        var groups = report.Tables.Single(t => t.Table == "groups");
        Assert.Equal((0, 1, 0), (groups.Inserted, groups.Updated, groups.Deleted));
        Assert.Equal(expected.Bytes, groups.Bytes);
        Assert.True(groups.Bytes > 60_000, "a FULL row image of a 30 KB row, before and after");
        Assert.Equal(3, report.Tables.Single(t => t.Table == "posts").Deleted);
    }

    [Fact]
    public void DryRun_UntrackedParentCountsConservativeTextSizesAndNoWriteWhenDeleted()
    {
        using var harness = new BookkeepingHarness(guard: _ => { });
        var groups = harness.Seed(groups: 2, postsPerGroup: 4, descriptionBytes: 100);
        using var context = harness.Context();
        context.Posts.RemoveRange(context.Posts.ToList());
        context.Groups.Remove(context.Groups.Single(g => g.Id == groups[1]));

        var report = context.EstimatePendingChanges();

        // Group 0 untracked: an UPDATE with its unbounded description and HTML at 8 KiB each (never read); group 1 deleted.
        var tally = report.Tables.Single(t => t.Table == "groups");
        Assert.Equal((1, 1), (tally.Updated, tally.Deleted));
        Assert.True(tally.Bytes > 2 * 2 * 8_192, "both unbounded columns, before and after image");
        Assert.Empty(report.UnknownColumns);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PerChildSaveChangesLoop_OverAWideParent_IsStillStoppedAsAHotRow(bool async)
    {
        using var harness = new BookkeepingHarness(guard: _ => { });
        var id = harness.Seed(groups: 1, postsPerGroup: 40, descriptionBytes: 100 * 1024)[0];
        using var context = harness.Context();
        var group = context.Groups.Include(g => g.Posts).Single();

        var deleted = 0;
        BulkSafetyViolationException? violation = null;
        foreach (var post in group.Posts.ToList())
        {
            context.Posts.Remove(post);
            try
            {
                await context.Save(async);
                deleted++;
            }
            catch (BulkSafetyViolationException exception)
            {
                violation = exception;
                break;
            }
        }

        // Coalescing cannot merge separate SaveChanges: each still rewrites the ~100 KB row (FULL images: 13 weighted
        // rewrites of 120), and the guard stops the loop as before.
        Assert.NotNull(violation);
        Assert.Equal(BulkSafetyRuleIds.HotRow, violation.Report.RuleId);
        Assert.Equal($"groups(Id={id})", Assert.Single(violation.Report.HotRows).Row);
        Assert.InRange(deleted, 5, 12);
        Assert.Equal(40 - deleted, harness.StoredGroup(id).PostsCount);
        harness.AssertCountersMatchRows();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OneSaveChangesForAllChildren_PassesTheGuardItsLoopFails(bool async)
    {
        using var harness = new BookkeepingHarness(guard: _ => { });
        var id = harness.Seed(groups: 1, postsPerGroup: 40, descriptionBytes: 100 * 1024)[0];
        using var context = harness.Context();
        context.Posts.RemoveRange(context.Posts.ToList());
        var estimated = context.EstimatePendingChanges().EstimatedBytes;

        await context.Save(async);

        Assert.Equal(0, harness.StoredGroup(id).PostsCount);
        Assert.Single(harness.Commands.Updates("groups"));

        // The parent's UPDATE runs as ExecuteUpdate, which the bulk-command interceptor leaves to SaveChanges' estimate.
        Assert.Equal(estimated, harness.Ledger.CommittedBytesInWindow);
    }
}
