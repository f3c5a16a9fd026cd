namespace BulkSafety.SafePaths;

/// <summary>
/// A named batched job is held by another run (<see cref="RunningJobBehavior.Fail"/>), or this run lost the job to
/// another after its lease expired — then the batch it was running was rolled back, and every batch it committed before
/// stays committed.
/// </summary>
public sealed class BatchJobLeaseException : InvalidOperationException
{
    internal BatchJobLeaseException(string jobName, string message)
        : base(message)
        => JobName = jobName;

    /// <summary>The <see cref="BatchOptions.JobName"/>.</summary>
    public string JobName { get; }
}
