using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BulkSafety.Tests.Guard;

/// <summary>
/// The guard judges the unit of work on the state EF saves: after EF's own change detection (so later SavingChanges
/// interceptors' edits count), or as it stands when automatic detection is off.
/// </summary>
public sealed class DetectionTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ChangesMadeByALaterInterceptor_AreJudged(bool async)
    {
        using var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        var options = new DbContextOptionsBuilder<IncidentContext>()
            .UseSqlite(connection)
            .UseBulkSafety(o => o.MaxRowsPerUnitOfWork = 1)
            .AddInterceptors(new AddsAGroup())
            .Options;
        await using var context = new IncidentContext(options);
        await context.Database.EnsureCreatedAsync();
        context.Groups.Add(new Group { Name = "mine", Description = "" });

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Save(async));

        Assert.Equal(2, violation.Report.Rows);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WithAutomaticDetectionOff_TheTrackedStateIsJudged(bool async)
    {
        using var harness = new GuardHarness(o => o.MaxRowsPerUnitOfWork = 1);
        await using var context = harness.Guarded();
        context.ChangeTracker.AutoDetectChangesEnabled = false;
        context.Groups.AddRange(new Group { Name = "a", Description = "" }, new Group { Name = "b", Description = "" });

        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Save(async));

        Assert.Equal(BulkSafetyRuleIds.UnitOfWorkRows, violation.Report.RuleId);
        Assert.Equal(0, harness.Count<Group>());
    }

    [Fact]
    public void DetectChangesOutsideSaveChanges_JudgesNothing()
    {
        using var harness = new GuardHarness(o => o.MaxRowsPerUnitOfWork = 1);
        using var context = harness.Guarded();
        context.Groups.Add(new Group { Name = "a", Description = "" });
        context.SaveChanges();
        context.Groups.AddRange(new Group { Name = "b", Description = "" }, new Group { Name = "c", Description = "" });

        context.ChangeTracker.DetectChanges();
        _ = context.ChangeTracker.Entries().ToList();

        Assert.Throws<BulkSafetyViolationException>(() => context.SaveChanges());
        Assert.True(context.ChangeTracker.AutoDetectChangesEnabled);
    }

    // An audit-style interceptor registered after the guard: it adds work in SavingChanges through the entities.
    private sealed class AddsAGroup : SaveChangesInterceptor
    {
        public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
        {
            eventData.Context!.Add(new Group { Name = "audit", Description = "" });
            return result;
        }

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
            => new(SavingChanges(eventData, result));
    }
}
