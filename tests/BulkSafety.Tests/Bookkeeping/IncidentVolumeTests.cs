using BulkSafety.Estimation;
using BulkSafety.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Xunit.Abstractions;

namespace BulkSafety.Tests.Bookkeeping;

/// <summary>
/// The incident's workload — one group with a 50 KB description and N posts — with the bookkeeping kept per child (as
/// Rails' counter_cache and touch do: two UPDATEs of the group row per child, 2N+1 writes of it) and declared (one write
/// per SaveChanges). The writes of the group row are counted on the commands SQLite receives; their replication-log
/// bytes are the guard's estimates. The printed rows are the table in docs/safe-paths.md.
/// </summary>
public sealed class IncidentVolumeTests(ITestOutputHelper output)
{
    private const int Children = 500;
    private const int DescriptionBytes = 51_200;

    public static TheoryData<string> Profiles => ["mysql-row-full", "mysql-row-minimal", "postgres-wal-replica"];

    [Theory]
    [MemberData(nameof(Profiles))]
    public async Task IncidentWorkload_DeclaredBookkeepingWritesTheGroupRowOnceInsteadOf2NPlus1Times(string profile)
    {
        using var harness = new BookkeepingHarness(guard: o =>
        {
            o.Profile = ProfileNamed(profile);
            o.Mode = BulkSafetyMode.Warn;
        });

        // Per child, as the incident: the child's DELETE, then an UPDATE of the counter and one of the timestamp.
        var naive = await DeleteGroupWithChildren(harness, declared: false);
        var perChildWrite = PriceOfParentUpdate(harness, counter: true, touch: false) + PriceOfParentUpdate(harness, counter: false, touch: true);
        var naiveBytes = naive.SaveChangesBytes + Children * perChildWrite;

        // Declared: the group is deleted in the same SaveChanges, so nobody updates it.
        var deleted = await DeleteGroupWithChildren(harness, declared: true);

        // Declared, the group kept: one relative UPDATE of it.
        var kept = await DeleteChildrenKeepGroup(harness);

        // Declared, but one SaveChanges per child: coalescing cannot merge separate SaveChanges.
        var perChildSave = await DeleteChildrenOneSaveEach(harness);

        Assert.Equal((2 * Children, 1), (naive.GroupUpdates, naive.GroupDeletes));
        Assert.Equal((0, 1), (deleted.GroupUpdates, deleted.GroupDeletes));
        Assert.Equal((1, 0), (kept.GroupUpdates, kept.GroupDeletes));
        Assert.Equal((Children, 0), (perChildSave.GroupUpdates, perChildSave.GroupDeletes));
        Assert.True(naiveBytes > 2 * deleted.SaveChangesBytes, $"naive {naiveBytes} B, declared {deleted.SaveChangesBytes} B");
        Assert.True(perChildSave.SaveChangesBytes > kept.SaveChangesBytes, "per-child SaveChanges cost more than one");
        if (profile == "mysql-row-full")
        {
            // Under full row images the 2N rewrites of the 50 KB row dominate everything else by two orders of magnitude.
            Assert.True(naiveBytes > 100 * deleted.SaveChangesBytes);
            Assert.True(perChildSave.SaveChangesBytes > 100 * kept.SaveChangesBytes);
        }

        output.WriteLine($"| {profile} | per child (counter_cache + touch) | {naive.GroupUpdates + naive.GroupDeletes:N0} | {naiveBytes:N0} |");
        output.WriteLine($"| {profile} | declared, group deleted in the same SaveChanges | {deleted.GroupUpdates + deleted.GroupDeletes:N0} | {deleted.SaveChangesBytes:N0} |");
        output.WriteLine($"| {profile} | declared, group kept | {kept.GroupUpdates:N0} | {kept.SaveChangesBytes:N0} |");
        output.WriteLine($"| {profile} | declared, one SaveChanges per child | {perChildSave.GroupUpdates:N0} | {perChildSave.SaveChangesBytes:N0} |");
        harness.AssertCountersMatchRows();
    }

    private static ReplicationProfile ProfileNamed(string name) => name switch
    {
        "mysql-row-full" => ReplicationProfile.MySqlRow(BinlogRowImage.Full),
        "mysql-row-minimal" => ReplicationProfile.MySqlRow(BinlogRowImage.Minimal),
        _ => ReplicationProfile.PostgresWal(),
    };

