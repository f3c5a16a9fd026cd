using BulkSafety.Interception;
using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;

namespace BulkSafety.Tests.BulkCommands;

/// <summary>
/// Raw DELETE/UPDATE through <c>ExecuteSql</c> are estimated like ExecuteDelete/ExecuteUpdate; SQL the guard cannot read
/// (a CTE, several statements, a table outside the model) is handled by <see cref="BulkSafetyOptions.OnUnknown"/>, whose
/// default blocks it in Enforce mode.
/// </summary>
public sealed class RawSqlTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task RawDelete_WithParameters_IsEstimatedAndBlockedOverBudget(bool async)
    {
        using var harness = new GuardHarness(o => o.MaxRowsPerUnitOfWork = 3);
        var group = harness.SeedGroup(descriptionBytes: 10, posts: 4);
        await using var context = harness.Guarded();

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Sql("DELETE FROM posts WHERE GroupId = {0} AND AuthorId >= {1}", async, group, 0));

        Assert.Equal(BulkSafetyRuleIds.UnitOfWorkRows, violation.Report.RuleId);
        Assert.Equal("raw DELETE", violation.Report.Operation);
        Assert.Equal(4, violation.Report.Rows);
        Assert.Equal(4, harness.Count<Post>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task InterpolatedUpdate_WithinBudget_Runs(bool async)
    {
        using var harness = new GuardHarness();
        var group = harness.SeedGroup(descriptionBytes: 10, posts: 4);
        await using var context = harness.Guarded();
        var body = "edited";

        var updated = async
            ? await context.Database.ExecuteSqlAsync($"UPDATE posts SET Body = {body} WHERE GroupId = {group}")
            : context.Database.ExecuteSql($"UPDATE posts SET Body = {body} WHERE GroupId = {group}");

        Assert.Equal(4, updated);
        Assert.All(harness.Unguarded().Posts, p => Assert.Equal("edited", p.Body));
        Assert.Contains("raw UPDATE of IncidentContext will write 4 rows", harness.Single(GuardLog.UnitOfWorkEstimatedId).Message, StringComparison.Ordinal);
        Assert.True(harness.Ledger.CommittedBytesInWindow > 0);
    }

    [Theory]
    [InlineData("WITH old AS (SELECT Id FROM posts) DELETE FROM posts WHERE Id IN old", "WITH")]
    [InlineData("DELETE FROM posts WHERE Id = 1; DELETE FROM groups", "more than one statement")]
    [InlineData("DELETE FROM sqlite_sequence", "not mapped in the EF model")]
    [InlineData("DELETE FROM posts WHERE NoSuchColumn = 1", "no such column: NoSuchColumn")]
    public async Task UnreadableSql_IsBlockedByDefault_AndNothingRuns(string sql, string reason)
    {
        using var harness = new GuardHarness();
        harness.SeedGroup(descriptionBytes: 10, posts: 2);
        await using var context = harness.Guarded();

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Database.ExecuteSqlRawAsync(sql));

        Assert.Equal(BulkSafetyRuleIds.UnknownCost, violation.Report.RuleId);
        Assert.Contains(reason, violation.Report.Detail, StringComparison.Ordinal);
        Assert.Equal(2, harness.Count<Post>());
        var warning = harness.Single(GuardLog.CommandNotEstimatedId);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("OnUnknown = AssumeConservative", warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(UnknownCostPolicy.AssumeConservative, BulkSafetyMode.Enforce, true)]
    [InlineData(UnknownCostPolicy.Block, BulkSafetyMode.Enforce, true)]
    [InlineData(UnknownCostPolicy.Allow, BulkSafetyMode.Enforce, false)]
    [InlineData(UnknownCostPolicy.Block, BulkSafetyMode.Warn, false)]
    [InlineData(UnknownCostPolicy.Block, BulkSafetyMode.Throttle, true)]
    public void UnreadableSql_FollowsThePolicyAndMode(UnknownCostPolicy policy, BulkSafetyMode mode, bool blocked)
    {
        using var harness = new GuardHarness(o =>
        {
            o.OnUnknown = policy;
            o.Mode = mode;
        });
        harness.SeedGroup(descriptionBytes: 10, posts: 2);
        using var context = harness.Guarded();

        var error = Record.Exception(() => context.Database.ExecuteSqlRaw("WITH old AS (SELECT Id FROM posts) DELETE FROM posts WHERE Id IN old"));

        Assert.Equal(blocked, error is BulkSafetyViolationException { Report.RuleId: BulkSafetyRuleIds.UnknownCost });
        Assert.Equal(blocked ? 2 : 0, harness.Count<Post>());
        Assert.Equal(0, harness.Ledger.CommittedBytesInWindow);
        Assert.Equal(mode == BulkSafetyMode.Warn, harness.Log.Entries.Any(e => e.EventId.Id == GuardLog.BudgetExceededId && e.Message.Contains("let through", StringComparison.Ordinal)));
    }

    [Fact]
    public void UnreadableSql_InsideAnAllowance_Runs()
    {
        using var harness = new GuardHarness();
        harness.SeedGroup(descriptionBytes: 10, posts: 2);
        using var context = harness.Guarded();

        using (BulkSafetyScope.Allow("purge #42"))
        {
            context.Database.ExecuteSqlRaw("WITH old AS (SELECT Id FROM posts) DELETE FROM posts WHERE Id IN old");
        }

        Assert.Equal(0, harness.Count<Post>());
        Assert.Contains("purge #42", harness.Single(GuardLog.AllowanceUsedId).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RawSelect_WithWriteWordsInItsText_IsNotEstimated()
    {
        using var harness = new GuardHarness(o => o.OnUnknown = UnknownCostPolicy.Block);
        harness.SeedGroup(descriptionBytes: 10, posts: 2);
        using var context = harness.Guarded();

        var posts = context.Posts.FromSqlRaw("SELECT * FROM posts WHERE Body <> 'DELETE FROM posts' /* UPDATE */").ToList();

        Assert.Equal(2, posts.Count);
        Assert.Empty(harness.Log.Entries);
    }
}
