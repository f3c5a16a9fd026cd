using BulkSafety;
using BulkSafety.SafePaths;
using Microsoft.EntityFrameworkCore;

namespace IncidentReplay;

/// <summary>
/// The same cleanup done the safe way, with BulkSafety's batched delete: the spam groups' children first — keyset
/// batches of at most <see cref="BatchOptions.DefaultTargetBytesPerBatch"/> of estimated log, each one
/// <c>ExecuteDelete</c> in its own transaction, paced by the guard's ledger — then the groups themselves, the same way.
/// No entity is loaded and no counter or touch rewrites a wide group row: each group row is logged once, when it is
/// deleted. A crash at any point loses nothing, and running it again finishes the job.
/// </summary>
public static class SafeCleanup
{
    public const string Description = "DeleteInBatchesAsync: children in keyset batches of at most 1 MiB of log, then the groups";

    public static async Task RunAsync(GuardedApp app, IProgress<int> childrenDeleted, CancellationToken cancellationToken)
    {
        await using var context = app.CreateContext();
        var spam = await context.Groups.OrderBy(g => g.Id).Select(g => g.Id).ToListAsync(cancellationToken);

        // Every group the replay seeds is spam, so each job deletes its whole table: past the guard's blast radius
        // (MaxTableFraction), which is there for filters that match everything by mistake. This one is meant, and says so.
        using var takedown = BulkSafetyScope.Allow("spam takedown: every seeded group is spam");
        var posts = await context.Posts.Where(p => spam.Contains(p.GroupId))
            .DeleteInBatchesAsync(progress: new ChildrenDeleted(childrenDeleted, before: 0), cancellationToken: cancellationToken);
        await context.Memberships.Where(m => spam.Contains(m.GroupId))
            .DeleteInBatchesAsync(progress: new ChildrenDeleted(childrenDeleted, before: posts.Rows), cancellationToken: cancellationToken);
        await context.Groups.Where(g => spam.Contains(g.Id)).DeleteInBatchesAsync(cancellationToken: cancellationToken);
    }

    /// <summary>Turns a batched job's progress into the replay's running count of children deleted.</summary>
    private sealed class ChildrenDeleted(IProgress<int> children, long before) : IProgress<BatchProgress>
    {
        public void Report(BatchProgress value) => children.Report((int)(before + value.Rows));
    }
}
