using BulkSafety.SafePaths;
using Microsoft.EntityFrameworkCore;
using PatternGallery.IncidentModel;

namespace PatternGallery.Patterns;

/// <summary>
/// BS2002 — the incident's loop on the incident's model: each post removed and saved, so the context's SaveChanges
/// bookkeeping rewrites the wide group row once per post; and the safe version. Build-only, like the model: the
/// incident replay (samples/IncidentReplay) runs both against the guard and measures them.
/// </summary>
public static class GroupCleanup
{
    /// <summary>One SaveChanges per post: each decrements PostsCount and touches UpdatedAt, one UPDATE of the group each.</summary>
    public static async Task<int> DeletePostsOneSaveEachAsync(IncidentContext db, long groupId, CancellationToken ct)
    {
        var group = await db.Groups.Include(g => g.Posts).SingleAsync(g => g.Id == groupId, ct);
        var deleted = 0;
        foreach (var post in group.Posts.ToList())
        {
            db.Posts.Remove(post);
            deleted += await db.SaveChangesAsync(ct);    // BS2002 (and BS1002): the group row rewritten per post
        }

        return deleted;
    }

    /// <summary>
    /// Safe: the posts in keyset batches paced by the guard (no entity is loaded, so no per-post bookkeeping runs), then
    /// the group written once. Needs a context configured with <c>UseBulkSafety()</c>.
    /// </summary>
    public static async Task<long> DeletePostsInBatchesAsync(IncidentContext db, long groupId, CancellationToken ct)
    {
        var result = await db.Posts.Where(p => p.GroupId == groupId).DeleteInBatchesAsync(cancellationToken: ct);
        await db.Groups.Where(g => g.Id == groupId)
            .ExecuteUpdateAsync(s => s.SetProperty(g => g.PostsCount, 0).SetProperty(g => g.UpdatedAt, DateTime.UtcNow), ct);
        return result.Rows;
    }
}
