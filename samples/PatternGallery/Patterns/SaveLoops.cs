using PatternGallery.Model;

namespace PatternGallery.Patterns;

/// <summary>BS1002 — an import that commits every row on its own, and one that commits per bounded chunk.</summary>
public static class SaveLoops
{
    private const int ChunkSize = 500;

    /// <summary>One transaction per imported post.</summary>
    public static async Task<int> ImportPostsOneTransactionEachAsync(GalleryContext db, long groupId, IEnumerable<string> titles, CancellationToken ct)
    {
        var imported = 0;
        foreach (var title in titles)
        {
            db.Posts.Add(new Post { GroupId = groupId, Title = title, CreatedAt = DateTime.UtcNow });
            imported += await db.SaveChangesAsync(ct);     // BS1002: one transaction per post
        }

        return imported;
    }

    /// <summary>Safe: one transaction per chunk of at most 500 posts.</summary>
    public static async Task<int> ImportPostsInChunksAsync(GalleryContext db, long groupId, IEnumerable<string> titles, CancellationToken ct)
    {
        var imported = 0;
        foreach (var chunk in titles.Chunk(ChunkSize))
        {
            db.Posts.AddRange(chunk.Select(title => new Post { GroupId = groupId, Title = title, CreatedAt = DateTime.UtcNow }));
            imported += await db.SaveChangesAsync(ct);
        }

        return imported;
    }
}
