using Blogifier.Data;
using Blogifier.Shared;
using Microsoft.EntityFrameworkCore;

namespace Blogifier.Posts;

public class CategoryProvider
{
    private readonly AppDbContext _dbContext;

    public CategoryProvider(AppDbContext dbContext) => _dbContext = dbContext;

    public Task<List<CategoryItemDto>> GetItemsAsync()
        => _dbContext.PostCategories
            .Include(pc => pc.Category)
            .GroupBy(m => new { m.Category.Id, m.Category.Content, m.Category.Description })
            .Select(m => new CategoryItemDto { Id = m.Key.Id, Category = m.Key.Content, Description = m.Key.Description, PostCount = m.Count() })
            .AsNoTracking()
            .ToListAsync();

    public async Task<Category> SaveCategory(string tag)
    {
        var category = await _dbContext.Categories.AsNoTracking().Where(c => c.Content == tag).FirstOrDefaultAsync();
        if (category is not null)
        {
            return category;
        }

        category = new Category { Content = tag, CreatedAt = DateTime.UtcNow };
        _dbContext.Categories.Add(category);
        await _dbContext.SaveChangesAsync();
        return category;
    }

    public async Task<bool> AddPostCategory(int postId, string tag)
    {
        var category = await SaveCategory(tag);
        var post = await _dbContext.Posts.Where(p => p.Id == postId).FirstOrDefaultAsync();
        if (post is null)
        {
            return false;
        }

        var exists = await _dbContext.PostCategories.AsNoTracking()
            .Where(pc => pc.CategoryId == category.Id && pc.PostId == postId).AnyAsync();
        if (exists)
        {
            return false;
        }

        _dbContext.PostCategories.Add(new PostCategory { CategoryId = category.Id, PostId = postId });

        // Variant for the corpus: linking a category counts as an edit of the post.
        post.UpdatedAt = DateTime.UtcNow;
        return await _dbContext.SaveChangesAsync() > 0;
    }

    /// <summary>Variant for the corpus: unlinking a category is an edit of the post too.</summary>
    public async Task RemovePostCategory(int postId, int categoryId)
    {
        var link = await _dbContext.PostCategories.Include(pc => pc.Post)
            .SingleOrDefaultAsync(pc => pc.PostId == postId && pc.CategoryId == categoryId);
        if (link is null)
        {
            return;
        }

        link.Post.UpdatedAt = DateTime.UtcNow;
        _dbContext.PostCategories.Remove(link);
        await _dbContext.SaveChangesAsync();
    }

    public async Task<bool> SavePostCategories(int postId, List<Category> categories)
    {
        var existingPostCategories = await _dbContext.PostCategories.AsNoTracking().Where(pc => pc.PostId == postId).ToListAsync();
        _dbContext.PostCategories.RemoveRange(existingPostCategories);
        await _dbContext.SaveChangesAsync();

        foreach (var cat in categories)
        {
            await AddPostCategory(postId, cat.Content);
        }

        return await _dbContext.SaveChangesAsync() > 0;
    }

    /// <summary>Variant for the corpus: clearing a category from every post, one unlink at a time.</summary>
    public async Task ClearCategory(int categoryId)
    {
        var postIds = await _dbContext.PostCategories.Where(pc => pc.CategoryId == categoryId).Select(pc => pc.PostId).ToListAsync();
        foreach (var postId in postIds)
        {
            await RemovePostCategory(postId, categoryId);
        }
    }

    public Task DeleteAsync(int categoryId)
        => _dbContext.Categories.Where(m => m.Id == categoryId).ExecuteDeleteAsync();

    public async Task DeleteAsync(IEnumerable<int>? categoryIds)
    {
        if (categoryIds is not null && categoryIds.Any())
        {
            await _dbContext.Categories.Where(m => categoryIds.Contains(m.Id)).ExecuteDeleteAsync();
        }
    }
}
