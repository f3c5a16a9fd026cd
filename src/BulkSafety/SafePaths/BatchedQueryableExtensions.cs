using Microsoft.EntityFrameworkCore.Query;

namespace BulkSafety.SafePaths;

/// <summary>
/// The safe way to delete or update many rows: keyset batches in primary-key order, each one <c>ExecuteDelete</c> or
/// <c>ExecuteUpdate</c> in its own transaction (no entity is loaded), sized from the rows' stored sizes to a target of
/// replication-log bytes, paced to the guard's bytes-per-minute budget and to pacing probes (replica lag, the primary's
/// log rate), resumable after a crash. The context must be guarded (<c>UseBulkSafety</c>): its profile prices the
/// batches and its ledger — shared by every guarded context of the process — records and paces them. docs/safe-paths.md
/// explains the design.
/// </summary>
public static class BatchedQueryableExtensions
{
    /// <summary>
    /// Deletes the rows <paramref name="source"/> selects, in batches. Killing the process loses nothing (each batch
    /// committed or not) and a rerun continues with the rows that are left.
    /// </summary>
    /// <typeparam name="T">The entity type; it needs a primary key of integer, decimal, string, Guid or date/time parts.</typeparam>
    /// <param name="source">A query over the entity set, filtered with <c>Where</c> (tags, tracking and query-filter options are kept; ordering and <c>Include</c> are ignored).</param>
    /// <param name="options">Batch size, pacing, probes and the job name; <see langword="null"/> for the defaults.</param>
    /// <param name="progress">Told after each batch and whenever the job starts or stops waiting; called on the job's own flow.</param>
    /// <param name="cancellationToken">Stops the job between batches with a <see cref="BatchJobCanceledException"/>.</param>
    /// <returns>What the job did.</returns>
    /// <exception cref="InvalidOperationException">The context is not guarded, or a transaction is open.</exception>
    /// <exception cref="NotSupportedException">The query uses an operator other than a filter, or the key cannot be ordered.</exception>
    /// <exception cref="BulkSafetyViolationException">A batch of one row exceeds a per-unit budget in Enforce or Throttle mode.</exception>
    public static Task<BatchResult> DeleteInBatchesAsync<T>(this IQueryable<T> source, BatchOptions? options = null, IProgress<BatchProgress>? progress = null, CancellationToken cancellationToken = default)
        => BatchJob<T>.RunAsync(source, setters: null, options, progress, cancellationToken);

    /// <summary>
    /// Updates the rows <paramref name="source"/> selects, in batches, with the same setters as <c>ExecuteUpdate</c>.
    /// The job walks the primary key forward, so it ends even when the update changes which rows match. Give it a
    /// <see cref="BatchOptions.JobName"/> to make it crash-safe for setters that are not idempotent (<c>Count = Count + 1</c>):
    /// a rerun then continues after the last committed batch instead of starting over.
    /// </summary>
    /// <typeparam name="T">The entity type; it needs a primary key of integer, decimal, string, Guid or date/time parts.</typeparam>
    /// <param name="source">A query over the entity set, filtered with <c>Where</c>.</param>
    /// <param name="setters">The properties to set, as for <c>ExecuteUpdate</c>: <c>s =&gt; s.SetProperty(p =&gt; p.Count, p =&gt; p.Count + 1)</c>.</param>
    /// <param name="options">Batch size, pacing, probes and the job name; <see langword="null"/> for the defaults.</param>
    /// <param name="progress">Told after each batch and whenever the job starts or stops waiting.</param>
    /// <param name="cancellationToken">Stops the job between batches with a <see cref="BatchJobCanceledException"/>.</param>
    /// <returns>What the job did.</returns>
    /// <exception cref="InvalidOperationException">The context is not guarded, a transaction is open, or the job name belongs to another job.</exception>
    /// <exception cref="NotSupportedException">The query uses an operator other than a filter, the key cannot be ordered, or checkpoints are not supported by the provider.</exception>
    /// <exception cref="BulkSafetyViolationException">A batch of one row exceeds a per-unit budget in Enforce or Throttle mode.</exception>
    public static Task<BatchResult> UpdateInBatchesAsync<T>(
        this IQueryable<T> source,
#if NET10_0_OR_GREATER
        Action<UpdateSettersBuilder<T>> setters,
#else
        System.Linq.Expressions.Expression<Func<SetPropertyCalls<T>, SetPropertyCalls<T>>> setters,
#endif
        BatchOptions? options = null,
        IProgress<BatchProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(setters);
        return BatchJob<T>.RunAsync(source, new UpdateSetters<T>(setters), options, progress, cancellationToken);
    }
}
