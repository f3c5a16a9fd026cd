using BulkSafety.Estimation;
using BulkSafety.Interception;
using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Tests.BulkCommands;

/// <summary>
/// <c>ExecuteDelete</c> on SQLite: estimated before it runs from a COUNT probe with the command's own predicate and
/// parameters and from the stored sizes of the rows it matches; blocked over budget with nothing deleted; recorded in
/// the window when it runs.
/// </summary>
public sealed class ExecuteDeleteTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OverTheRowBudget_IsBlockedBeforeAnyRowIsDeleted(bool async)
    {
        using var harness = new GuardHarness(o => o.MaxRowsPerUnitOfWork = 5);
        var group = harness.SeedGroup(descriptionBytes: 100, posts: 8);
        harness.SeedGroup(descriptionBytes: 100, posts: 3);
        await using var context = harness.Guarded();

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Posts.Where(p => p.GroupId == group).Delete(async));

        Assert.Equal(11, harness.Count<Post>());
        var report = violation.Report;
        Assert.Equal(BulkSafetyRuleIds.UnitOfWorkRows, report.RuleId);
        Assert.Equal("ExecuteDelete", report.Operation);
        Assert.Equal(8, report.Rows);
        var posts = Assert.Single(report.Tables);
        Assert.Equal(("posts", 0, 0, 8), (posts.Table, posts.Inserted, posts.Updated, posts.Deleted));
        Assert.StartsWith("COUNT(*) over the statement's predicate", report.Basis, StringComparison.Ordinal);
        Assert.Contains("BS9002: this ExecuteDelete would write 8 rows", violation.Message, StringComparison.Ordinal);
        Assert.EndsWith("Nothing was written; the command was not executed.", violation.Message, StringComparison.Ordinal);
        Assert.Equal(0, harness.Ledger.PendingBytes + harness.Ledger.CommittedBytesInWindow);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WithinBudget_RunsAndIsRecordedAtTheStoredSizes(bool async)
    {
        var spy = new CommandSpy();
        using var harness = new GuardHarness(interceptors: spy);
        var wide = harness.SeedGroup(descriptionBytes: 30_000);
        harness.SeedGroup(descriptionBytes: 10_000);
        harness.SeedGroup(descriptionBytes: 5);
        await using var context = harness.Guarded();

        var deleted = await context.Groups.Where(g => g.Id <= wide + 1).Delete(async);

        Assert.Equal(2, deleted);
        Assert.Equal(1, harness.Count<Group>());
        var expected = BulkExecution.ExpectedDeleteBytes<Group>(context, BulkExecution.Defaults(), 2, spy.LastText, new Dictionary<string, ColumnValue>
        {
            ["Name"] = ColumnValue.OfLength(4),
            ["Description"] = ColumnValue.OfLength(20_000),
            ["DescriptionHtml"] = ColumnValue.Null,
        });
        Assert.Equal(expected, harness.Ledger.CommittedBytesInWindow);
        Assert.True(expected > 40_000, "the wide descriptions, measured in the database, dominate the estimate");
        Assert.Equal(0, harness.Ledger.PendingBytes);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OverTheByteBudget_BecauseOfStoredText_IsBlocked(bool async)
    {
        using var harness = new GuardHarness(o => o.MaxBytesPerUnitOfWork = 100_000);
        harness.SeedGroup(descriptionBytes: 60_000);
        harness.SeedGroup(descriptionBytes: 60_000);
        await using var context = harness.Guarded();

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Groups.Where(g => g.Name == "spam").Delete(async));

        Assert.Equal(BulkSafetyRuleIds.UnitOfWorkBytes, violation.Report.RuleId);
        Assert.InRange(violation.Report.EstimatedBytes, 120_000, 125_000);
        Assert.Equal(2, harness.Count<Group>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TheCommandsParameters_AreUsedByTheProbeAndReturnedToTheCommand(bool async)
    {
        var spy = new CommandSpy();
        using var harness = new GuardHarness(interceptors: spy);
        harness.SeedGroup(descriptionBytes: 10, posts: 6);
        await using var context = harness.Guarded();
        List<long> ids = [2, 4, 5];

        var deleted = await context.Posts.Where(p => ids.Contains(p.Id)).Delete(async);

        Assert.Equal(3, deleted);
        Assert.Equal([1L, 3L, 6L], harness.Unguarded().Posts.Select(p => p.Id).OrderBy(id => id).ToArray());
#if EF_BEFORE_10
        // EF Core 8 and 9 send the list as one JSON parameter; EF Core 10 as one parameter per element.
        Assert.Equal(["@__ids_0=[2,4,5]"], spy.Commands[^1].Parameters);
#else
        Assert.Equal(["@ids1=2", "@ids2=4", "@ids3=5"], spy.Commands[^1].Parameters);
#endif
        var estimated = harness.Single(GuardLog.UnitOfWorkEstimatedId);
        Assert.Contains("ExecuteDelete of IncidentContext will write 3 rows", estimated.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task MatchingNothing_WritesNothingAndCountsNothing(bool async)
    {
        using var harness = new GuardHarness(o => o.MaxRowsPerUnitOfWork = 1);
        harness.SeedGroup(descriptionBytes: 10, posts: 3);
        await using var context = harness.Guarded();

        Assert.Equal(0, await context.Posts.Where(p => p.AuthorId > 100).Delete(async));
        Assert.Equal(0, harness.Ledger.CommittedBytesInWindow);
        Assert.False(harness.Logged(GuardLog.UnitOfWorkEstimatedId));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OrdinaryCommands_AreNotEstimated(bool async)
    {
        using var harness = new GuardHarness(o => o.MaxRowsPerUnitOfWork = 1);
        harness.SeedGroup(descriptionBytes: 10, posts: 3);
        await using var context = harness.Guarded();

        var posts = async ? await context.Posts.ToListAsync() : [.. context.Posts];
        await context.Sql("INSERT INTO posts (GroupId, AuthorId, Body, CreatedAt) SELECT GroupId, AuthorId, 'DELETE me', CreatedAt FROM posts", async);
        var counted = context.Database.SqlQueryRaw<int>("SELECT COUNT(*) AS Value FROM posts WHERE Body <> 'UPDATE'").Single();

        Assert.Equal(3, posts.Count);
        Assert.Equal(6L, (long)counted);
        Assert.DoesNotContain(harness.Log.Entries, e => e.EventId.Id is GuardLog.UnitOfWorkEstimatedId or GuardLog.CommandNotEstimatedId);
    }
}
