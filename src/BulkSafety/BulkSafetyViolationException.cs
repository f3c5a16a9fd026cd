namespace BulkSafety;

/// <summary>
/// Thrown by SaveChanges — or by a bulk command (<c>ExecuteDelete</c>, <c>ExecuteUpdate</c>, raw DELETE/UPDATE) — when
/// the work exceeds a budget in <see cref="BulkSafetyMode.Enforce"/> mode (or cannot be fitted by throttling). Nothing has
/// been sent to the database beyond read-only probes: SaveChanges leaves the change tracker as it was, a bulk command is
/// not executed. The caller can discard the work or redo it the safe way (<see cref="BulkSafetyReport.SuggestedSafePath"/>).
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
        var outcome = report.Operation == Estimation.UnitOfWorkEstimate.SaveChangesOperation ? "the changes are still tracked" : "the command was not executed";
        return $"{report}{Environment.NewLine}Nothing was written; {outcome}.";
    }
}
