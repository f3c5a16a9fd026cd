using System.Globalization;
using BulkSafety.Estimation;

namespace BulkSafety.Budgets;

/// <summary>
/// The budgets of one unit of work — the per-unit rules checked here, the rolling-window rules judged by the ledger —
/// and the report that explains a verdict.
/// </summary>
internal static class BudgetRules
{
    private const string BatchesSafePath = "Split the work into bounded batches, each its own SaveChanges or a keyset-batched ExecuteDelete/ExecuteUpdate of a few thousand rows, and pace the batches to stay under MaxBytesPerMinute.";
    private const string RateSafePath = "Pace the work: run it in bounded batches with pauses (BulkSafetyMode.Throttle waits for room), or off-peak; if the volume is intended, run it inside BulkSafetyScope.Allow(reason, maxBytes).";
    private const string HotRowSafePath = "Do not rewrite the parent once per child: delete or update the children set-based (ExecuteDelete/ExecuteUpdate in bounded batches), then update the parent's counters and timestamp once; keep wide text out of rows that are rewritten often.";
    private const string TableFractionSafePath = "If the mass change is intended, run it as a batched job — query.DeleteInBatchesAsync() or UpdateInBatchesAsync(...), keyset batches paced to the budgets — inside using (BulkSafetyScope.Allow(\"why\")), which lets it past this budget and logs the reason. If it is not, check the filter: an empty id list or a missing condition matches the whole table.";
    private const string BinlogCacheSafePath = "Commit in smaller transactions: bounded batches, each its own transaction (query.DeleteInBatchesAsync()/UpdateInBatchesAsync(...)), instead of one transaction around all of it; or raise max_binlog_cache_size on the primary and on every replica with log_slave_updates.";
    private const string LogEventSafePath = "Keep wide values out of the rows this work writes: a row's image (both images for an UPDATE under binlog_row_image=FULL; MINIMAL or NOBLOB log less) or a statement's text is one binlog event whatever its size. Or raise max_allowed_packet on the primary and slave_max_allowed_packet on the replicas.";
    private const string UnknownColumnsSafePath = "Map the column to a type the estimator can size (text, binary, numbers, dates, GUIDs), or set OnUnknown to AssumeConservative.";
    private const string UnknownCommandSafePath = "Write the statement as a single-table DELETE/UPDATE with a WHERE clause (or use ExecuteDelete/ExecuteUpdate), in bounded batches; run it inside BulkSafetyScope.Allow(reason) if it is known to be safe; or set OnUnknown to Allow to let commands the guard cannot estimate through.";
    private const string UncountedCascadesSafePath = "Delete the dependent rows first, set-based and in bounded batches (ExecuteDelete/DeleteInBatchesAsync), so that the database's cascade has nothing left to delete; or run the session in a mode the guard's probes read (docs/guard.md); or set OnUnknown to Allow to let such deletes through with their cascades uncounted.";
    private const string UnknownEstimateSafePath = "Report the estimator failure; meanwhile set OnUnknown to AssumeConservative to let such work through unrecorded.";

    /// <summary>The first budget <paramref name="estimate"/> exceeds, per-unit budgets before window budgets, or <see langword="null"/>.</summary>
    public static BulkSafetyViolation? FirstViolation(UnitOfWorkEstimate estimate, LedgerVerdict verdict, BulkSafetyOptions options, ITableRowCounts rowCounts)
        => CheckUnitOfWork(estimate, options, rowCounts) ?? CheckWindow(verdict, estimate, options);

