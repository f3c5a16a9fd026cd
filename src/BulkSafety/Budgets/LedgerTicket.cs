using BulkSafety.Estimation;

namespace BulkSafety.Budgets;

/// <summary>
/// A unit of work admitted to the <see cref="BulkSafetyLedger"/>: it counts as pending — so that concurrent contexts
/// cannot jointly overshoot a budget — until it is committed into the window or released.
/// </summary>
internal sealed class LedgerTicket
{
    public LedgerTicket(UnitOfWorkEstimate estimate) => Estimate = estimate;

    public UnitOfWorkEstimate Estimate { get; }

    /// <summary>How hot-row reports name this unit of work: context type and its per-table changes.</summary>
    public string Rewriter => field ??= Estimate.Describe();

    /// <summary>The allowance the unit was charged to, refunded when the unit does not commit.</summary>
    public Allowance? ChargedAllowance { get; set; }

    /// <summary>Set once the ticket is committed or released; guarded by the ledger's lock.</summary>
    public bool Settled { get; set; }
}
