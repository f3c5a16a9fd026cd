namespace BulkSafety.SafePaths;

/// <summary>
/// What the database computes about a batch's rows instead of sending them: for each combination of stored sizes of the
/// measured text and binary columns (<see cref="KeysetPlan{T}.Measured"/>) that occurs in the batch, how many rows have
/// it. Pricing each combination once is pricing every row: the replication profiles price a row from its sizes alone, and
/// not linearly (alignment, length headers, TOAST chunks), so sums of sizes would not do. A batch whose every column has
/// one size (or only NULLs) has one combination, which <see cref="BatchProbe{T}"/> finds without grouping.
/// </summary>
/// <param name="Rows">The rows of the batch.</param>
/// <param name="Runs">Each combination: its rows, and each measured column's stored size in bytes (<see langword="null"/> for NULL).</param>
internal sealed record BatchAggregate(long Rows, IReadOnlyList<(long Rows, long?[] Sizes)> Runs)
{
    /// <summary>One row, for a table whose rows the model alone sizes (no measured column).</summary>
    public static BatchAggregate OneFixedRow { get; } = new(1, [(1, [])]);
}
