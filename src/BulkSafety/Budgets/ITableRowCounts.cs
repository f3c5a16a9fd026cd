namespace BulkSafety.Budgets;

/// <summary>
/// Where the blast-radius budget (<see cref="BulkSafetyOptions.MaxTableFraction"/>) learns how many rows a table has.
/// The guard resolves an implementation from the application's service provider; without one no count is known and
/// the budget does not apply. Counting against live databases (statistics, COUNT probes) comes with the bulk-command
/// estimation, which supplies the implementation.
/// </summary>
internal interface ITableRowCounts
{
    /// <summary>The row count of <paramref name="table"/> (schema-qualified), or <see langword="null"/> when unknown.</summary>
    long? RowCount(string table);
}

/// <summary>No row counts known.</summary>
internal sealed class UnknownTableRowCounts : ITableRowCounts
{
    public static UnknownTableRowCounts Instance { get; } = new();

    public long? RowCount(string table) => null;
}
