using BulkSafety.Budgets;

namespace BulkSafety.Interception;

/// <summary>What <c>AddBulkSafety</c> registers: the process-wide options and the ledger every guarded context shares.</summary>
internal sealed class BulkSafetyRegistration(BulkSafetyOptions options, BulkSafetyLedger ledger)
{
    public BulkSafetyOptions Options { get; } = options;

    public BulkSafetyLedger Ledger { get; } = ledger;
}
