using BulkSafety.Interception;
using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;
using Microsoft.Extensions.Logging;

namespace BulkSafety.Tests.Guard;

/// <summary>Warn lets over-budget work through with a log; Throttle waits (bounded, cancellable) for room in the window.</summary>
public sealed class ModeTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Warn_LetsTheWorkThroughAndLogsTheViolation(bool async)
    {
        using var harness = new GuardHarness(o =>
        {
            o.Mode = BulkSafetyMode.Warn;
            o.MaxRowsPerUnitOfWork = 2;
        });
        using var context = harness.Guarded();
        context.Groups.AddRange(NewGroups(3));
        var estimate = context.EstimatePendingChanges().EstimatedBytes;

        await context.Save(async);

        Assert.Equal(3, harness.Count<Group>());
        Assert.Equal(estimate, harness.Ledger.CommittedBytesInWindow);
        var error = Assert.Single(harness.Log.Entries, e => e.EventId.Id == GuardLog.BudgetExceededId);
        Assert.Equal(LogLevel.Error, error.Level);
        Assert.Contains("BS9002 let through (Warn mode)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Warn_CountsWindowViolationsTooAndKeepsRecording()
    {
        using var harness = new GuardHarness(o =>
        {
            o.Mode = BulkSafetyMode.Warn;
            o.MaxBytesPerMinute = 1_000;
        });
        using var context = harness.Guarded();
        long total = 0;
        for (var i = 0; i < 5; i++)
        {
            context.Groups.AddRange(NewGroups(1));
            total += context.EstimatePendingChanges().EstimatedBytes;
            context.SaveChanges();
        }

        Assert.Equal(5, harness.Count<Group>());
        Assert.Equal(total, harness.Ledger.CommittedBytesInWindow);
        Assert.Contains(harness.Log.Entries, e => e.EventId.Id == GuardLog.BudgetExceededId && e.Message.Contains(BulkSafetyRuleIds.BytesPerMinute, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Throttle_WaitsUntilTheWindowHasRoom(bool async)
    {
        var unit = OneGroupBytes();
        using var harness = new GuardHarness(o =>
        {
            o.Mode = BulkSafetyMode.Throttle;
            o.MaxBytesPerMinute = unit + (unit / 2);
        });
        using var context = harness.Guarded();
        context.Groups.AddRange(NewGroups(1));
        context.SaveChanges();
        harness.Clock.Advance(TimeSpan.FromSeconds(20));
        context.Groups.AddRange(NewGroups(1));

        var saving = Task.Run(() => context.Save(async));
        await WaitForLog(harness, GuardLog.ThrottlingId);

        Assert.False(saving.IsCompleted);
        Assert.Equal(1, harness.Count<Group>());
        var throttling = harness.Log.Entries.First(e => e.EventId.Id == GuardLog.ThrottlingId);
        Assert.Equal(LogLevel.Warning, throttling.Level);
        Assert.Contains("40 s", throttling.Message, StringComparison.Ordinal);

        harness.Clock.Advance(TimeSpan.FromSeconds(40));
        await saving;
        Assert.Equal(2, harness.Count<Group>());
        Assert.Equal(unit, harness.Ledger.CommittedBytesInWindow);
    }

    [Fact]
    public async Task Throttle_IsCancellable_AndWritesNothing()
    {
        var unit = OneGroupBytes();
        using var harness = new GuardHarness(o =>
        {
            o.Mode = BulkSafetyMode.Throttle;
            o.MaxBytesPerMinute = unit + (unit / 2);
        });
        await using var context = harness.Guarded();
        context.Groups.AddRange(NewGroups(1));
        await context.SaveChangesAsync();
        context.Groups.AddRange(NewGroups(1));
        using var cancellation = new CancellationTokenSource();

        var saving = context.SaveChangesAsync(cancellation.Token);
        await WaitForLog(harness, GuardLog.ThrottlingId);
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => saving);
        Assert.Equal(1, harness.Count<Group>());
        Assert.Equal(unit, harness.Ledger.CommittedBytesInWindow);
        Assert.Equal(0, harness.Ledger.PendingBytes);
    }

    [Fact]
    public void Throttle_BlocksWhatNoWaitCanFit()
    {
        using var harness = new GuardHarness(o =>
        {
            o.Mode = BulkSafetyMode.Throttle;
            o.MaxBytesPerMinute = 100;
        });
        using var context = harness.Guarded();
        context.Groups.AddRange(NewGroups(1));

        var violation = Assert.Throws<BulkSafetyViolationException>(() => context.SaveChanges());

        Assert.Equal(BulkSafetyRuleIds.BytesPerMinute, violation.Report.RuleId);
        Assert.DoesNotContain(harness.Log.Entries, e => e.EventId.Id == GuardLog.ThrottlingId);
    }

    [Fact]
    public void Throttle_BlocksAUnitOfWorkOverItsOwnBudget()
    {
        using var harness = new GuardHarness(o =>
        {
            o.Mode = BulkSafetyMode.Throttle;
            o.MaxRowsPerUnitOfWork = 1;
        });
        using var context = harness.Guarded();
        context.Groups.AddRange(NewGroups(2));

        Assert.Equal(BulkSafetyRuleIds.UnitOfWorkRows, Assert.Throws<BulkSafetyViolationException>(() => context.SaveChanges()).Report.RuleId);
    }

    [Fact]
    public async Task Throttle_PacesAHotRow()
    {
        using var harness = new GuardHarness(o =>
        {
            o.Mode = BulkSafetyMode.Throttle;
            o.MaxRewritesPerRowPerMinute = 2;
        });
        var id = harness.SeedGroup(descriptionBytes: 100);
        await using var context = harness.Guarded();
        var group = context.Groups.Single(g => g.Id == id);
        for (var i = 0; i < 2; i++)
        {
            group.Name = $"rename {i}";
            await context.SaveChangesAsync();
            harness.Clock.Advance(TimeSpan.FromSeconds(10));
        }

        group.Name = "third rename";
        var saving = context.SaveChangesAsync();
        await WaitForLog(harness, GuardLog.ThrottlingId);
        Assert.False(saving.IsCompleted);

        harness.Clock.Advance(TimeSpan.FromSeconds(40));
        await saving;
        Assert.Equal("third rename", harness.Unguarded().Groups.Single().Name);
    }

    private static IEnumerable<Group> NewGroups(int count)
        => Enumerable.Range(0, count).Select(i => new Group { Name = $"group {i}", Description = "new" });

    private static long OneGroupBytes()
    {
        using var harness = new GuardHarness();
        using var context = harness.Guarded();
        context.Groups.AddRange(NewGroups(1));
        return context.EstimatePendingChanges().EstimatedBytes;
    }

    // The throttled SaveChanges runs on another thread; wait until it has logged that it waits (not a timing assertion).
    private static async Task WaitForLog(GuardHarness harness, int eventId)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!harness.Log.Entries.Any(e => e.EventId.Id == eventId))
        {
            await Task.Delay(10, timeout.Token);
        }
    }
}
