using Microsoft.Extensions.Logging;

namespace BulkSafety.SafePaths;

/// <summary>
/// The batched jobs' log messages, in the guard's <c>BulkSafety</c> category. Event IDs are stable and continue the
/// guard's (docs/safe-paths.md lists them): 10 batch committed (Debug), 11 waiting for the budget (Information), 12
/// waiting for a probe (Warning), 13 wait over (Information), 14 job started or resumed (Information), 15 job completed
/// (Information), 16 job cancelled (Warning), 17 waiting for another run's lease (Information), 18 batches priced without
/// the job's filter (Warning).
/// </summary>
internal static partial class BatchLog
{
    public const int BatchCommittedId = 10;
    public const int WaitingForBudgetId = 11;
    public const int WaitingForProbeId = 12;
    public const int WaitOverId = 13;
    public const int JobStartedId = 14;
    public const int JobCompletedId = 15;
    public const int JobCanceledId = 16;
    public const int WaitingForLeaseId = 17;
    public const int PricedWithoutFilterId = 18;

    [LoggerMessage(EventId = BatchCommittedId, EventName = "BatchCommitted", Level = LogLevel.Debug,
        Message = "{Job}: batch {Batch} committed, {Rows} rows, {Bytes} B of {Profile} log; {TotalRows} rows so far")]
    public static partial void BatchCommitted(ILogger logger, string job, int batch, int rows, long bytes, string profile, long totalRows);

    [LoggerMessage(EventId = WaitingForBudgetId, EventName = "WaitingForBudget", Level = LogLevel.Information,
        Message = "{Job}: waiting {WaitSeconds:0.###} s for room in the bytes-per-minute budget ({WindowBytes} B in the last minute, limit {Limit} B, next batch {Bytes} B)")]
    public static partial void WaitingForBudget(ILogger logger, string job, double waitSeconds, long windowBytes, long limit, long bytes);

    [LoggerMessage(EventId = WaitingForProbeId, EventName = "WaitingForProbe", Level = LogLevel.Warning,
        Message = "{Job}: waiting for {Probe}: {Observation}")]
    public static partial void WaitingForProbe(ILogger logger, string job, string probe, string observation);

    [LoggerMessage(EventId = WaitOverId, EventName = "WaitOver", Level = LogLevel.Information,
        Message = "{Job}: resuming after waiting {WaitSeconds:0.###} s")]
    public static partial void WaitOver(ILogger logger, string job, double waitSeconds);

    [LoggerMessage(EventId = JobStartedId, EventName = "JobStarted", Level = LogLevel.Information,
        Message = "{Job}: {Operation} of {Table} in batches of at most {TargetBytes} B and {MaxRows} rows, at most {Limit} B/min; {TotalRows} rows to go{Resumed}")]
    public static partial void JobStarted(ILogger logger, string job, string operation, string table, long targetBytes, int maxRows, long limit, string totalRows, string resumed);

    [LoggerMessage(EventId = JobCompletedId, EventName = "JobCompleted", Level = LogLevel.Information,
        Message = "{Job}: completed, {Rows} rows in {Batches} batches, {Bytes} B of {Profile} log in {Seconds:0.###} s ({WaitedSeconds:0.###} s waiting)")]
    public static partial void JobCompleted(ILogger logger, string job, long rows, int batches, long bytes, string profile, double seconds, double waitedSeconds);

    [LoggerMessage(EventId = JobCanceledId, EventName = "JobCanceled", Level = LogLevel.Warning,
        Message = "{Job}: cancelled after {Rows} rows in {Batches} batches; every started batch committed")]
    public static partial void JobCanceled(ILogger logger, string job, long rows, int batches);

    [LoggerMessage(EventId = WaitingForLeaseId, EventName = "WaitingForLease", Level = LogLevel.Information,
        Message = "{Job}: waiting for the run that holds the job ({Owner}, lease for {LeaseSeconds:0.###} s more)")]
    public static partial void WaitingForLease(ILogger logger, string job, string owner, double leaseSeconds);

    [LoggerMessage(EventId = PricedWithoutFilterId, EventName = "PricedWithoutFilter", Level = LogLevel.Warning,
        Message = "{Job}: the batches are sized and priced from all the table's rows in each key range, more than the filter selects, because a read-only probe may not evaluate the filter: {Reason}")]
    public static partial void PricedWithoutFilter(ILogger logger, string job, string reason);
}