    /// <summary>The first per-unit budget <paramref name="estimate"/> exceeds, or <see langword="null"/>.</summary>
    public static BulkSafetyViolation? CheckUnitOfWork(UnitOfWorkEstimate estimate, BulkSafetyOptions options, ITableRowCounts rowCounts)
    {
        var profile = estimate.Profile.Name;
        if (options.OnUnknown == UnknownCostPolicy.Block && estimate.UnknownColumns is { Count: > 0 } unknown)
        {
            return UnknownCost(UnknownCause.Columns, $"{unknown.Count} column(s) cannot be sized: {string.Join(", ", unknown.Order(StringComparer.Ordinal))}", options.OnUnknown, unknown.Count);
        }

        // No conservative count exists for rows a cascade reaches: only Allow lets the unit through without them.
        if (options.OnUnknown != UnknownCostPolicy.Allow && estimate.UncountedCascades is var (tables, reason))
        {
            return UnknownCost(UnknownCause.Cascades, $"the rows the database's ON DELETE CASCADE would delete from {string.Join(", ", tables)} cannot be counted ({reason})", options.OnUnknown, tables.Count);
        }

        if (CheckEngineLimits(estimate, options) is { } engineLimit)
        {
            return engineLimit;
        }

        if (estimate.Rows > options.MaxRowsPerUnitOfWork)
        {
            return new(BulkSafetyRuleIds.UnitOfWorkRows, nameof(BulkSafetyOptions.MaxRowsPerUnitOfWork), options.MaxRowsPerUnitOfWork, estimate.Rows,
                Invariant($"{BulkSafetyRuleIds.UnitOfWorkRows}: this {estimate.Operation} would write {estimate.Rows:N0} rows, more than MaxRowsPerUnitOfWork ({options.MaxRowsPerUnitOfWork:N0})."),
                BatchesSafePath);
        }

        if (estimate.TotalBytes > options.MaxBytesPerUnitOfWork)
        {
            return new(BulkSafetyRuleIds.UnitOfWorkBytes, nameof(BulkSafetyOptions.MaxBytesPerUnitOfWork), options.MaxBytesPerUnitOfWork, estimate.TotalBytes,
                Invariant($"{BulkSafetyRuleIds.UnitOfWorkBytes}: this {estimate.Operation} would write {estimate.TotalBytes:N0} B of {profile} log, more than MaxBytesPerUnitOfWork ({options.MaxBytesPerUnitOfWork:N0} B)."),
                BatchesSafePath);
        }

        return CheckTableFraction(estimate, options, rowCounts);
    }

    /// <summary>
    /// The MariaDB/MySQL limit the unit would break on the server — its transaction's binlog cache over
    /// <c>max_binlog_cache_size</c>, one event over a packet limit — or <see langword="null"/>. Unlike a budget, the server
    /// enforces these after doing the work (error 1197 rolls the statement back) or a replica stops on them.
    /// </summary>
    public static BulkSafetyViolation? CheckEngineLimits(UnitOfWorkEstimate estimate, BulkSafetyOptions options)
    {
        if (options.ProfileIsStandIn || estimate.Profile is not MySqlRowProfile { Settings: var server })
        {
            return null;
        }

        var (cacheCap, cacheBudget, cacheCapName) = BinlogCacheCap(server, options);
        var cached = estimate.OpenTransactionBytes + estimate.StatementBytes;
        if (cacheCap is { } cap && cached > cap)
        {
            var earlier = estimate.OpenTransactionBytes > 0 ? Invariant($" ({estimate.OpenTransactionBytes:N0} B of it from earlier work in the same transaction)") : "";
            return new(BulkSafetyRuleIds.BinlogCacheSize, cacheBudget, cap, cached,
                Invariant($"{BulkSafetyRuleIds.BinlogCacheSize}: this {estimate.Operation} would bring its transaction to {cached:N0} B of binlog cache{earlier}, more than the {cacheCapName} ({cap:N0} B): the server fails the statement with error 1197 after doing its work, or the replica stops."),
                BinlogCacheSafePath);
        }

        var (packetCap, packetBudget, packetCapName) = Lowest(
            (server.MaxAllowedPacket, nameof(MySqlBinlogSettings.MaxAllowedPacket), "max_allowed_packet of the primary"),
            (options.ReplicaMaxAllowedPacket, nameof(BulkSafetyOptions.ReplicaMaxAllowedPacket), "slave_max_allowed_packet of a replica (ReplicaMaxAllowedPacket)"));
        if (packetCap is { } packet && estimate.LargestEventBytes > packet)
        {
            return new(BulkSafetyRuleIds.LogEventSize, packetBudget, packet, estimate.LargestEventBytes,
                Invariant($"{BulkSafetyRuleIds.LogEventSize}: this {estimate.Operation} would log a binlog event of {estimate.LargestEventBytes:N0} B (one row's image or one statement's text, which are never split), more than the {packetCapName} ({packet:N0} B): replication of it fails."),
                LogEventSafePath);
        }

        return null;
    }

