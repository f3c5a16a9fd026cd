namespace BulkSafety.SafePaths;

/// <summary>
/// How <see cref="BatchedQueryableExtensions.DeleteInBatchesAsync"/> and
/// <see cref="BatchedQueryableExtensions.UpdateInBatchesAsync"/> size, pace and checkpoint their batches. Budgets the
/// batches must respect come from the guard (<see cref="BulkSafetyOptions"/> of the context); these options only narrow
/// them. docs/safe-paths.md explains each choice.
/// </summary>
public sealed class BatchOptions
{
    /// <summary>The default <see cref="TargetBytesPerBatch"/>: 1 MiB of replication log.</summary>
    public const long DefaultTargetBytesPerBatch = 1024 * 1024;

    /// <summary>The default <see cref="MaxRowsPerBatch"/>.</summary>
    public const int DefaultMaxRowsPerBatch = 5_000;

    /// <summary>
    /// The estimated replication-log bytes one batch should write. Batches are sized from the measured stored sizes of
    /// the next rows to stay at or under it (a single row larger than it is a batch of its own). It is capped at a quarter
    /// of the guard's <see cref="BulkSafetyOptions.MaxBytesPerUnitOfWork"/> and of the job's bytes per minute, so a batch
    /// stays well inside the per-unit budget and several batches share a minute. Default 1 MiB.
    /// </summary>
    public long TargetBytesPerBatch { get; set; } = DefaultTargetBytesPerBatch;

    /// <summary>The most rows in one batch; capped at the guard's <see cref="BulkSafetyOptions.MaxRowsPerUnitOfWork"/>. Default 5,000.</summary>
    public int MaxRowsPerBatch { get; set; } = DefaultMaxRowsPerBatch;

    /// <summary>
    /// The log bytes per rolling minute the whole process may have written when a batch starts: the job waits while the
    /// guard's ledger (every guarded context of the process, this job included) holds more. <see langword="null"/> (the
    /// default) is half the guard's <see cref="BulkSafetyOptions.MaxBytesPerMinute"/>, which leaves the other half to the
    /// application's own writes; a larger value is capped at the guard's budget.
    /// </summary>
    public long? MaxBytesPerMinute { get; set; }

    /// <summary>
    /// Names the job for crash safety: each batch writes the last key it processed to the table
    /// <c>bulksafety_checkpoints</c> in the batch's own transaction, and a run with the same name continues after that key —
    /// so an update such as <c>Count = Count + 1</c> is applied to every row exactly once across crashes and reruns. A job
    /// that completed does nothing when run again. <see langword="null"/> (the default): no checkpoint; a rerun starts
    /// from the first matching row, which is right for deletes and idempotent updates only.
    /// </summary>
    public string? JobName { get; set; }

    /// <summary>
    /// Probes asked before every batch — replica lag, the primary's log rate — each of which can make the job wait
    /// (see <see cref="IPacingProbe"/>). Empty by default.
    /// </summary>
    public IList<IPacingProbe> PacingProbes { get; } = [];

    /// <summary>How long the job waits before asking the probes again while one of them says wait. Default 1 second.</summary>
    public TimeSpan ProbeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The largest job name <c>bulksafety_checkpoints</c> holds.</summary>
    internal const int MaxJobNameLength = 200;

    internal void Validate()
    {
        if (TargetBytesPerBatch <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(TargetBytesPerBatch), TargetBytesPerBatch, $"BatchOptions.{nameof(TargetBytesPerBatch)} must be greater than 0.");
        }

        if (MaxRowsPerBatch <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxRowsPerBatch), MaxRowsPerBatch, $"BatchOptions.{nameof(MaxRowsPerBatch)} must be greater than 0.");
        }

        if (MaxBytesPerMinute is <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxBytesPerMinute), MaxBytesPerMinute, $"BatchOptions.{nameof(MaxBytesPerMinute)} must be greater than 0.");
        }

        if (JobName is not null && (string.IsNullOrWhiteSpace(JobName) || JobName.Length > MaxJobNameLength))
        {
            throw new ArgumentException($"BatchOptions.{nameof(JobName)} must be null or 1 to {MaxJobNameLength} characters of text.", nameof(JobName));
        }

        if (ProbeInterval <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(ProbeInterval), ProbeInterval, $"BatchOptions.{nameof(ProbeInterval)} must be positive.");
        }

        if (PacingProbes.Contains(null!))
        {
            throw new ArgumentException($"BatchOptions.{nameof(PacingProbes)} cannot contain null.", nameof(PacingProbes));
        }
    }
}
