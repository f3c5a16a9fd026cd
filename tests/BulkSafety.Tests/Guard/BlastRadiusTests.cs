using BulkSafety.Budgets;
using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;
using Microsoft.Extensions.DependencyInjection;

namespace BulkSafety.Tests.Guard;

/// <summary>
/// <see cref="BulkSafetyOptions.MaxTableFraction"/> through the row-count seam: applies where a table's row count is known
/// (the database's own counts: BulkCommands/BlastRadiusTests).
/// </summary>
public sealed class BlastRadiusTests
{
    [Theory]
    [InlineData(5, null)]
    [InlineData(6, BulkSafetyRuleIds.TableFraction)]
    public void DeletingMoreThanTheFraction_IsBlocked(int deletes, string? rule)
    {
        using var harness = new GuardHarness(o => o.MinTableRowsForFraction = 10, services: s => s.AddSingleton<ITableRowCounts>(new Counts("posts", 10)));
        harness.SeedGroup(descriptionBytes: 100, posts: 10);
        using var context = harness.Guarded();
        context.Posts.RemoveRange(context.Posts.Take(deletes).ToList());

        var report = context.EstimatePendingChanges();

        Assert.Equal(rule, report.RuleId);
        if (rule is not null)
        {
            Assert.Equal(0.6, report.Observed);
            Assert.Contains("6 of the 10 rows of posts", report.Detail, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void UnknownRowCount_LeavesTheBudgetOut()
    {
        using var harness = new GuardHarness();
        harness.SeedGroup(descriptionBytes: 100, posts: 10);
        using var context = harness.Guarded();
        context.Posts.RemoveRange(context.Posts.ToList());

        Assert.Null(context.EstimatePendingChanges().RuleId);
    }

    private sealed class Counts(string table, long rows) : ITableRowCounts
    {
        public long? RowCount(string name) => name == table ? rows : null;
    }
}