    /// <summary>
    /// The binlog cache one transaction may fill under <paramref name="options"/>' MariaDB/MySQL profile — the lower of
    /// the primary's and the replicas' <c>max_binlog_cache_size</c> — or <see langword="null"/> when none applies.
    /// </summary>
    public static long? BinlogCacheCap(BulkSafetyOptions options)
        => !options.ProfileIsStandIn && options.Profile is MySqlRowProfile { Settings: var server } ? BinlogCacheCap(server, options).Cap : null;

    private static (long? Cap, string Budget, string Name) BinlogCacheCap(MySqlBinlogSettings server, BulkSafetyOptions options)
        => Lowest(
            (server.MaxBinlogCacheSize, nameof(MySqlBinlogSettings.MaxBinlogCacheSize), "max_binlog_cache_size of the primary"),
            (options.ReplicaMaxBinlogCacheSize, nameof(BulkSafetyOptions.ReplicaMaxBinlogCacheSize), "max_binlog_cache_size of a replica (ReplicaMaxBinlogCacheSize)"));

    private static (long? Cap, string Budget, string Name) Lowest((long? Cap, string Budget, string Name) primary, (long? Cap, string Budget, string Name) replica)
        => replica.Cap is { } r && (primary.Cap is not { } p || r < p) ? replica : primary;

    /// <summary>Whether <paramref name="ruleId"/> is a limit the server enforces, which no allowance can lift.</summary>
    public static bool IsEngineLimit(string ruleId) => ruleId is BulkSafetyRuleIds.BinlogCacheSize or BulkSafetyRuleIds.LogEventSize;

    /// <summary>The first table of which <paramref name="estimate"/> touches more than <see cref="BulkSafetyOptions.MaxTableFraction"/>, or <see langword="null"/>.</summary>
    public static BulkSafetyViolation? CheckTableFraction(UnitOfWorkEstimate estimate, BulkSafetyOptions options, ITableRowCounts rowCounts)
    {
        foreach (var table in estimate.Tables)
        {
            var touched = table.Updated + table.Deleted;
            if (MayExceedTableFraction(touched, options) && rowCounts.RowCount(table.Table) is { } count
                && count >= Math.Max(1, options.MinTableRowsForFraction) && (double)touched / count > options.MaxTableFraction)
            {
                var fraction = (double)touched / count;
                return new(BulkSafetyRuleIds.TableFraction, nameof(BulkSafetyOptions.MaxTableFraction), options.MaxTableFraction, fraction,
                    Invariant($"{BulkSafetyRuleIds.TableFraction}: this {estimate.Operation} would update or delete {touched:N0} of the {count:N0} rows of {table.Table} ({fraction:P0}), more than MaxTableFraction ({options.MaxTableFraction:P0})."),
                    TableFractionSafePath);
            }
        }

        return null;
    }

    /// <summary>
    /// Whether touching <paramref name="touched"/> rows of one table could exceed <see cref="BulkSafetyOptions.MaxTableFraction"/>
    /// of a table the fraction applies to (at least <see cref="BulkSafetyOptions.MinTableRowsForFraction"/> rows); when it
    /// cannot, the table's rows are not counted.
    /// </summary>
    public static bool MayExceedTableFraction(long touched, BulkSafetyOptions options)
        => touched > 0 && touched > options.MaxTableFraction * options.MinTableRowsForFraction;

