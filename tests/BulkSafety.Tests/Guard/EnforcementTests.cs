using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Tests.Guard;

/// <summary>Enforce mode: a unit of work over budget throws before any command, and only committed work counts.</summary>
public sealed class EnforcementTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OverRowBudget_ThrowsAndWritesNothing(bool async)
    {
        using var harness = new GuardHarness(o => o.MaxRowsPerUnitOfWork = 5);
        var id = harness.SeedGroup(descriptionBytes: 100);
        using var context = harness.Guarded();
        context.Posts.AddRange(Enumerable.Range(0, 6).Select(i => new Post { GroupId = id, Body = $"post {i}" }));

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Save(async));

        Assert.Equal(BulkSafetyRuleIds.UnitOfWorkRows, violation.Report.RuleId);
        Assert.Equal(0, harness.Count<Post>());
        Assert.Equal(6, context.ChangeTracker.Entries<Post>().Count(e => e.State == EntityState.Added));
        Assert.Equal(0, harness.Ledger.CommittedBytesInWindow + harness.Ledger.PendingBytes);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task OverByteBudget_ThrowsWithThePerTableReport(bool async)
    {
        using var harness = new GuardHarness(o => o.MaxBytesPerUnitOfWork = 50_000);
        var id = harness.SeedGroup(descriptionBytes: 40_000);
        using var context = harness.Guarded();
        context.Posts.Add(new Post { GroupId = id, Body = "one more post" });

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Save(async));

        var report = violation.Report;
        Assert.Equal(BulkSafetyRuleIds.UnitOfWorkBytes, report.RuleId);
        Assert.Equal(nameof(BulkSafetyOptions.MaxBytesPerUnitOfWork), report.BudgetName);
        Assert.Equal(["groups", "posts"], report.Tables.Select(t => t.Table));
        Assert.True(report.Tables[0].Share > 0.95, "the touched 40 KB group row dominates");
        Assert.Equal(1.0, report.Tables.Sum(t => t.Share) + ((double)report.TransactionOverheadBytes / report.EstimatedBytes), 6);
        Assert.Contains("BS9001", violation.Message, StringComparison.Ordinal);
        Assert.Contains("groups", violation.Message, StringComparison.Ordinal);
        Assert.Contains("Nothing was written", violation.Message, StringComparison.Ordinal);
        Assert.Equal(0, harness.Count<Post>());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WithinBudget_SavesAndCountsTheCommittedBytes(bool async)
    {
        using var harness = new GuardHarness();
        var id = harness.SeedGroup(descriptionBytes: 100);
        using var context = harness.Guarded();
        context.Groups.Single(g => g.Id == id).Name = "renamed";
        var estimate = context.EstimatePendingChanges().EstimatedBytes;

        await context.Save(async);

        Assert.Equal("renamed", harness.Unguarded().Groups.Single().Name);
        Assert.True(estimate > 0);
        Assert.Equal(estimate, harness.Ledger.CommittedBytesInWindow);
        Assert.Equal(0, harness.Ledger.PendingBytes);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task FailedSaveChanges_ConsumesNothing(bool async)
    {
        using var harness = new GuardHarness();
        var id = harness.SeedGroup(descriptionBytes: 100, posts: 1);
        using var context = harness.Guarded();
        var existing = harness.Unguarded().Posts.Single().Id;
        context.Posts.Add(new Post { Id = existing, GroupId = id, Body = "duplicate key" });

        await Assert.ThrowsAsync<DbUpdateException>(() => context.Save(async));

        Assert.Equal(0, harness.Ledger.CommittedBytesInWindow);
        Assert.Equal(0, harness.Ledger.PendingBytes);
    }

    [Fact]
    public void NothingToSave_IsNotRecorded()
    {
        using var harness = new GuardHarness();
        harness.SeedGroup(descriptionBytes: 100);
        using var context = harness.Guarded();
        _ = context.Groups.ToList();

        context.SaveChanges();

        Assert.Equal(0, harness.Ledger.CommittedBytesInWindow);
    }
}
