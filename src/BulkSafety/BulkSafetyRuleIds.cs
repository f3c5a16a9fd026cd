namespace BulkSafety;

/// <summary>
/// The stable IDs of the runtime guard's budgets, carried by <see cref="BulkSafetyReport.RuleId"/>. The 9xxx range is the
/// runtime's; the analyzers use 1xxx–3xxx. An ID is never reused.
/// </summary>
public static class BulkSafetyRuleIds
{
    /// <summary>One SaveChanges or bulk command would write more than <see cref="BulkSafetyOptions.MaxBytesPerUnitOfWork"/>.</summary>
    public const string UnitOfWorkBytes = "BS9001";

    /// <summary>One SaveChanges or bulk command would write more than <see cref="BulkSafetyOptions.MaxRowsPerUnitOfWork"/> rows.</summary>
    public const string UnitOfWorkRows = "BS9002";

    /// <summary>The process would write more than <see cref="BulkSafetyOptions.MaxBytesPerMinute"/> within a minute.</summary>
    public const string BytesPerMinute = "BS9003";

    /// <summary>One row would be rewritten more than <see cref="BulkSafetyOptions.MaxRewritesPerRowPerMinute"/> weighted times within a minute.</summary>
    public const string HotRow = "BS9004";

    /// <summary>One SaveChanges or bulk command would update or delete more than <see cref="BulkSafetyOptions.MaxTableFraction"/> of a table's rows.</summary>
    public const string TableFraction = "BS9005";

    /// <summary>
    /// MariaDB/MySQL: the unit would take its transaction's binlog cache past <c>max_binlog_cache_size</c> (the primary's,
    /// <see cref="Estimation.MySqlBinlogSettings.MaxBinlogCacheSize"/>, or a replica's, <see cref="BulkSafetyOptions.ReplicaMaxBinlogCacheSize"/>).
    /// </summary>
    public const string BinlogCacheSize = "BS9007";

    /// <summary>
    /// MariaDB/MySQL: one binlog event of the unit — a row's image or a statement's text — would be larger than the
    /// primary's <c>max_allowed_packet</c> or a replica's <c>slave_max_allowed_packet</c>.
    /// </summary>
    public const string LogEventSize = "BS9008";

    /// <summary>Part of the unit of work cannot be sized and <see cref="BulkSafetyOptions.OnUnknown"/> is <see cref="UnknownCostPolicy.Block"/>, or a bulk command cannot be estimated and it is not <see cref="UnknownCostPolicy.Allow"/>.</summary>
    public const string UnknownCost = "BS9006";
}
