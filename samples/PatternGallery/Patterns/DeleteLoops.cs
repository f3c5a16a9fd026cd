using Microsoft.EntityFrameworkCore;
using PatternGallery.Model;

namespace PatternGallery.Patterns;

/// <summary>BS1001 — deleting spam the way the incident did, and two safe ways.</summary>
public static class DeleteLoops
{
    private const int BatchSize = 500;

    /// <summary>The incident's cleanup: each confirmed spam group loaded by id, its posts and then the group removed one by one.</summary>
    public static int DestroySpamGroupsOneByOne(GalleryContext db, IReadOnlyList<long> spamGroupIds)
    {
        foreach (var id in spamGroupIds)
        {
            var group = db.Groups.Include(g => g.Posts).Single(g => g.Id == id);
            foreach (var post in group.Posts.ToList())
            {
                db.Posts.Remove(post);     // BS1001: one DELETE per post of a navigation collection
            }

            db.Groups.Remove(group);       // BS1001: one group per caller-supplied id
        }

        return db.SaveChanges();
    }

    /// <summary>Safe: bounded batches through the change tracker, one transaction per batch.</summary>
    public static async Task<int> DeleteSpamPostsInBatchesAsync(GalleryContext db, CancellationToken ct)
    {
        var deleted = 0;
        while (true)
        {
            var batch = await db.Posts.Where(p => p.Group.IsSpam).OrderBy(p => p.Id).Take(BatchSize).ToListAsync(ct);
            if (batch.Count == 0)
            {
                return deleted;
            }

            db.Posts.RemoveRange(batch);
            deleted += await db.SaveChangesAsync(ct);
            db.ChangeTracker.Clear();
        }
    }

    /// <summary>Safe: set-based deletes of bounded batches (no entity is loaded; interceptors and the change tracker are bypassed).</summary>
    public static async Task<int> ExecuteDeleteSpamPostsInBatchesAsync(GalleryContext db, CancellationToken ct)
    {
        var deleted = 0;
        int batch;
        while ((batch = await db.Posts.Where(p => p.Group.IsSpam).OrderBy(p => p.Id).Take(BatchSize).ExecuteDeleteAsync(ct)) > 0)
        {
            deleted += batch;
        }

        return deleted;
    }
}
