namespace BulkSafety;

/// <summary>
/// Thrown by SaveChanges when a unit of work exceeds a budget in <see cref="BulkSafetyMode.Enforce"/> mode (or cannot be
/// fitted by throttling). Nothing has been sent to the database and the change tracker is as it was, so the caller can
/// discard the changes or redo the work the safe way (<see cref="BulkSafetyReport.SuggestedSafePath"/>).
/// </summary>
public sealed class BulkSafetyViolationException : Exception
{
    /// <summary>Creates the exception for <paramref name="report"/>.</summary>
    /// <param name="report">The violating unit of work's report.</param>
    public BulkSafetyViolationException(BulkSafetyReport report)
        : base(MessageOf(report))
    {
        Report = report;
    }

    /// <summary>The unit of work's report: rule, budget, per-table tally, hot rows, safe path.</summary>
    public BulkSafetyReport Report { get; }

    private static string MessageOf(BulkSafetyReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return $"{report}{Environment.NewLine}Nothing was written; the changes are still tracked.";
    }
}
