using BulkSafety.Interception;
using Microsoft.EntityFrameworkCore;

namespace BulkSafety;

/// <summary>Dry runs of the runtime guard.</summary>
public static class BulkSafetyDbContextExtensions
{
    /// <summary>
    /// Estimates what SaveChanges would write now — replication-log bytes per table, rows it would make hot — and which
    /// budget it would exceed, without saving, recording or logging anything. The verdict ignores the mode and any open
    /// allowance: it names the budget the work exceeds.
    /// </summary>
    /// <param name="context">A context configured with <c>UseBulkSafety</c>.</param>
    /// <returns>The report; <see cref="BulkSafetyReport.RuleId"/> is <see langword="null"/> when every budget holds.</returns>
    /// <exception cref="InvalidOperationException">The context is not configured with <c>UseBulkSafety</c>.</exception>
    public static BulkSafetyReport EstimatePendingChanges(this DbContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var session = GuardSession.Of(context) is { Settings.Guarded: true } guarded ? guarded
            : throw new InvalidOperationException($"{context.GetType().Name} is not guarded: call UseBulkSafety() on its DbContextOptionsBuilder.");
        return session.EstimatePending();
    }
}
