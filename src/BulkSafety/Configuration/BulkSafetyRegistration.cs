using BulkSafety.Budgets;
using BulkSafety.Interception;

namespace BulkSafety.Configuration;

/// <summary>
/// What <c>AddBulkSafety</c> registers in the application's services: the options contexts use when they pass none of
/// their own, the ledger every guarded context of the service provider shares, and the metrics instruments.
/// </summary>
internal sealed class BulkSafetyRegistration(BulkSafetyOptions options, BulkSafetyLedger ledger, GuardMetrics metrics)
{
    /// <summary>What contexts configured without <c>AddBulkSafety</c> share: default options, the process-wide ledger.</summary>
    public static BulkSafetyRegistration Default { get; } = new(BulkSafetyOptions.Create(null), BulkSafetyLedger.Default, GuardMetrics.Default);

    public BulkSafetyOptions Options { get; } = options;

    public BulkSafetyLedger Ledger { get; } = ledger;

    public GuardMetrics Metrics { get; } = metrics;
}
