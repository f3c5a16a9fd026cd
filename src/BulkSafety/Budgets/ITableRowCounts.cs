namespace BulkSafety.Budgets;

/// <summary>
/// Where the blast-radius budget (<see cref="BulkSafetyOptions.MaxTableFraction"/>) learns how many rows a table has.
/// The guard asks the context's own database (<see cref="Databases.DatabaseTableRowCounts"/> for SaveChanges; a bulk command
/// counts its table with its other probes). An implementation registered in the application's service provider replaces
/// both — the seam tests use to fix a count.
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

/// <summary>The row counts a bulk command's probes found for the tables it deletes or updates rows of.</summary>
internal sealed class KnownTableRowCounts(IReadOnlyDictionary<string, long> rows) : ITableRowCounts
{
    public long? RowCount(string table) => rows.TryGetValue(table, out var count) ? count : null;
}
