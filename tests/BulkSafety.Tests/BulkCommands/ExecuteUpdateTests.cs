using BulkSafety.Interception;
using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Tests.BulkCommands;

/// <summary>
/// <c>ExecuteUpdate</c> on SQLite: the stored row (its untouched wide text included) is what FULL row images log, the
/// assigned values are sized from the command's parameters, and an update of one row by its key is a rewrite of that
/// row for the hot-row budget — the incident's per-child parent update, written with ExecuteUpdate.
/// </summary>
public sealed class ExecuteUpdateTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CounterUpdate_OfWideRows_IsPricedAtTheirStoredText(bool async)
    {
        using var harness = new GuardHarness(o => o.MaxBytesPerUnitOfWork = 150_000);
        harness.SeedGroup(descriptionBytes: 50_000);
        harness.SeedGroup(descriptionBytes: 50_000);
        await using var context = harness.Guarded();

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(
            () => context.Groups.Update(s => s.SetProperty(g => g.PostsCount, g => g.PostsCount - 1), async));

        // FULL images: before and after of two 50 KB rows, although only the counter changes.
        Assert.Equal(BulkSafetyRuleIds.UnitOfWorkBytes, violation.Report.RuleId);
        Assert.Equal("ExecuteUpdate", violation.Report.Operation);
        Assert.InRange(violation.Report.EstimatedBytes, 200_000, 205_000);
        Assert.Equal(2, Assert.Single(violation.Report.Tables).Updated);
        Assert.Equal(0, harness.Unguarded().Groups.Sum(g => g.PostsCount));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AssignedText_IsSizedFromTheParameter(bool async)
    {
        using var harness = new GuardHarness(o => o.MaxBytesPerUnitOfWork = 100_000);
        harness.SeedGroup(descriptionBytes: 10);
        await using var context = harness.Guarded();
        var description = new string('x', 120_000);

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(
            () => context.Groups.Update(s => s.SetProperty(g => g.Description, description), async));

        Assert.InRange(violation.Report.EstimatedBytes, 120_000, 121_000);
        Assert.Equal(10, harness.Unguarded().Groups.Single().Description.Length);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ParentUpdatedOncePerChild_BecomesAHotRow(bool async)
    {
        using var harness = new GuardHarness(o => o.MaxRewritesPerRowPerMinute = 3);
        var group = harness.SeedGroup(descriptionBytes: 100, posts: 5);
        harness.SeedGroup(descriptionBytes: 100);
        await using var context = harness.Guarded();

        for (var i = 0; i < 3; i++)
        {
            await context.Groups.Where(g => g.Id == group).Update(s => s.SetProperty(g => g.PostsCount, g => g.PostsCount - 1), async);
        }

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(
            () => context.Groups.Where(g => g.Id == group).Update(s => s.SetProperty(g => g.PostsCount, g => g.PostsCount - 1), async));
        await context.Groups.Where(g => g.Id == group + 1).Update(s => s.SetProperty(g => g.PostsCount, g => g.PostsCount - 1), async);

        Assert.Equal(BulkSafetyRuleIds.HotRow, violation.Report.RuleId);
        Assert.Equal($"groups(Id={group})", Assert.Single(violation.Report.HotRows).Row);
        Assert.Equal(4, violation.Report.HotRows[0].Rewrites);
        Assert.Equal(2, harness.Unguarded().Groups.Single(g => g.Id == group).PostsCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task UpdateOfManyRows_IsNoRewriteOfOne(bool async)
    {
        using var harness = new GuardHarness(o => o.MaxRewritesPerRowPerMinute = 1);
        harness.SeedGroup(descriptionBytes: 100);
        harness.SeedGroup(descriptionBytes: 100);
        await using var context = harness.Guarded();

        for (var i = 0; i < 3; i++)
        {
            await context.Groups.Where(g => g.Name == "spam").Update(s => s.SetProperty(g => g.PostsCount, g => g.PostsCount + 1), async);
        }

        Assert.All(harness.Unguarded().Groups, g => Assert.Equal(3, g.PostsCount));
        Assert.Equal(3, harness.Log.Entries.Count(e => e.EventId.Id == GuardLog.UnitOfWorkEstimatedId));
    }
}
