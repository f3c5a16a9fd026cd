using System.Globalization;
using System.Text;

namespace BulkSafety;

/// <summary>
/// What the guard found in one unit of work: its estimated replication-log bytes per table, the rows it would make hot,
/// and — when it exceeds a budget — which rule, which budget, and the safe way to do the same work.
/// </summary>
public sealed class BulkSafetyReport
{
    internal BulkSafetyReport(
        string operation,
        string? basis,
        string contextName,
        string profileName,
        string? profileBasis,
        int rows,
        long estimatedBytes,
        long transactionOverheadBytes,
        IReadOnlyList<BulkSafetyTableEstimate> tables,
        IReadOnlyList<BulkSafetyHotRow> hotRows,
        IReadOnlyList<string> unknownColumns,
        long bytesInWindow,
        long maxBytesPerMinute,
        BulkSafetyViolation? violation)
    {
        Operation = operation;
        Basis = basis;
        ContextName = contextName;
        ProfileName = profileName;
        ProfileBasis = profileBasis;
        Rows = rows;
        EstimatedBytes = estimatedBytes;
        TransactionOverheadBytes = transactionOverheadBytes;
        Tables = tables;
        HotRows = hotRows;
        UnknownColumns = unknownColumns;
        BytesInWindow = bytesInWindow;
        MaxBytesPerMinute = maxBytesPerMinute;
        RuleId = violation?.RuleId;
        BudgetName = violation?.BudgetName;
        Budget = violation?.Budget;
        Observed = violation?.Observed;
        Detail = violation?.Detail;
        SuggestedSafePath = violation?.SafePath;
    }

    /// <summary>
    /// What writes the work: <c>SaveChanges</c>, or a bulk command that bypasses the change tracker — <c>ExecuteDelete</c>,
    /// <c>ExecuteUpdate</c>, <c>raw DELETE</c> or <c>raw UPDATE</c> (<c>ExecuteSql</c>, <c>FromSql</c>).
    /// </summary>
    public string Operation { get; }

    /// <summary>
    /// For a bulk command, how its rows and stored sizes were found before it ran (e.g. <c>COUNT(*) over the statement's
    /// predicate</c>, or the PostgreSQL plan's row estimate); <see langword="null"/> for SaveChanges.
    /// </summary>
    public string? Basis { get; }

    /// <summary>The <see cref="Microsoft.EntityFrameworkCore.DbContext"/> type that would write the work.</summary>
    public string ContextName { get; }

    /// <summary>The <see cref="Estimation.ReplicationProfile.Name"/> the estimate follows.</summary>
    public string ProfileName { get; }

    /// <summary>
    /// Why the guard estimated with <see cref="ProfileName"/> when no profile was configured — the default of the database
    /// provider, or a stand-in for a database that writes no replication log the guard models (SQLite);
    /// <see langword="null"/> when the profile was configured.
    /// </summary>
    public string? ProfileBasis { get; }

    /// <summary>Rows the unit of work writes.</summary>
    public int Rows { get; }

    /// <summary>The estimated replication-log bytes of the whole unit of work.</summary>
    public long EstimatedBytes { get; }

    /// <summary>The part of <see cref="EstimatedBytes"/> that belongs to the transaction rather than a table.</summary>
    public long TransactionOverheadBytes { get; }

    /// <summary>Rows and bytes per table, largest first.</summary>
    public IReadOnlyList<BulkSafetyTableEstimate> Tables { get; }

    /// <summary>Rows this unit of work would rewrite more often than the hot-row budget allows.</summary>
    public IReadOnlyList<BulkSafetyHotRow> HotRows { get; }

    /// <summary>Columns whose values were sized conservatively because their type is unknown (<c>table.Property</c>).</summary>
    public IReadOnlyList<string> UnknownColumns { get; }

    /// <summary>Log bytes the process wrote (or is writing) within the last minute, before this unit of work.</summary>
    public long BytesInWindow { get; }

    /// <summary>The rolling-window budget the window was measured against.</summary>
    public long MaxBytesPerMinute { get; }

