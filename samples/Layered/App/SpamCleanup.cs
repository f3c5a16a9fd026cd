using Layered.Domain;
using Layered.Infrastructure;

namespace Layered.App;

/// <summary>The incident's cleanup, written against the repository and the unit of work.</summary>
public sealed class SpamCleanup(IRepository<Post> posts, IUnitOfWork unitOfWork)
{
    public async Task RemoveSpamAsync(Group group, CancellationToken cancellationToken)
    {
        foreach (var post in group.Posts.Where(p => p.IsSpam).ToList())
        {
            posts.Remove(post);                                      // BS1001: one delete per post of a navigation collection
            await unitOfWork.CommitAsync(cancellationToken);         // BS1002: one transaction per post
        }
    }
}
