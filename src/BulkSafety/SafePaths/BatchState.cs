namespace BulkSafety.SafePaths;

/// <summary>What a batched job is doing when it reports <see cref="BatchProgress"/>.</summary>
public enum BatchState
{
    /// <summary>Processing batches; the report follows a committed batch (or the start of the job).</summary>
    Running,

    /// <summary>Waiting for room in the bytes-per-minute budget (the guard's ledger).</summary>
    WaitingForBudget,

    /// <summary>Waiting because a pacing probe says so (replica lag, the primary's log rate).</summary>
    WaitingForProbe,

    /// <summary>No row is left; the job is done.</summary>
    Completed,

    /// <summary>Waiting because another run holds the named job (<see cref="RunningJobBehavior.Wait"/>).</summary>
    WaitingForLease,
}
