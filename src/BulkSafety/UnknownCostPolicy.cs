namespace BulkSafety;

/// <summary>
/// What the guard does when it cannot size part of a unit of work (a column type it does not know), or cannot estimate a
/// bulk command at all (SQL it does not read, a database it cannot probe, a table outside the EF model).
/// </summary>
public enum UnknownCostPolicy
{
    /// <summary>
    /// Size each value of an unknown type at a documented conservative 8 KiB and apply the budgets to that estimate (the
    /// default). A bulk command that cannot be estimated has no conservative size — its reach is unknown — so it is
    /// treated as a violation of rule <see cref="BulkSafetyRuleIds.UnknownCost"/>.
    /// </summary>
    AssumeConservative,

    /// <summary>Treat anything that cannot be sized as a violation of rule <see cref="BulkSafetyRuleIds.UnknownCost"/>.</summary>
    Block,

    /// <summary>
    /// Size values of an unknown type as <see cref="AssumeConservative"/> does, but let a bulk command that cannot be
    /// estimated run unrecorded, logging why (event 6 at Warning).
    /// </summary>
    Allow,
}
