using Microsoft.EntityFrameworkCore;
using Piranha.Data;

namespace Piranha.Repositories;

public class PageRepository
{
    private readonly Db _db;

    public PageRepository(Db db) => _db = db;

    /// <summary>Makes room at <paramref name="sortOrder"/> among the page's siblings.</summary>
    public async Task MovePages(Guid siteId, Guid? parentId, int sortOrder, int increase)
    {
        var pages = await _db.Pages.Where(p => p.SiteId == siteId && p.ParentId == parentId && p.SortOrder >= sortOrder).ToListAsync();
        foreach (var page in pages)
        {
            page.SortOrder += increase;
        }

        await _db.SaveChangesAsync();
    }

    public async Task SaveBlocks(Guid pageId, IReadOnlyList<PageBlock> blocks)
    {
        var page = await _db.Pages.Include(p => p.Blocks).FirstAsync(p => p.Id == pageId);
        _db.PageBlocks.RemoveRange(page.Blocks);
        for (var i = 0; i < blocks.Count; i++)
        {
            blocks[i].SortOrder = i;
            page.Blocks.Add(blocks[i]);
        }

        page.LastModified = DateTime.Now;
        await _db.SaveChangesAsync();
    }

    public async Task DeleteSite(Guid siteId)
    {
        await _db.Pages.Where(p => p.SiteId == siteId).ExecuteDeleteAsync();
    }

    public async Task DeleteMedia(Guid mediaId)
    {
        var media = await _db.Media.Include(m => m.Folder).FirstOrDefaultAsync(m => m.Id == mediaId);
        if (media is null)
        {
            return;
        }

        if (media.Folder is not null)
        {
            media.Folder.MediaCount--;
        }

        _db.Media.Remove(media);
        await _db.SaveChangesAsync();
    }
}
