using IncidentReplay.Model;
using Microsoft.EntityFrameworkCore;

namespace IncidentReplay;

/// <summary>
/// The incident's cleanup, as EF Core code: <c>Group.find(ids).each(&amp;:destroy)</c> with <c>dependent: :destroy</c>
/// — every child deleted on its own, one SaveChanges each, so that its callbacks (the counter cache and touch in the
/// SaveChanges override) run. Each child rewrites the whole wide group row.
/// </summary>
public static class NaiveCleanup
{
    public static async Task RunAsync(Func<IncidentContext> createContext, IProgress<int> childrenDeleted, CancellationToken cancellationToken)
    {
        await using var context = createContext();
        var ids = await context.Groups.OrderBy(g => g.Id).Select(g => g.Id).ToListAsync(cancellationToken);
        var deleted = 0;
        foreach (var id in ids)
        {
            var group = await context.Groups.Include(g => g.Posts).Include(g => g.Memberships).AsSplitQuery().SingleAsync(g => g.Id == id, cancellationToken);
            foreach (var post in group.Posts.ToList())
            {
                context.Posts.Remove(post);
                await context.SaveChangesAsync(cancellationToken);
                childrenDeleted.Report(++deleted);
            }

            foreach (var membership in group.Memberships.ToList())
            {
                context.Memberships.Remove(membership);
                await context.SaveChangesAsync(cancellationToken);
                childrenDeleted.Report(++deleted);
            }

            context.Groups.Remove(group);
            await context.SaveChangesAsync(cancellationToken);
            context.ChangeTracker.Clear();
        }
    }
}
