namespace BulkSafety.SafePaths;

/// <summary>What a run of a named batched job does while another run holds the job (<see cref="BatchOptions.IfRunning"/>).</summary>
public enum RunningJobBehavior
{
    /// <summary>
    /// Waits, asking again every <see cref="BatchOptions.ProbeInterval"/>, until the other run completes the job (then
    /// this run does nothing), stops, or lets its lease expire (then this run continues the job).
    /// </summary>
    Wait,

    /// <summary>Throws a <see cref="BatchJobLeaseException"/> naming the run that holds the job.</summary>
    Fail,
}
