namespace BulkSafety.SafePaths;

/// <summary>
/// A batched job's progress, reported after each committed batch and whenever it starts or stops waiting. Counts are of
/// this run; a resumed job's earlier runs are in <see cref="BatchResult.RowsBeforeResume"/>.
/// </summary>
public sealed class BatchProgress
{
    internal BatchProgress(BatchState state, long rows, long bytes, int batches, long totalRows, TimeSpan elapsed, TimeSpan? remaining, string? waitReason)
    {
        State = state;
        Rows = rows;
        Bytes = bytes;
        Batches = batches;
        TotalRows = totalRows;
        Elapsed = elapsed;
        EstimatedRemaining = remaining;
        WaitReason = waitReason;
    }

    /// <summary>What the job is doing.</summary>
    public BatchState State { get; }

    /// <summary>Rows deleted or updated so far (committed).</summary>
    public long Rows { get; }

    /// <summary>The estimated replication-log bytes of the committed batches.</summary>
    public long Bytes { get; }

    /// <summary>Batches committed.</summary>
    public int Batches { get; }

    /// <summary>The rows the query matched when this run started (one <c>COUNT</c>; after a checkpoint, the rows after it).</summary>
    public long TotalRows { get; }

    /// <summary>Time since the job started, waits included.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>
    /// The time left at the rate so far (waits included), or <see langword="null"/> before the first batch. Rows that
    /// start matching the query while it runs are not foreseen.
    /// </summary>
    public TimeSpan? EstimatedRemaining { get; }

    /// <summary>Why the job waits, while <see cref="State"/> is a waiting state; otherwise <see langword="null"/>.</summary>
    public string? WaitReason { get; }
}
