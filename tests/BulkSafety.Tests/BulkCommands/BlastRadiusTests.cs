using BulkSafety.SafePaths;
using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Tests.BulkCommands;

/// <summary>
/// <see cref="BulkSafetyOptions.MaxTableFraction"/> with the database's own row counts (SQLite: COUNT(*)): the filter
/// that accidentally matches everything — an empty id list that became no filter, <c>Where(x =&gt; true)</c> — is
/// blocked; small deletes on a big table, and any delete on a table below <see cref="BulkSafetyOptions.MinTableRowsForFraction"/>
/// rows, pass.
/// </summary>
public sealed class BlastRadiusTests
{
    private const int BigTable = 1_200;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task EmptyIdListThatBecameNoFilter_IsBlocked(bool async)
    {
        using var harness = new GuardHarness();
        harness.SeedGroup(descriptionBytes: 10, posts: BigTable);
        await using var context = harness.Guarded();
        List<long> spamIds = [];

        // The bug: "no ids" was meant as "nothing to delete".
        var query = spamIds.Count == 0 ? context.Posts : context.Posts.Where(p => spamIds.Contains(p.Id));
        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => query.Delete(async));

        Assert.Equal(BulkSafetyRuleIds.TableFraction, violation.Report.RuleId);
        Assert.Equal(1.0, violation.Report.Observed);
        Assert.Contains($"this ExecuteDelete would update or delete 1,200 of the 1,200 rows of posts", violation.Report.Detail, StringComparison.Ordinal);
        Assert.Equal(BigTable, harness.Count<Post>());
    }

    [Fact]
    public async Task IntendedDeleteOfEveryRow_IsToldHowToRunIt_AndRunsThatWay()
    {
        using var harness = new GuardHarness();
        harness.SeedGroup(descriptionBytes: 10, posts: BigTable);
        await using var context = harness.Guarded();

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Posts.ExecuteDeleteAsync());

        // The advice leads with the intended case, and following it deletes every row.
        Assert.StartsWith("If the mass change is intended, run it as a batched job", violation.Report.SuggestedSafePath, StringComparison.Ordinal);
        Assert.Contains("DeleteInBatchesAsync", violation.Report.SuggestedSafePath, StringComparison.Ordinal);
        Assert.Contains("BulkSafetyScope.Allow", violation.Report.SuggestedSafePath, StringComparison.Ordinal);
        using (BulkSafetyScope.Allow("purge every post"))
        {
            await context.Posts.DeleteInBatchesAsync();
        }

        Assert.Equal(0, harness.Count<Post>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FilterThatMatchesEverything_IsBlockedForUpdatesToo(bool async)
    {
        using var harness = new GuardHarness();
        harness.SeedGroup(descriptionBytes: 10, posts: BigTable);
        await using var context = harness.Guarded();

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(
            () => context.Posts.Where(p => true).Update(s => s.SetProperty(p => p.Body, "redacted"), async));

        Assert.Equal(BulkSafetyRuleIds.TableFraction, violation.Report.RuleId);
        Assert.DoesNotContain(harness.Unguarded().Posts, p => p.Body == "redacted");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SmallDeleteOnABigTable_Passes(bool async)
    {
        using var harness = new GuardHarness();
        harness.SeedGroup(descriptionBytes: 10, posts: BigTable);
        await using var context = harness.Guarded();

        Assert.Equal(5, await context.Posts.Where(p => p.Id <= 5).Delete(async));
        Assert.Equal(BigTable - 5, harness.Count<Post>());
    }

    [Theory]
    [InlineData(600, true)]
    [InlineData(601, false)]
    public async Task ExactlyTheFraction_Passes_OneRowMore_DoesNot(int deletes, bool passes)
    {
        using var harness = new GuardHarness();
        harness.SeedGroup(descriptionBytes: 10, posts: BigTable);
        await using var context = harness.Guarded();

        var error = await Record.ExceptionAsync(() => context.Posts.Where(p => p.Id <= deletes).Delete(async: true));

        Assert.Equal(passes, error is null);
        Assert.Equal(passes ? BigTable - deletes : BigTable, harness.Count<Post>());
    }

    [Theory]
    [InlineData(1_000, false)]
    [InlineData(0, true)]
    public async Task SmallTable_IsBelowTheMinimumUnlessConfigured(long minimum, bool blocked)
    {
        using var harness = new GuardHarness(o => o.MinTableRowsForFraction = minimum);
        harness.SeedGroup(descriptionBytes: 10, posts: 3);
        await using var context = harness.Guarded();

        var error = await Record.ExceptionAsync(() => context.Posts.Where(p => p.Id <= 2).Delete(async: true));

        Assert.Equal(blocked, error is BulkSafetyViolationException { Report.RuleId: BulkSafetyRuleIds.TableFraction });
        Assert.Equal(blocked ? 3 : 1, harness.Count<Post>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SaveChanges_RemovingMostOfABigTable_IsBlockedWithTheDatabasesCount(bool async)
    {
        using var harness = new GuardHarness(o => o.MaxRowsPerUnitOfWork = 100_000);
        harness.SeedGroup(descriptionBytes: 10, posts: BigTable);
        await using var context = harness.Guarded();
        context.Posts.RemoveRange(context.Posts.Where(p => p.Id <= 700).ToList());

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Save(async));

        Assert.Equal(BulkSafetyRuleIds.TableFraction, violation.Report.RuleId);
        Assert.Contains("700 of the 1,200 rows of posts", violation.Report.Detail, StringComparison.Ordinal);
        Assert.Equal(BigTable, harness.Count<Post>());
    }

    [Fact]
    public void SaveChanges_InsideItsTransaction_CountsTheRowsTheTransactionSees()
    {
        using var harness = new GuardHarness();
        harness.SeedGroup(descriptionBytes: 10, posts: 700);
        using var context = harness.Guarded();
        using var transaction = context.Database.BeginTransaction();
        context.Database.ExecuteSqlRaw("INSERT INTO posts (GroupId, AuthorId, Body, CreatedAt) SELECT GroupId, AuthorId, Body, CreatedAt FROM posts");
        context.Posts.RemoveRange(context.Posts.Where(p => p.Id <= 600).ToList());

        // 600 of the 1,400 rows the transaction sees: within the fraction (600 of the 700 committed ones would not be).
        Assert.Null(context.EstimatePendingChanges().RuleId);
    }
}
