using System.Globalization;

namespace BulkSafety.Databases;

/// <summary>A table's row count and where it came from.</summary>
/// <param name="Rows">The rows.</param>
/// <param name="Source">The query that gave it, for reports: <c>COUNT(*)</c> or <c>pg_class.reltuples</c>.</param>
internal sealed record TableRowCount(long Rows, string Source);

/// <summary>
/// How many rows a table has, for the blast-radius budget. SQLite: an exact <c>COUNT(*)</c>. PostgreSQL: the planner's
/// <c>pg_class.reltuples</c> while it is fresh — the table has been analyzed and has not changed since by more than
/// autovacuum's own re-analyze threshold (<c>n_mod_since_analyze</c> ≤ 50 + 10 % of <c>reltuples</c>, the defaults of
/// <c>autovacuum_analyze_threshold</c> and <c>autovacuum_analyze_scale_factor</c>) — else an exact <c>COUNT(*)</c>.
/// </summary>
internal static class TableRowCountProbe
{
    public const string CountSource = "COUNT(*)";
    public const string StatisticsSource = "pg_class.reltuples";
    private const long AnalyzeThreshold = 50;
    private const double AnalyzeScaleFactor = 0.1;

    /// <summary>The row count of a table, or <see langword="null"/> when the database does not know the table.</summary>
    public static async ValueTask<TableRowCount?> CountAsync(ProbeScope scope, string? schema, string table, bool async, CancellationToken cancellationToken)
    {
        var quoted = scope.Dialect.QuoteTable(schema, table);
        if (scope.Dialect.PlansRowCounts)
        {
            var statistics = await scope.QueryAsync(
                "SELECT c.reltuples::bigint, coalesce(s.n_mod_since_analyze, 0) FROM pg_class c LEFT JOIN pg_stat_all_tables s ON s.relid = c.oid WHERE c.oid = to_regclass(@relation)",
                null,
                [new("relation", quoted)],
                reader => ((long Tuples, long Modified)?)(reader.GetInt64(0), reader.GetInt64(1)),
                async,
                cancellationToken).ConfigureAwait(false);
            if (statistics is not { } found)
            {
                return null;
            }

            if (found.Tuples >= 0 && found.Modified <= AnalyzeThreshold + (AnalyzeScaleFactor * found.Tuples))
            {
                return new TableRowCount(found.Tuples, StatisticsSource);
            }
        }

        var count = await scope.QueryAsync(
            $"SELECT COUNT(*) FROM {quoted}",
            null,
            [],
            reader => Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture),
            async,
            cancellationToken).ConfigureAwait(false);
        return new TableRowCount(count, CountSource);
    }
}
