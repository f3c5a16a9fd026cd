using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;

namespace BulkSafety.Tests.Guard;

/// <summary>The process-wide bytes-per-minute budget: many small units of work add up, and leave the window after a minute.</summary>
public sealed class WindowTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ManySmallSaveChanges_AreStoppedByTheRollingWindow(bool async)
    {
        const int Allowed = 10;
        var unit = UnitBytes();
        using var harness = new GuardHarness(o => o.MaxBytesPerMinute = (Allowed * unit) + (unit / 2));
        var id = harness.SeedGroup(descriptionBytes: 300);
        using var context = harness.Guarded();

        for (var i = 0; i < Allowed; i++)
        {
            context.Posts.Add(new Post { GroupId = id, Body = "a small post" });
            await context.Save(async);
            harness.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        context.Posts.Add(new Post { GroupId = id, Body = "a small post" });
        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Save(async));

        Assert.Equal(BulkSafetyRuleIds.BytesPerMinute, violation.Report.RuleId);
        Assert.Equal(Allowed * unit, violation.Report.BytesInWindow);
        Assert.Equal(Allowed * unit, harness.Ledger.CommittedBytesInWindow);
        Assert.Equal(Allowed, harness.Count<Post>());

        // Saves happened at 0 s … 9 s; at 60 s the first leaves the window and one more unit fits.
        harness.Clock.Advance(TimeSpan.FromSeconds(50));
        await context.Save(async);
        Assert.Equal(Allowed + 1, harness.Count<Post>());
        Assert.Equal(Allowed * unit, harness.Ledger.CommittedBytesInWindow);
    }

    [Fact]
    public void AfterAQuietMinute_TheWindowIsEmpty()
    {
        using var harness = new GuardHarness();
        var id = harness.SeedGroup(descriptionBytes: 300);
        using (var context = harness.Guarded())
        {
            context.Posts.Add(new Post { GroupId = id, Body = "x" });
            context.SaveChanges();
        }

        Assert.True(harness.Ledger.CommittedBytesInWindow > 0);
        harness.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, harness.Ledger.CommittedBytesInWindow);
    }

    // One post added to a 300-byte group: an INSERT plus the touch of the group row.
    private static long UnitBytes()
    {
        using var harness = new GuardHarness();
        var id = harness.SeedGroup(descriptionBytes: 300);
        using var context = harness.Guarded();
        context.Posts.Add(new Post { GroupId = id, Body = "a small post" });
        context.Groups.Single().PostsCount++;
        context.Groups.Single().UpdatedAt = DateTime.UtcNow;
        return context.EstimatePendingChanges().EstimatedBytes;
    }
}
