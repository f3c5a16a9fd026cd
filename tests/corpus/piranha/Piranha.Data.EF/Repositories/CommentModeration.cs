using Microsoft.EntityFrameworkCore;

namespace Piranha.Repositories;

/// <summary>Variants for the corpus: comment moderation jobs over the post comments.</summary>
public class CommentModeration
{
    private readonly Db _db;

    public CommentModeration(Db db) => _db = db;

    public async Task ApprovePending(Guid postId)
    {
        var pending = await _db.PostComments.Include(c => c.Post).Where(c => c.PostId == postId && !c.IsApproved).ToListAsync();
        foreach (var comment in pending)
        {
            comment.IsApproved = true;
            comment.Post.CommentCount++;
            comment.Post.LastModified = DateTime.Now;
            await _db.SaveChangesAsync();
        }
    }

    public async Task DeleteSpam(IReadOnlyList<string> spamAuthors)
    {
        var spam = await _db.PostComments.Include(c => c.Post).Where(c => spamAuthors.Contains(c.Author)).ToListAsync();
        foreach (var comment in spam)
        {
            _db.PostComments.Remove(comment);
            await _db.SaveChangesAsync();
        }
    }

    public async Task DeleteSpamOnce(IReadOnlyList<string> spamAuthors)
    {
        var spam = await _db.PostComments.Include(c => c.Post).Where(c => spamAuthors.Contains(c.Author)).ToListAsync();
        foreach (var comment in spam)
        {
            _db.PostComments.Remove(comment);
        }

        await _db.SaveChangesAsync();
    }

    public async Task DeleteSpamWithSql(IReadOnlyList<Guid> commentIds)
    {
        foreach (var id in commentIds)
        {
            var comment = await _db.PostComments.FindAsync(id);
            if (comment is null)
            {
                continue;
            }

            await _db.PostComments.Where(c => c.Id == id).ExecuteDeleteAsync();
            await _db.Database.ExecuteSqlInterpolatedAsync(
                $"UPDATE Piranha_Posts SET CommentCount = CommentCount - 1, LastModified = CURRENT_TIMESTAMP WHERE Id = {comment.PostId}");
        }
    }

    public async Task RecountComments(Guid postId)
    {
        var post = await _db.Posts.Include(p => p.Comments).FirstAsync(p => p.Id == postId);
        foreach (var comment in post.Comments.Where(c => c.Body.Length == 0).ToList())
        {
            _db.PostComments.Remove(comment);
        }

        post.CommentCount = post.Comments.Count(c => c.IsApproved);
        await _db.SaveChangesAsync();
    }
}