    /// <summary>The ID of the exceeded budget (<see cref="BulkSafetyRuleIds"/>); <see langword="null"/> when every budget holds.</summary>
    public string? RuleId { get; }

    /// <summary>The name of the exceeded option, e.g. <c>MaxBytesPerMinute</c>.</summary>
    public string? BudgetName { get; }

    /// <summary>The exceeded budget's value.</summary>
    public double? Budget { get; }

    /// <summary>The value that exceeded it (bytes, rows, weighted rewrites or a fraction, as the budget counts).</summary>
    public double? Observed { get; }

    /// <summary>One sentence on what exceeded the budget.</summary>
    public string? Detail { get; }

    /// <summary>The safe way to do the same work, when a budget is exceeded.</summary>
    public string? SuggestedSafePath { get; }

    /// <summary>Whether the unit of work exceeds a budget.</summary>
    public bool IsViolation => RuleId is not null;

    /// <summary>The report as a log reads it: the verdict, the per-table tally, the hot rows and the safe path.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(Detail ?? "Within every budget.").AppendLine();
        text.Append(CultureInfo.InvariantCulture, $"{Operation} of {ContextName}: {Rows:N0} rows, {EstimatedBytes:N0} B of {ProfileName} log; window: {BytesInWindow:N0} B in the last minute (budget {MaxBytesPerMinute:N0} B/min).").AppendLine();
        if (ProfileBasis is not null)
        {
            text.Append("Profile ").Append(ProfileName).Append(": ").Append(ProfileBasis).Append('.').AppendLine();
        }

        text.Append(CultureInfo.InvariantCulture, $"  {"table",-28} {"ins",7} {"upd",7} {"del",7} {"bytes",14} {"share",7}").AppendLine();
        foreach (var table in Tables)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {table.Table,-28} {table.Inserted,7:N0} {table.Updated,7:N0} {table.Deleted,7:N0} {table.Bytes,14:N0} {table.Share,7:P1}").AppendLine();
        }

        if (TransactionOverheadBytes > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"  {"(transaction)",-28} {"",7} {"",7} {"",7} {TransactionOverheadBytes,14:N0} {(double)TransactionOverheadBytes / Math.Max(1, EstimatedBytes),7:P1}").AppendLine();
        }

        if (Tables.Any(t => t.DeletedByDatabase > 0))
        {
            text.Append("Deleted by the database's ON DELETE CASCADE (not tracked; counted by a probe): ")
                .AppendJoin(", ", Tables.Where(t => t.DeletedByDatabase > 0).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Table} {t.DeletedByDatabase:N0}")))
                .AppendLine();
        }

        if (Tables.Any(t => t.UpdatedByDatabase > 0))
        {
            text.Append("Updated by the database's ON DELETE SET NULL/SET DEFAULT (not tracked; counted by a probe): ")
                .AppendJoin(", ", Tables.Where(t => t.UpdatedByDatabase > 0).Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Table} {t.UpdatedByDatabase:N0}")))
                .AppendLine();
        }

        foreach (var row in HotRows)
        {
            text.Append(CultureInfo.InvariantCulture, $"Hot row {row.Row}: {row.Rewrites:N0} rewrites ({row.WeightedRewrites:N0} weighted), {row.Bytes:N0} B in the last minute; rewritten by {string.Join("; ", row.Rewriters)}.").AppendLine();
        }

        if (Basis is not null)
        {
            text.Append("Estimated from: ").Append(Basis).AppendLine();
        }

        if (UnknownColumns.Count > 0)
        {
            text.Append("Sized conservatively (unknown type): ").AppendJoin(", ", UnknownColumns).AppendLine();
        }

        if (SuggestedSafePath is not null)
        {
            text.Append("Safe path: ").Append(SuggestedSafePath).AppendLine();
        }

        return text.ToString().TrimEnd();
    }
}

/// <summary>Which budget a unit of work exceeds, by how much, and the safe alternative.</summary>
internal sealed record BulkSafetyViolation(string RuleId, string BudgetName, double Budget, double Observed, string Detail, string SafePath);
