using Blogifier.Data;
using Blogifier.Shared;
using Microsoft.EntityFrameworkCore;

namespace Blogifier.Posts;

public class PostProvider
{
    private readonly AppDbContext _dbContext;

    public PostProvider(AppDbContext dbContext) => _dbContext = dbContext;

    public async Task<Post?> GetBySlugAsync(string slug)
    {
        var post = await _dbContext.Posts.Where(p => p.Slug == slug).FirstOrDefaultAsync();
        if (post is not null)
        {
            post.Views++;
            await _dbContext.SaveChangesAsync();
        }

        return post;
    }

    public async Task PublishAsync(IEnumerable<int> ids, bool publish)
    {
        var posts = await _dbContext.Posts.Where(p => ids.Contains(p.Id)).ToListAsync();
        foreach (var post in posts)
        {
            post.PublishedAt = publish ? DateTime.UtcNow : null;
            post.State = publish ? PostState.Release : PostState.Draft;
        }

        await _dbContext.SaveChangesAsync();
    }

    public async Task DeleteAsync(int id)
    {
        var post = await _dbContext.Posts.FindAsync(id);
        if (post is not null)
        {
            _dbContext.Posts.Remove(post);
            await _dbContext.SaveChangesAsync();
        }
    }

    public async Task RemoveDraftsAsync(string userId)
    {
        var drafts = _dbContext.Posts.Where(p => p.UserId == userId && p.State == PostState.Draft);
        await drafts.ForEachAsync(p => _dbContext.Posts.Remove(p));
        await _dbContext.SaveChangesAsync();
    }

    /// <summary>Retries the save while another request changed the same post (optimistic concurrency).</summary>
    public async Task UpdateWithRetryAsync(Post changed)
    {
        var saved = false;
        var attempts = 0;
        while (!saved && attempts++ < 3)
        {
            try
            {
                _dbContext.Posts.Update(changed);
                await _dbContext.SaveChangesAsync();
                saved = true;
            }
            catch (DbUpdateConcurrencyException ex)
            {
                foreach (var entry in ex.Entries)
                {
                    await entry.ReloadAsync();
                }
            }
        }
    }
}