    // Declared bookkeeping skips a group deleted in the same SaveChanges, so with the per-child interceptor that one is
    // the only bookkeeping, as in the incident.
    private static async Task<Workload> DeleteGroupWithChildren(BookkeepingHarness harness, bool declared)
    {
        var id = harness.Seed(groups: 1, postsPerGroup: Children, descriptionBytes: DescriptionBytes)[0];
        var recorder = new CommandRecorder();
        using var context = declared ? harness.Context(recorder) : harness.Context(recorder, new PerChildBookkeeping());
        context.Groups.Remove(context.Groups.Include(g => g.Posts).Single(g => g.Id == id));
        var bytes = context.EstimatePendingChanges().EstimatedBytes;
        await context.SaveChangesAsync();
        return Workload.Of(recorder, bytes);
    }

    private static async Task<Workload> DeleteChildrenKeepGroup(BookkeepingHarness harness)
    {
        var id = harness.Seed(groups: 1, postsPerGroup: Children, descriptionBytes: DescriptionBytes)[0];
        var recorder = new CommandRecorder();
        using var context = harness.Context(recorder);
        context.Posts.RemoveRange(context.Groups.Include(g => g.Posts).Single(g => g.Id == id).Posts);
        var bytes = context.EstimatePendingChanges().EstimatedBytes;
        await context.SaveChangesAsync();
        return Workload.Of(recorder, bytes);
    }

    private static async Task<Workload> DeleteChildrenOneSaveEach(BookkeepingHarness harness)
    {
        var id = harness.Seed(groups: 1, postsPerGroup: Children, descriptionBytes: DescriptionBytes)[0];
        var recorder = new CommandRecorder();
        using var context = harness.Context(recorder);
        long bytes = 0;
        foreach (var post in context.Groups.Include(g => g.Posts).Single(g => g.Id == id).Posts.ToList())
        {
            context.Posts.Remove(post);
            bytes += context.EstimatePendingChanges().EstimatedBytes;
            await context.SaveChangesAsync();
        }

        return Workload.Of(recorder, bytes);
    }

    // One UPDATE of the group row, alone in its transaction, as the guard estimates it from the tracked row.
    private static long PriceOfParentUpdate(BookkeepingHarness harness, bool counter, bool touch)
    {
        var id = harness.Seed(groups: 1, postsPerGroup: 0, descriptionBytes: DescriptionBytes)[0];
        using var context = harness.Context();
        var group = context.Groups.Single(g => g.Id == id);
        if (counter)
        {
            group.PostsCount--;
        }

        if (touch)
        {
            group.UpdatedAt = group.UpdatedAt.AddSeconds(1);
        }

        return context.EstimatePendingChanges().EstimatedBytes;
    }

    private sealed record Workload(int GroupUpdates, int GroupDeletes, long SaveChangesBytes)
    {
        public static Workload Of(CommandRecorder recorder, long bytes) => new(
            recorder.Updates("groups").Count,
            recorder.All.Count(c => c.Text.StartsWith("DELETE FROM \"groups\"", StringComparison.Ordinal)),
            bytes);
    }

    /// <summary>
    /// Rails' counter_cache and touch, as people port them: for every deleted post, an immediate UPDATE of its group's
    /// counter and another of its timestamp (the pattern BS2001 reports).
    /// </summary>
    private sealed class PerChildBookkeeping : SaveChangesInterceptor
    {
        public override InterceptionResult<int> SavingChanges(DbContextEventData eventData, InterceptionResult<int> result)
        {
            UpdateGroupsPerDeletedPost((CountedContext)eventData.Context!);
            return result;
        }

        public override ValueTask<InterceptionResult<int>> SavingChangesAsync(DbContextEventData eventData, InterceptionResult<int> result, CancellationToken cancellationToken = default)
        {
            UpdateGroupsPerDeletedPost((CountedContext)eventData.Context!);
            return ValueTask.FromResult(result);
        }

        private static void UpdateGroupsPerDeletedPost(CountedContext context)
        {
            foreach (var post in context.ChangeTracker.Entries<CountedPost>().Where(e => e.State == EntityState.Deleted).Select(e => e.Entity).ToList())
            {
                context.Groups.Where(g => g.Id == post.GroupId).ExecuteUpdate(s => s.SetProperty(g => g.PostsCount, g => g.PostsCount - 1));
                context.Groups.Where(g => g.Id == post.GroupId).ExecuteUpdate(s => s.SetProperty(g => g.UpdatedAt, DateTime.UtcNow));
            }
        }
    }
}
