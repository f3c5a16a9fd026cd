using BulkSafety.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety.Tests.Bookkeeping;

/// <summary>
/// Many SaveChanges of random mixed work — adds, deletes, re-parenting, parents loaded or not, edited, deleted with
/// their children — and after each: every counter equals COUNT(*) of its rows, and no row was updated twice.
/// </summary>
public sealed class MixedWorkloadTests
{
    [Theory]
    [InlineData(false, 1)]
    [InlineData(true, 2)]
    [InlineData(false, 3)]
    [InlineData(true, 4)]
    public async Task RandomMixedWork_CountersMatchRowsAndEachParentIsWrittenOncePerSave(bool async, int seed)
    {
        using var harness = new BookkeepingHarness();
        harness.Seed(groups: 6, postsPerGroup: 8, membershipsPerGroup: 4, authors: 4);
        var random = new Random(seed);
        var saves = 0;
        for (var round = 0; round < 30; round++)
        {
            using var context = harness.Context();
            var groupIds = context.Groups.Select(g => g.Id).ToList();
            var authorIds = context.Authors.Select(a => a.Id).ToList();
            if (groupIds.Count < 2)
            {
                break;
            }

            for (var operation = random.Next(1, 8); operation > 0; operation--)
            {
                Apply(context, random, groupIds, authorIds);
            }

            harness.Commands.Clear();
            await context.Save(async);
            saves++;

            foreach (var table in new[] { "groups", "authors" })
            {
                var keys = harness.Commands.Updates(table).Select(u => u.Key).ToList();
                Assert.All(keys, Assert.NotNull);
                Assert.Equal(keys.Distinct().Count(), keys.Count);
            }

            harness.AssertCountersMatchRows();
        }

        Assert.True(saves >= 20, $"only {saves} rounds ran");
    }

    private static void Apply(CountedContext context, Random random, List<long> groupIds, List<long> authorIds)
    {
        long AnyGroup() => groupIds[random.Next(groupIds.Count)];
        long? AnyAuthor() => random.Next(4) == 0 ? null : authorIds[random.Next(authorIds.Count)];
        var groupId = AnyGroup();
        switch (random.Next(10))
        {
            case 0 or 1:
                context.Posts.Add(new CountedPost { GroupId = AnyGroup(), AuthorId = AnyAuthor(), Body = "new" });
                break;
            case 2 or 3:
                context.Posts.RemoveRange(context.Posts.Where(p => p.GroupId == groupId).Take(random.Next(1, 4)).ToList());
                break;
            case 4:
                if (context.Posts.FirstOrDefault(p => p.GroupId == groupId) is { } moved)
                {
                    moved.GroupId = AnyGroup();
                    moved.AuthorId = AnyAuthor();
                }

                break;
            case 5:
                context.Memberships.Add(new CountedMembership { GroupId = AnyGroup(), UserId = random.Next(100) });
                break;
            case 6:
                if (context.Memberships.FirstOrDefault(m => m.GroupId == groupId) is { } membership)
                {
                    context.Memberships.Remove(membership);
                }

                break;
            case 7:
                // The parent loaded (tracked) and edited in the same SaveChanges as some of its children.
                var edited = context.Groups.Include(g => g.Posts).Single(g => g.Id == groupId);
                edited.Name = $"edited {random.Next()}";
                context.Posts.RemoveRange(edited.Posts.Take(1));
                break;
            case 8:
                // The parent loaded (tracked) but not edited.
                var loaded = context.Groups.Include(g => g.Posts).Single(g => g.Id == groupId);
                loaded.Posts.Add(new CountedPost { Body = "via navigation", AuthorId = AnyAuthor() });
                break;
            default:
                // A rare parent deleted with its children (tracked cascade); their authors keep counting.
                if (random.Next(3) == 0 && groupIds.Count > 3)
                {
                    context.Groups.Remove(context.Groups.Include(g => g.Posts).Include(g => g.Memberships).Single(g => g.Id == groupId));
                    groupIds.Remove(groupId);
                }

                break;
        }
    }
}
