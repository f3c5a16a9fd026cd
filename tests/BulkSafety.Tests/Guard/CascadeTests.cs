using BulkSafety.Estimation;
using BulkSafety.Tests.Infrastructure;
using IncidentReplay.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace BulkSafety.Tests.Guard;

/// <summary>Dependents EF deletes by cascade are part of the estimate, whatever the cascade timing.</summary>
public sealed class CascadeTests
{
    [Fact]
    public void ImmediateCascade_CountsTheLoadedChildren()
    {
        using var harness = new GuardHarness();
        var id = harness.SeedGroup(descriptionBytes: 1_000, posts: 7, memberships: 3);
        using var context = harness.Guarded();
        var group = context.Groups.Include(g => g.Posts).Include(g => g.Memberships).Single(g => g.Id == id);

        context.Groups.Remove(group);
        var report = context.EstimatePendingChanges();

        Assert.Equal(11, report.Rows);
        Assert.Equal([("groups", 1), ("memberships", 3), ("posts", 7)], report.Tables.Select(t => (t.Table, t.Deleted)).Order());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CascadeOnSaveChanges_CountsTheChildrenWithoutMarkingThem(bool async)
    {
        using var harness = new GuardHarness(o => o.MaxRowsPerUnitOfWork = 5);
        var id = harness.SeedGroup(descriptionBytes: 1_000, posts: 7);
        using var context = harness.Guarded();
        context.ChangeTracker.CascadeDeleteTiming = CascadeTiming.OnSaveChanges;
        var group = context.Groups.Include(g => g.Posts).Single(g => g.Id == id);
        context.Groups.Remove(group);

        var report = context.EstimatePendingChanges();
        var violation = await Assert.ThrowsAsync<BulkSafetyViolationException>(() => context.Save(async));

        Assert.Equal(7, report.Tables.Single(t => t.Table == "posts").Deleted);
        Assert.Equal(8, violation.Report.Rows);
        Assert.All(context.ChangeTracker.Entries<Post>(), e => Assert.Equal(EntityState.Unchanged, e.State));
        Assert.Equal(7, harness.Count<Post>());
    }

    [Fact]
    public void ParentTable_KnowsItsDatabaseCascades()
    {
        using var harness = new GuardHarness();
        using var context = harness.Guarded();
        var profile = ReplicationProfile.MySqlRow();

        var groups = MappedTable.For(context.Model.FindEntityType(typeof(Group))!).Single().Shape;

        // A DELETE of a group carries a Table_map for posts (5 columns, 3 metadata bytes) and memberships (4 columns, 1):
        // 19 + 8 + (1 + 3 + 1) + (1 + 5 + 1) + 1 + 5 + 1 + 3 + 1 + 4 = 54 and 19 + 8 + 5 + (1 + 11 + 1) + 1 + 4 + 1 + 1 + 1 + 4 = 57.
        Assert.Equal([("memberships", 57L), ("posts", 54L)], groups.CascadeDeleteTables.Select(t => (t.Name, profile.TableMapEventBytes(t))).Order());
        Assert.Empty(MappedTable.For(context.Model.FindEntityType(typeof(Post))!).Single().Shape.CascadeDeleteTables);
    }
}
