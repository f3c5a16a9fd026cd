using Microsoft.EntityFrameworkCore;
using Piranha.Data;

namespace Piranha.Repositories;

public class PostRepository
{
    private readonly Db _db;

    public PostRepository(Db db) => _db = db;

    public Task<List<Guid>> GetAll(Guid blogId, int? index = null, int? pageSize = null)
    {
        IQueryable<Post> query = _db.Posts.AsNoTracking().Where(p => p.BlogId == blogId).OrderByDescending(p => p.Published);
        if (index.HasValue && pageSize.HasValue)
        {
            query = query.Skip(index.Value * pageSize.Value).Take(pageSize.Value);
        }

        return query.Select(p => p.Id).ToListAsync();
    }

    /// <summary>Saves the post's fields: the fields the model no longer has are removed.</summary>
    public async Task SaveFields(Guid postId, IReadOnlyCollection<Guid> currentFieldIds, IEnumerable<PostField> incoming)
    {
        var post = await _db.Posts.Include(p => p.Fields).FirstAsync(p => p.Id == postId);
        foreach (var removed in post.Fields.Where(f => !currentFieldIds.Contains(f.Id)).ToList())
        {
            _db.PostFields.Remove(removed);
        }

        foreach (var field in incoming)
        {
            var existing = post.Fields.FirstOrDefault(f => f.Id == field.Id);
            if (existing is null)
            {
                post.Fields.Add(field);
            }
            else
            {
                existing.Value = field.Value;
            }
        }

        post.LastModified = DateTime.Now;
        await _db.SaveChangesAsync();
    }

    /// <summary>Creates a revision and keeps only the newest <paramref name="revisions"/> of them.</summary>
    public async Task CreateRevision(Guid id, int revisions, string data)
    {
        await _db.PostRevisions.AddAsync(new PostRevision { Id = Guid.NewGuid(), PostId = id, Data = data, Created = DateTime.Now });
        await _db.SaveChangesAsync();

        if (revisions != 0)
        {
            var existing = await _db.PostRevisions.Where(r => r.PostId == id).OrderByDescending(r => r.Created)
                .Select(r => r.Id).Take(revisions).ToListAsync();
            if (existing.Count == revisions)
            {
                var removed = await _db.PostRevisions.Where(r => r.PostId == id && !existing.Contains(r.Id)).ToListAsync();
                _db.PostRevisions.RemoveRange(removed);
                await _db.SaveChangesAsync();
            }
        }
    }

    public async Task Delete(Guid id)
    {
        var post = await _db.Posts.Include(p => p.Fields).FirstOrDefaultAsync(p => p.Id == id);
        if (post is not null)
        {
            _db.Posts.Remove(post);
            await _db.SaveChangesAsync();
        }
    }

    public async Task SaveComment(Guid postId, PostComment model)
    {
        var comment = await _db.PostComments.FirstOrDefaultAsync(c => c.Id == model.Id);
        if (comment is null)
        {
            comment = new PostComment { Id = model.Id, PostId = postId };
            await _db.PostComments.AddAsync(comment);
        }

        comment.Author = model.Author;
        comment.Email = model.Email;
        comment.Url = model.Url;
        comment.IsApproved = model.IsApproved;
        comment.Body = model.Body;
        comment.Created = model.Created;
        await _db.SaveChangesAsync();
    }
}
