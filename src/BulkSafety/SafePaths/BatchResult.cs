namespace BulkSafety.SafePaths;

/// <summary>What a batched job did: rows, estimated log bytes, batches, time and waits.</summary>
public sealed class BatchResult
{
    internal BatchResult(string? jobName, string profileName, long rows, long bytes, int batches, TimeSpan elapsed, TimeSpan waited, int waits, long rowsBeforeResume, bool alreadyCompleted)
    {
        JobName = jobName;
        ProfileName = profileName;
        Rows = rows;
        Bytes = bytes;
        Batches = batches;
        Elapsed = elapsed;
        Waited = waited;
        Waits = waits;
        RowsBeforeResume = rowsBeforeResume;
        AlreadyCompleted = alreadyCompleted;
    }

    /// <summary>The <see cref="BatchOptions.JobName"/>, if any.</summary>
    public string? JobName { get; }

    /// <summary>The replication profile the bytes were estimated with (the guard's).</summary>
    public string ProfileName { get; }

    /// <summary>Rows this run deleted or updated.</summary>
    public long Rows { get; }

    /// <summary>The estimated replication-log bytes of this run's batches (with their checkpoints).</summary>
    public long Bytes { get; }

    /// <summary>Batches this run committed.</summary>
    public int Batches { get; }

    /// <summary>How long this run took, waits included.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>How long this run waited for the budget or for probes.</summary>
    public TimeSpan Waited { get; }

    /// <summary>How many times this run started to wait.</summary>
    public int Waits { get; }

    /// <summary>Rows that earlier runs of the same <see cref="JobName"/> had committed before this run resumed; 0 for a fresh job.</summary>
    public long RowsBeforeResume { get; }

    /// <summary>Whether the named job had already completed, so this run did nothing.</summary>
    public bool AlreadyCompleted { get; }
}
