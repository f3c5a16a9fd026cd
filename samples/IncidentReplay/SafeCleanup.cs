using IncidentReplay.Model;
using Microsoft.EntityFrameworkCore;

namespace IncidentReplay;

/// <summary>
/// The same cleanup done safely with what EF offers today: children deleted in bounded batches, one SaveChanges (one
/// transaction) per batch, so the group's counter and touch are written once per batch instead of once per child; then
/// one DELETE of the group. Every batch goes through the guard, which measures and admits it. (The batched, paced
/// <c>DeleteInBatchesAsync</c> of the safe-paths work will replace this loop.)
/// </summary>
public static class SafeCleanup
{
    public const int BatchSize = 500;

    public static async Task RunAsync(GuardedApp app, IProgress<int> childrenDeleted, CancellationToken cancellationToken)
    {
        await using var context = app.CreateContext();
        var ids = await context.Groups.OrderBy(g => g.Id).Select(g => g.Id).ToListAsync(cancellationToken);
        var deleted = 0;
        foreach (var id in ids)
        {
            deleted = await DeleteChildrenAsync(context, context.Posts.Where(p => p.GroupId == id).OrderBy(p => p.Id), deleted, childrenDeleted, cancellationToken);
            deleted = await DeleteChildrenAsync(context, context.Memberships.Where(m => m.GroupId == id).OrderBy(m => m.Id), deleted, childrenDeleted, cancellationToken);
            context.Groups.Remove(await context.Groups.SingleAsync(g => g.Id == id, cancellationToken));
            await context.SaveChangesAsync(cancellationToken);
            context.ChangeTracker.Clear();
        }
    }

    private static async Task<int> DeleteChildrenAsync<T>(IncidentContext context, IQueryable<T> children, int deleted, IProgress<int> progress, CancellationToken cancellationToken)
        where T : class
    {
        while (await children.Take(BatchSize).ToListAsync(cancellationToken) is { Count: > 0 } batch)
        {
            context.RemoveRange(batch);
            await context.SaveChangesAsync(cancellationToken);
            context.ChangeTracker.Clear();
            deleted += batch.Count;
            progress.Report(deleted);
        }

        return deleted;
    }
}
