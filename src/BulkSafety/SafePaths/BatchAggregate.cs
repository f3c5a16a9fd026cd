namespace BulkSafety.SafePaths;

/// <summary>
/// A batch's rows as the pricing needs them: runs of consecutive rows (in key order) with the same stored sizes of the
/// measured text and binary columns (<see cref="KeysetPlan{T}.Measured"/>). Pricing each run once is pricing every row:
/// the replication profiles price a row from its sizes alone, and not linearly (alignment, length headers, TOAST chunks),
/// so sums of sizes would not do. A batch whose every column has one size (or only NULLs) is one run.
/// </summary>
/// <param name="Rows">The rows of the batch.</param>
/// <param name="Runs">Each run: its rows, and each measured column's stored size in bytes (<see langword="null"/> for NULL).</param>
internal sealed record BatchAggregate(long Rows, IReadOnlyList<(long Rows, long?[] Sizes)> Runs)
{
    /// <summary>One row, for a table whose rows the model alone sizes (no measured column).</summary>
    public static BatchAggregate OneFixedRow { get; } = new(1, [(1, [])]);
}
