using Microsoft.EntityFrameworkCore;
using PatternGallery.Model;

namespace PatternGallery.Patterns;

/// <summary>BS1003 — hiding the posts of spam groups by loading each one, and with one set-based UPDATE.</summary>
public static class UpdateLoops
{
    /// <summary>Loads every post of every spam group only to set two columns; SaveChanges then sends one UPDATE per post.</summary>
    public static int HideSpamPostsOneByOne(GalleryContext db)
    {
        foreach (var post in db.Posts.Where(p => p.Group.IsSpam).ToList())    // BS1003
        {
            post.IsHidden = true;
            post.Score = 0;
        }

        return db.SaveChanges();
    }

    /// <summary>Safe: one UPDATE computed by the database (what the BS1003 code fix writes).</summary>
    public static int HideSpamPosts(GalleryContext db)
        => db.Posts.Where(p => p.Group.IsSpam).ExecuteUpdate(s => s.SetProperty(p => p.IsHidden, true).SetProperty(p => p.Score, 0));
}
