using BulkSafety.Budgets;
using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Tests.Guard;

/// <summary>
/// The hot-row budget on the incident model: deleting children one SaveChanges at a time rewrites the group row (its
/// counter and timestamp) once per child. A wide row is stopped after a few rewrites; a narrow one is normal traffic.
/// </summary>
public sealed class HotRowTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task PerChildDeleteLoop_OnAWideGroup_IsStoppedAsAHotRow(bool async)
    {
        using var harness = new GuardHarness();
        var id = harness.SeedGroup(descriptionBytes: 50 * 1024, posts: 40, html: new string('h', 55 * 1024));
        using var context = harness.Guarded();
        var group = context.Groups.Include(g => g.Posts).Single(g => g.Id == id);
        var weight = BulkSafetyLedger.Weight(ParentUpdateBytes(context, group));
        var stopsAt = (int)(120 / weight) + 1;

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

        // A rewrite logs the 105 KB row twice, ~215 KB: 14 started 16 KiB blocks. 8 rewrites fit in 120, the 9th is stopped.
        Assert.Equal(14, weight);
        Assert.Equal(9, stopsAt);
        Assert.NotNull(violation);
        Assert.Equal(stopsAt - 1, deleted);
        Assert.Equal(40 - deleted, harness.Count<Post>());
        var report = violation.Report;
        Assert.Equal(BulkSafetyRuleIds.HotRow, report.RuleId);
        var hot = Assert.Single(report.HotRows);
        Assert.Equal($"groups(Id={id})", hot.Row);
        Assert.Equal(stopsAt, hot.Rewrites);
        Assert.Equal(stopsAt * weight, hot.WeightedRewrites);
        Assert.Contains(hot.Rewriters, r => r.Contains("IncidentContext", StringComparison.Ordinal) && r.Contains("posts 1 deleted", StringComparison.Ordinal) && r.Contains("groups 1 updated", StringComparison.Ordinal));
        Assert.Contains($"groups(Id={id})", violation.Message, StringComparison.Ordinal);
        Assert.Contains("set-based", report.SuggestedSafePath, StringComparison.Ordinal);
    }

    [Fact]
    public void PerChildDeleteLoop_OnANarrowGroup_IsNormalTraffic()
    {
        using var harness = new GuardHarness();
        var id = harness.SeedGroup(descriptionBytes: 200, posts: 100);
        using var context = harness.Guarded();
        var group = context.Groups.Include(g => g.Posts).Single(g => g.Id == id);

        foreach (var post in group.Posts.ToList())
        {
            context.Posts.Remove(post);
            context.SaveChanges();
        }

        // 100 rewrites of a row of a few hundred bytes in one minute: each weighs 1, under the default 120.
        Assert.Equal(0, harness.Count<Post>());
        Assert.Equal(100, harness.Ledger.CommittedRewrites(harness.Database, IdentityOf(id)));
    }

    [Fact]
    public void RewritesLeaveTheWindowAfterAMinute()
    {
        using var harness = new GuardHarness(o => o.MaxRewritesPerRowPerMinute = 3);
        var id = harness.SeedGroup(descriptionBytes: 200, posts: 10);
        using var context = harness.Guarded();
        var posts = context.Posts.ToList();
        for (var i = 0; i < 3; i++)
        {
            context.Posts.Remove(posts[i]);
            context.SaveChanges();
        }

        context.Posts.Remove(posts[3]);
        Assert.Equal(BulkSafetyRuleIds.HotRow, Assert.Throws<BulkSafetyViolationException>(() => context.SaveChanges()).Report.RuleId);

        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        context.SaveChanges();
        Assert.Equal(6, harness.Count<Post>());
        Assert.Equal(1, harness.Ledger.CommittedRewrites(harness.Database, IdentityOf(id)));
    }

    private static BulkSafety.Estimation.RowIdentity IdentityOf(long groupId) => new("groups", ["Id"], [groupId]);

    // The log bytes of one child's rewrite of the group: its counter and timestamp, as the SaveChanges override does.
    private static long ParentUpdateBytes(IncidentContext context, Group group)
    {
        group.PostsCount--;
        group.UpdatedAt = group.UpdatedAt.AddTicks(10);
        var bytes = context.EstimatePendingChanges().Tables.Single(t => t.Table == "groups").Bytes;
        context.Entry(group).State = EntityState.Unchanged;
        group.PostsCount++;
        group.UpdatedAt = group.UpdatedAt.AddTicks(-10);
        return bytes;
    }
}
