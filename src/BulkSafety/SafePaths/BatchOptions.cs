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

    /// <summary>The default <see cref="MaxRowsPerBatch"/>: the guard's default <see cref="BulkSafetyOptions.MaxRowsPerUnitOfWork"/>.</summary>
    public const int DefaultMaxRowsPerBatch = 10_000;

    /// <summary>
    /// The estimated replication-log bytes one batch should write. Batches are sized from the measured stored sizes of
    /// the next rows to stay at or under it (a single row larger than it is a batch of its own). It is capped at a quarter
    /// of the guard's <see cref="BulkSafetyOptions.MaxBytesPerUnitOfWork"/> and of the job's bytes per minute, so a batch
    /// stays well inside the per-unit budget and several batches share a minute. Default 1 MiB.
    /// </summary>
    public long TargetBytesPerBatch { get; set; } = DefaultTargetBytesPerBatch;

    /// <summary>
    /// The most rows in one batch; capped at the guard's <see cref="BulkSafetyOptions.MaxRowsPerUnitOfWork"/> (which counts
    /// a row once per table of the entity, and a named job's checkpoint row). Default 10,000: fewer, larger batches spend
    /// less on each batch's probe, statement and commit.
    /// </summary>
    public int MaxRowsPerBatch { get; set; } = DefaultMaxRowsPerBatch;

    /// <summary>
    /// The log bytes per rolling minute the whole process may have written when a batch starts: the job waits while the
    /// guard's ledger (every guarded context of the process, this job included) holds more. <see langword="null"/> (the
    /// default) is half the guard's <see cref="BulkSafetyOptions.MaxBytesPerMinute"/>, which leaves the other half to the
    /// application's own writes; a larger value is capped at the guard's budget.
    /// </summary>
    public long? MaxBytesPerMinute { get; set; }

    /// <summary>
    /// Names the job for crash safety and exactly-once updates: each batch writes the last key it processed to the table
    /// <c>bulksafety_checkpoints</c> in the batch's own transaction, and a run with the same name continues after that key —
    /// so an update such as <c>Count = Count + 1</c> is applied to every row exactly once across crashes, reruns and runs
    /// that overlap (one run works at a time: <see cref="LeaseDuration"/>). The name belongs to one job: its operation,
    /// table, query and setters; a run of another job under it is refused. A job that completed does nothing when run
    /// again. <see langword="null"/> (the default): no checkpoint; a rerun starts from the first matching row, which is
    /// right for deletes and idempotent updates only.
    /// </summary>
    public string? JobName { get; set; }

    /// <summary>
    /// How long a named job's lease lasts without renewal. The run that holds it renews it with every batch and while it
    /// waits; a run that stops renewing (it crashed, hung, or was paused) loses the job once the lease expires, by the
    /// database's clock, and any batch it then tries is rolled back. Default 30 seconds: the most a crashed run holds
    /// up the next one.
    /// </summary>
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>What a run of a named job does while another run holds the job's lease. Default: waits.</summary>
    public RunningJobBehavior IfRunning { get; set; } = RunningJobBehavior.Wait;

    /// <summary>
    /// Whether a named job stores the values of its query's parameters with its checkpoint, so that a rerun resumes with
    /// the values the job started with (a cutoff date computed from the clock stays the job's cutoff). They may be
    /// personal data (an e-mail address in the filter): they stay in <c>bulksafety_checkpoints</c>, in plain text, until
    /// the job completes. <see langword="false"/>: nothing is stored, and a rerun uses its own values. Default
    /// <see langword="true"/>.
    /// </summary>
    public bool StoreParameterValues { get; set; } = true;

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

        if (LeaseDuration < TimeSpan.FromSeconds(1) || LeaseDuration > TimeSpan.FromDays(1))
        {
            throw new ArgumentOutOfRangeException(nameof(LeaseDuration), LeaseDuration, $"BatchOptions.{nameof(LeaseDuration)} must be between 1 second and 1 day.");
        }

        if (!Enum.IsDefined(IfRunning))
        {
            throw new ArgumentOutOfRangeException(nameof(IfRunning), IfRunning, $"BatchOptions.{nameof(IfRunning)} must be {nameof(RunningJobBehavior.Wait)} or {nameof(RunningJobBehavior.Fail)}.");
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
