using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;

namespace BulkSafety.Tests.Guard;

/// <summary>The process-wide ledger with many contexts saving at once.</summary>
public sealed class ConcurrencyTests
{
    private const int Contexts = 16;

    [Fact]
    public async Task ParallelContexts_AreAllCountedExactlyOnce()
    {
        const int SavesEach = 20;
        using var harness = new GuardHarness(parallelWriters: true);
        long expected = 0;

        await Task.WhenAll(Enumerable.Range(0, Contexts).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < SavesEach; i++)
            {
                await using var context = harness.Guarded();
                context.Groups.Add(new Group { Name = $"w{worker}-{i}", Description = new string('x', 100 + worker) });
                Interlocked.Add(ref expected, context.EstimatePendingChanges().EstimatedBytes);
                await context.SaveChangesAsync();
            }
        })));

        Assert.Equal(Contexts * SavesEach, harness.Count<Group>());
        Assert.Equal(expected, harness.Ledger.CommittedBytesInWindow);
        Assert.Equal(0, harness.Ledger.PendingBytes);
    }

    [Fact]
    public async Task ParallelContexts_CannotJointlyOvershootTheWindow()
    {
        var unit = UnitBytes();
        const int Fit = 5;
        using var harness = new GuardHarness(o => o.MaxBytesPerMinute = (Fit * unit) + (unit / 2), parallelWriters: true);
        var start = new TaskCompletionSource();

        var workers = Enumerable.Range(0, Contexts).Select(worker => Task.Run(async () =>
        {
            await start.Task;
            await using var context = harness.Guarded();
            context.Groups.Add(NewGroup(worker));
            try
            {
                await context.SaveChangesAsync();
                return true;
            }
            catch (BulkSafetyViolationException)
            {
                return false;
            }
        })).ToArray();
        start.SetResult();
        var outcomes = await Task.WhenAll(workers);

        Assert.Equal(Fit, outcomes.Count(saved => saved));
        Assert.Equal(Fit, harness.Count<Group>());
        Assert.Equal(Fit * unit, harness.Ledger.CommittedBytesInWindow);
    }

    // Same-width rows: every unit of work has the same estimate.
    private static Group NewGroup(int worker) => new() { Name = $"w{worker:D2}", Description = "same size" };

    private static long UnitBytes()
    {
        using var harness = new GuardHarness();
        using var context = harness.Guarded();
        context.Groups.Add(NewGroup(0));
        return context.EstimatePendingChanges().EstimatedBytes;
    }
}
