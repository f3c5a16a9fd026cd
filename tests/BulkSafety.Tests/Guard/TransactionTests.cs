using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Tests.Guard;

/// <summary>Inside the caller's transaction, work counts toward the window only when the transaction commits.</summary>
public sealed class TransactionTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExplicitTransaction_CountsOnCommit(bool async)
    {
        using var harness = new GuardHarness();
        await using var context = harness.Guarded();
        await using var transaction = async ? await context.Database.BeginTransactionAsync() : context.Database.BeginTransaction();
        context.Groups.Add(new Group { Name = "first", Description = "" });
        var first = context.EstimatePendingChanges().EstimatedBytes;
        await context.Save(async);
        context.Groups.Add(new Group { Name = "second", Description = "" });
        var second = context.EstimatePendingChanges().EstimatedBytes;
        await context.Save(async);

        Assert.Equal(0, harness.Ledger.CommittedBytesInWindow);
        Assert.Equal(first + second, harness.Ledger.PendingBytes);

        if (async)
        {
            await transaction.CommitAsync();
        }
        else
        {
            transaction.Commit();
        }

        Assert.Equal(first + second, harness.Ledger.CommittedBytesInWindow);
        Assert.Equal(0, harness.Ledger.PendingBytes);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ExplicitTransaction_RolledBack_CountsNothing(bool async)
    {
        using var harness = new GuardHarness();
        await using var context = harness.Guarded();
        await using var transaction = async ? await context.Database.BeginTransactionAsync() : context.Database.BeginTransaction();
        context.Groups.Add(new Group { Name = "rolled back", Description = "" });
        await context.Save(async);

        if (async)
        {
            await transaction.RollbackAsync();
        }
        else
        {
            transaction.Rollback();
        }

        Assert.Equal(0, harness.Ledger.CommittedBytesInWindow);
        Assert.Equal(0, harness.Ledger.PendingBytes);
        Assert.Equal(0, harness.Count<Group>());
    }

    [Fact]
    public void PendingTransactionWork_CountsTowardTheBudgetsOfOthers()
    {
        using var harness = new GuardHarness(o => o.MaxBytesPerMinute = 3_000);
        using var writer = harness.Guarded();
        using var transaction = writer.Database.BeginTransaction();
        writer.Groups.Add(new Group { Name = "big", Description = new string('x', 1_000) });
        writer.SaveChanges();

        using var other = harness.Guarded();
        other.Groups.Add(new Group { Name = "other", Description = new string('y', 100) });
        var report = other.EstimatePendingChanges();

        // Each unit fits alone; together they exceed 3,000 B while the first is still uncommitted.
        Assert.Equal(harness.Ledger.PendingBytes, report.BytesInWindow);
        Assert.True(report.EstimatedBytes < 3_000 && report.BytesInWindow < 3_000);
        Assert.Equal(BulkSafetyRuleIds.BytesPerMinute, report.RuleId);
    }
}
