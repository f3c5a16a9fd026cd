namespace BulkSafety;

/// <summary>What the guard does when it cannot size part of a unit of work (a column type it does not know).</summary>
public enum UnknownCostPolicy
{
    /// <summary>Size each such value at a documented conservative 8 KiB and apply the budgets to that estimate (the default).</summary>
    AssumeConservative,

    /// <summary>Treat the unit of work as a violation of rule <see cref="BulkSafetyRuleIds.UnknownCost"/>.</summary>
    Block,
}