    /// <summary>The rolling-window budget a ledger verdict reports exceeded: a hot row first, then the byte rate.</summary>
    public static BulkSafetyViolation? CheckWindow(LedgerVerdict verdict, UnitOfWorkEstimate estimate, BulkSafetyOptions options)
    {
        var profile = estimate.Profile.Name;
        if (verdict.HotRows.Count > 0)
        {
            var row = verdict.HotRows[0];
            return new(BulkSafetyRuleIds.HotRow, nameof(BulkSafetyOptions.MaxRewritesPerRowPerMinute), options.MaxRewritesPerRowPerMinute, row.WeightedRewrites,
                Invariant($"{BulkSafetyRuleIds.HotRow}: {row.Row} would be rewritten {row.Rewrites:N0} times within a minute, {row.Bytes:N0} B of {profile} log ({row.WeightedRewrites:N0} weighted rewrites), more than MaxRewritesPerRowPerMinute ({options.MaxRewritesPerRowPerMinute:N0})."),
                HotRowSafePath);
        }

        if (verdict.RateExceeded)
        {
            var total = verdict.BytesInWindow + estimate.TotalBytes;
            return new(BulkSafetyRuleIds.BytesPerMinute, nameof(BulkSafetyOptions.MaxBytesPerMinute), options.MaxBytesPerMinute, total,
                Invariant($"{BulkSafetyRuleIds.BytesPerMinute}: this {estimate.Operation} ({estimate.TotalBytes:N0} B) would bring the process to {total:N0} B of {profile} log within a minute, more than MaxBytesPerMinute ({options.MaxBytesPerMinute:N0} B)."),
                RateSafePath);
        }

        return null;
    }

    /// <summary>
    /// The BS9006 violation of work the guard cannot price: <paramref name="what"/> says what cannot be estimated and why,
    /// <paramref name="cause"/> chooses the safe path.
    /// </summary>
    public static BulkSafetyViolation UnknownCost(UnknownCause cause, string what, UnknownCostPolicy policy, double observed = 1)
        => new(BulkSafetyRuleIds.UnknownCost, nameof(BulkSafetyOptions.OnUnknown), 0, observed,
            Invariant($"{BulkSafetyRuleIds.UnknownCost}: {what}; OnUnknown is {policy}."),
            cause switch
            {
                UnknownCause.Columns => UnknownColumnsSafePath,
                UnknownCause.Command => UnknownCommandSafePath,
                UnknownCause.Cascades => UncountedCascadesSafePath,
                _ => UnknownEstimateSafePath,
            });

    public static BulkSafetyReport Report(UnitOfWorkEstimate estimate, LedgerVerdict verdict, BulkSafetyOptions options, BulkSafetyViolation? violation)
    {
        var total = Math.Max(1, estimate.TotalBytes);
        var tables = estimate.Tables
            .OrderByDescending(t => t.Bytes)
            .ThenBy(t => t.Table, StringComparer.Ordinal)
            .Select(t => new BulkSafetyTableEstimate(t.Table, t.Inserted, t.Updated, t.Deleted, t.Bytes, (double)t.Bytes / total, t.DeletedByDatabase, t.UpdatedByDatabase))
            .ToArray();
        var rewriter = estimate.Describe();
        var hotRows = verdict.HotRows
            .Select(h => new BulkSafetyHotRow(h.Row.ToString(), h.Rewrites, h.WeightedRewrites, h.Bytes, [.. h.Rewriters.Where(r => r != rewriter), rewriter]))
            .ToArray();
        var unknown = estimate.UnknownColumns?.Order(StringComparer.Ordinal).ToArray() ?? [];
        return new BulkSafetyReport(
            estimate.Operation,
            estimate.Basis,
            estimate.ContextName,
            estimate.Profile.Name,
            options.ProfileBasis,
            estimate.Rows,
            estimate.TotalBytes,
            estimate.TransactionBytes,
            tables,
            hotRows,
            unknown,
            verdict.BytesInWindow,
            options.MaxBytesPerMinute,
            violation);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Why work could not be priced: it chooses the safe path of a BS9006.</summary>
internal enum UnknownCause
{
    /// <summary>Columns whose type the estimator cannot size (OnUnknown = Block).</summary>
    Columns,

    /// <summary>A bulk command that could not be read or probed before it runs.</summary>
    Command,

    /// <summary>The estimator failed on a SaveChanges.</summary>
    Estimator,

    /// <summary>Rows the database's ON DELETE CASCADE would delete could not be counted (the probe was refused).</summary>
    Cascades,
}
