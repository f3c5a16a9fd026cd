using BulkSafety.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace BulkSafety.Tests.Bookkeeping;

/// <summary>
/// One write per parent per SaveChanges, whatever the number of children: counted on the commands SQLite receives.
/// </summary>
public sealed class CoalescingTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ChildrenOfUntrackedParents_OneRelativeUpdatePerParent(bool async)
    {
        using var harness = new BookkeepingHarness();
        var groups = harness.Seed(groups: 3, postsPerGroup: 10);
        using var context = harness.Context();
        context.Posts.RemoveRange(context.Posts.Where(p => p.GroupId != groups[2]).ToList());
        harness.Commands.Clear();

        await context.Save(async);

        var updates = harness.Commands.Updates("groups");
        Assert.Equal(2, updates.Count);
        Assert.All(updates, u => Assert.Equal(CommandSource.ExecuteUpdate, u.Source));
        Assert.All(updates, u => Assert.Contains(".\"PostsCount\" + @", u.Text, StringComparison.Ordinal));
        Assert.Equal(0, harness.StoredGroup(groups[0]).PostsCount);
        Assert.Equal(harness.Clock.GetUtcNow().UtcDateTime, harness.StoredGroup(groups[0]).UpdatedAt);
        Assert.Equal(10, harness.StoredGroup(groups[2]).PostsCount);
        Assert.NotEqual(harness.Clock.GetUtcNow().UtcDateTime, harness.StoredGroup(groups[2]).UpdatedAt);
        Assert.Empty(context.ChangeTracker.Entries<CountedGroup>());
        harness.AssertCountersMatchRows();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TrackedUnchangedParent_UpdatedRelativelyAndItsTrackedValuesFollow(bool async)
    {
        using var harness = new BookkeepingHarness();
        var id = harness.Seed(groups: 1, postsPerGroup: 5)[0];
        using var context = harness.Context();
        var group = context.Groups.Include(g => g.Posts).Single();
        context.Posts.RemoveRange(group.Posts.Take(3).ToList());
        harness.Commands.Clear();

        await context.Save(async);

        Assert.Equal(CommandSource.ExecuteUpdate, Assert.Single(harness.Commands.Updates("groups")).Source);
        Assert.Equal(2, harness.StoredGroup(id).PostsCount);
        Assert.Equal(2, group.PostsCount);
        Assert.Equal(harness.Clock.GetUtcNow().UtcDateTime, group.UpdatedAt);
        var entry = context.Entry(group);
        Assert.Equal(EntityState.Unchanged, entry.State);
        Assert.Equal(2, entry.Property(g => g.PostsCount).OriginalValue);

        // Nothing left pending: the next SaveChanges writes nothing.
        harness.Commands.Clear();
        Assert.Equal(0, await context.Save(async));
        Assert.Empty(harness.Commands.All);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ModifiedParent_CarriesItsBookkeepingInItsOwnUpdate(bool async)
    {
        using var harness = new BookkeepingHarness();
        var id = harness.Seed(groups: 1, postsPerGroup: 5, membershipsPerGroup: 4)[0];
        using var context = harness.Context();
        var group = context.Groups.Include(g => g.Posts).Include(g => g.Memberships).Single();
        group.Name = "renamed";
        context.Posts.RemoveRange(group.Posts.Take(2).ToList());
        context.Memberships.Remove(group.Memberships[0]);
        harness.Commands.Clear();

        await context.Save(async);

        var update = Assert.Single(harness.Commands.Updates("groups"));
        Assert.Equal(CommandSource.SaveChanges, update.Source);
        var stored = harness.StoredGroup(id);
        Assert.Equal(("renamed", 3, 3L), (stored.Name, stored.PostsCount, stored.MembershipsCount));
        Assert.Equal(harness.Clock.GetUtcNow().UtcDateTime, stored.UpdatedAt);
        harness.AssertCountersMatchRows();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AddedParentWithChildren_CountsRideInTheInsert(bool async)
    {
        using var harness = new BookkeepingHarness();
        using var context = harness.Context();
        var group = new CountedGroup { Name = "new", Description = "fresh" };
        group.Posts.AddRange([new CountedPost { Body = "a" }, new CountedPost { Body = "b" }, new CountedPost { Body = "c" }]);
        group.Memberships.Add(new CountedMembership { UserId = 1 });
        context.Groups.Add(group);

        await context.Save(async);

        Assert.Empty(harness.Commands.Updates("groups"));
        var stored = harness.StoredGroup(group.Id);
        Assert.Equal((3, 1L), (stored.PostsCount, stored.MembershipsCount));
        Assert.Equal(harness.Clock.GetUtcNow().UtcDateTime, stored.UpdatedAt);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ParentDeletedWithItsChildren_IsNeverUpdated(bool async)
    {
        using var harness = new BookkeepingHarness();
        var groups = harness.Seed(groups: 2, postsPerGroup: 20, membershipsPerGroup: 5);
        using var context = harness.Context();
        var doomed = context.Groups.Include(g => g.Posts).Include(g => g.Memberships).Single(g => g.Id == groups[0]);
        context.Posts.RemoveRange(doomed.Posts);
        context.Memberships.RemoveRange(doomed.Memberships);
        context.Groups.Remove(doomed);
        harness.Commands.Clear();

        await context.Save(async);

        Assert.Empty(harness.Commands.Updates("groups"));
        Assert.Single(harness.Commands.All, c => c.Text.StartsWith("DELETE FROM \"groups\"", StringComparison.Ordinal));
        using var check = harness.Plain();
        Assert.Equal([groups[1]], check.Groups.Select(g => g.Id).ToList());
        harness.AssertCountersMatchRows();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ParentDeletedByTrackedCascade_IsNeverUpdated(bool async)
    {
        using var harness = new BookkeepingHarness();
        var groups = harness.Seed(groups: 2, postsPerGroup: 20, authors: 3);
        using var context = harness.Context();
        context.Groups.Remove(context.Groups.Include(g => g.Posts).Single(g => g.Id == groups[0]));
        harness.Commands.Clear();

        await context.Save(async);

        // The group dies with its posts; their authors, which survive, are updated once each.
        Assert.Empty(harness.Commands.Updates("groups"));
        Assert.Equal(3, harness.Commands.Updates("authors").Count);
        harness.AssertCountersMatchRows();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ReparentedChild_MovesTheCountAndTouchesBothParents(bool async)
    {
        using var harness = new BookkeepingHarness();
        var groups = harness.Seed(groups: 2, postsPerGroup: 3);
        using var context = harness.Context();
        var post = context.Posts.First(p => p.GroupId == groups[0]);
        post.GroupId = groups[1];
        harness.Commands.Clear();

        await context.Save(async);

        Assert.Equal(2, harness.Commands.Updates("groups").Count);
        Assert.Equal((2, 4), (harness.StoredGroup(groups[0]).PostsCount, harness.StoredGroup(groups[1]).PostsCount));
        Assert.All(groups, id => Assert.Equal(harness.Clock.GetUtcNow().UtcDateTime, harness.StoredGroup(id).UpdatedAt));
        harness.AssertCountersMatchRows();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ChildAddedAndChildDeleted_CancelOutToATouchOnly(bool async)
    {
        using var harness = new BookkeepingHarness();
        var id = harness.Seed(groups: 1, postsPerGroup: 3)[0];
        using var context = harness.Context();
        context.Posts.Remove(context.Posts.First());
        context.Posts.Add(new CountedPost { GroupId = id, Body = "replacement" });
        harness.Commands.Clear();

        await context.Save(async);

        var update = Assert.Single(harness.Commands.Updates("groups"));
        Assert.DoesNotContain("PostsCount", update.Text, StringComparison.Ordinal);
        Assert.Contains("UpdatedAt", update.Text, StringComparison.Ordinal);
        Assert.Equal(3, harness.StoredGroup(id).PostsCount);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ModifiedChild_TouchesItsParentWithoutCounting(bool async)
    {
        using var harness = new BookkeepingHarness();
        var id = harness.Seed(groups: 1, postsPerGroup: 2)[0];
        using var context = harness.Context();
        context.Posts.First().Body = "edited";
        harness.Commands.Clear();

        await context.Save(async);

        var update = Assert.Single(harness.Commands.Updates("groups"));
        Assert.DoesNotContain("PostsCount", update.Text, StringComparison.Ordinal);
        Assert.Equal(harness.Clock.GetUtcNow().UtcDateTime, harness.StoredGroup(id).UpdatedAt);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TwoRelationshipsToOneParent_OneUpdateSetsBothCounters(bool async)
    {
        using var harness = new BookkeepingHarness();
        var id = harness.Seed(groups: 1, postsPerGroup: 6, membershipsPerGroup: 6)[0];
        using var context = harness.Context();
        context.Posts.RemoveRange(context.Posts.Take(4).ToList());
        context.Memberships.RemoveRange(context.Memberships.Take(5).ToList());
        harness.Commands.Clear();

        await context.Save(async);

        var update = Assert.Single(harness.Commands.Updates("groups"));
        Assert.Contains("\"PostsCount\"", update.Text, StringComparison.Ordinal);
        Assert.Contains("\"MembershipsCount\"", update.Text, StringComparison.Ordinal);
        var stored = harness.StoredGroup(id);
        Assert.Equal((2, 1L), (stored.PostsCount, stored.MembershipsCount));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ChildWithTwoParents_EachParentUpdatedOnce(bool async)
    {
        using var harness = new BookkeepingHarness();
        harness.Seed(groups: 2, postsPerGroup: 6, authors: 2);
        using var context = harness.Context();
        context.Posts.RemoveRange(context.Posts.ToList());
        harness.Commands.Clear();

        await context.Save(async);

        Assert.Equal(2, harness.Commands.Updates("groups").Count);
        Assert.Equal(2, harness.Commands.Updates("authors").Count);
        using var check = harness.Plain();
        Assert.All(check.Authors.ToList(), a => Assert.Equal((0, harness.Clock.GetUtcNow()), (a.PostsCount, a.LastPostAt)));
        harness.AssertCountersMatchRows();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ModelWithoutDeclarations_SendsNothingExtra(bool async)
    {
        // The sample's context keeps its counter by hand in a SaveChanges override and declares nothing: UseBulkSafety
        // adds the bookkeeping, which must leave it alone (decremented once, not twice).
        using var guarded = new GuardHarness();
        var id = guarded.SeedGroup(descriptionBytes: 100, posts: 3);
        using var context = guarded.Guarded();
        context.Posts.Remove(context.Posts.First());

        await context.Save(async);

        Assert.Equal(2, guarded.Unguarded().Groups.Single(g => g.Id == id).PostsCount);
        Assert.Equal(2, guarded.Count<IncidentReplay.Model.Post>());
    }
}
