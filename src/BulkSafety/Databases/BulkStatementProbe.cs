using System.Data.Common;
using System.Globalization;
using System.Text;
using BulkSafety.Estimation;
using BulkSafety.Sql;
using Microsoft.EntityFrameworkCore.Metadata;

namespace BulkSafety.Databases;

/// <summary>What a probe found about the rows a bulk statement matches.</summary>
/// <param name="Rows">The rows the statement would delete or update.</param>
/// <param name="MeasuredRows">The rows <paramref name="StoredBytes"/> were summed over: all of them, or a sample.</param>
/// <param name="StoredBytes">Per measured column, the sum of its values' stored byte lengths over the measured rows; -1
/// when every value is NULL (or no row matched).</param>
/// <param name="Basis">How the figures were obtained, for reports.</param>
/// <param name="LargestBytes">Per measured column, its largest value's stored byte length over the measured rows (-1 when
/// every value is NULL): a row no larger than the widest the statement changes. Not measured for cascades.</param>
internal sealed record AffectedRows(long Rows, long MeasuredRows, long[] StoredBytes, string Basis, long[]? LargestBytes = null);

/// <summary>
/// Asks the database which rows a <see cref="BulkStatement"/> matches before it runs. The probe is the statement turned
/// into a SELECT over the same table, alias and predicate, with the command's own parameters:
/// <code>
/// DELETE FROM t AS x WHERE p                →  SELECT COUNT(*), SUM(c1), ... FROM (SELECT 1, size(x.col1) AS c1, ... FROM t AS x WHERE p) AS probe
/// UPDATE t AS x SET ... FROM f WHERE p      →  ... FROM t AS x WHERE EXISTS (SELECT 1 FROM f WHERE p) ...
/// </code>
/// so it counts each target row once, as the statement changes it once, and sums the stored byte length of every
/// text and binary column over those rows (what FULL row images log, untouched columns included). Everything runs in a
/// <see cref="ProbeScope"/>, which first has the engine read the statement itself (<see cref="ProbeScope.ReadStatementAsync"/>):
/// one statement, on the table the guard resolved, calling nothing with side effects. On PostgreSQL that reading is the
/// statement's plan: when it expects more than <see cref="ExactCountMaxPlanRows"/> rows, the plan's row estimate is used
/// and the sizes are measured on the first <see cref="SampleRows"/> matching rows only, so that probing a huge statement
/// does not cost a second pass over it; and the counting query's plan must scan the same relations under the same
/// conditions as the statement's (<see cref="ProbeScope.VerifyCountingQueryAsync"/>).
/// </summary>
internal static class BulkStatementProbe
{
    /// <summary>Above this many plan rows (PostgreSQL), rows come from the plan and sizes from a sample.</summary>
    public const long ExactCountMaxPlanRows = 100_000;

    /// <summary>The rows whose sizes are measured when the plan's estimate is used.</summary>
    public const int SampleRows = 1_000;

    public static async ValueTask<AffectedRows> MeasureAsync(ProbeScope scope, BulkStatement statement, ITable table, DbCommand command, IReadOnlyList<ColumnShape> measured, bool async, CancellationToken cancellationToken)
    {
        var reading = await scope.ReadStatementAsync(statement, table.Schema, table.Name, command, async, cancellationToken).ConfigureAwait(false);
        var planRows = reading.PlanRows;
        var sampled = planRows > ExactCountMaxPlanRows;
        var sql = CountingQuery(scope.Dialect, statement, measured, sampled ? SampleRows : null);
        await scope.VerifyCountingQueryAsync(reading, sql, command, async, cancellationToken).ConfigureAwait(false);
        var (count, sums, largest) = await scope.QueryAsync(sql, command, [], ReadCountAndSizes(measured.Count, withLargest: true), async, cancellationToken).ConfigureAwait(false);
        return sampled
            ? new AffectedRows((long)Math.Ceiling(planRows!.Value), count, sums!, string.Create(CultureInfo.InvariantCulture, $"rows from the EXPLAIN plan ({planRows:N0}), stored sizes from {count:N0} sampled matching rows"), largest)
            : new AffectedRows(count, count, sums!, planRows is { } planned
                ? string.Create(CultureInfo.InvariantCulture, $"COUNT(*) over the statement's predicate (EXPLAIN plan: {planned:N0} rows), stored sizes summed over them")
                : "COUNT(*) over the statement's predicate, stored sizes summed over them", largest);
    }

    /// <summary>
    /// The SELECT that counts the statement's rows and sums the stored sizes of <paramref name="measured"/>, then takes the
    /// largest of each.
    /// </summary>
    public static string CountingQuery(DatabaseDialect dialect, BulkStatement statement, IReadOnlyList<ColumnShape> measured, int? limit)
    {
        var inner = new StringBuilder("SELECT 1 AS bulksafety_row");
        var outer = new StringBuilder("SELECT COUNT(*)");
        for (var i = 0; i < measured.Count; i++)
        {
            inner.Append(CultureInfo.InvariantCulture, $", {dialect.StoredBytes(statement.Qualifier, measured[i].Name, measured[i].Type)} AS bulksafety_c{i}");
            outer.Append(CultureInfo.InvariantCulture, $", SUM(bulksafety_c{i})");
        }

        for (var i = 0; i < measured.Count; i++)
        {
            outer.Append(CultureInfo.InvariantCulture, $", MAX(bulksafety_c{i})");
        }

        inner.Append(" FROM ").Append(statement.Only ? "ONLY " : "").Append(statement.TableText);
        if (statement.Alias is { } alias)
        {
            inner.Append(" AS ").Append(alias);
        }

        if (statement.FromList is { } from)
        {
            inner.Append(" WHERE EXISTS (SELECT 1 FROM ").Append(from);
            if (statement.Predicate is { } joined)
            {
                inner.Append(" WHERE ").Append(joined);
            }

            inner.Append(')');
        }
        else if (statement.Predicate is { } predicate)
        {
            inner.Append(" WHERE ").Append(predicate);
        }

        if (limit is { } rows)
        {
            inner.Append(CultureInfo.InvariantCulture, $" LIMIT {rows}");
        }

        return outer.Append(" FROM (").Append(inner).Append(") AS bulksafety_probe").ToString();
    }

    /// <summary>
    /// The rows of one dependent table that the database will delete through <c>ON DELETE CASCADE</c> (or update through
    /// <c>ON DELETE SET NULL</c> / <c>SET DEFAULT</c>) when the DELETE runs, reached by any of <paramref name="cascades"/>
    /// (chains of foreign keys from the statement's table), counted once,
    /// with the stored sizes of <paramref name="measured"/> summed over them.
    /// </summary>
    public static async ValueTask<AffectedRows> MeasureCascadeAsync(ProbeScope scope, BulkStatement statement, DbCommand command, IReadOnlyList<DatabaseCascade> cascades, IReadOnlyList<ColumnShape> measured, bool async, CancellationToken cancellationToken)
        => (await scope.QueryAsync(CascadeQuery(scope.Dialect, statement, cascades, measured), command, [], ReadCascade(measured.Count, "COUNT(*) of the rows ON DELETE CASCADE reaches from the statement's predicate"), async, cancellationToken).ConfigureAwait(false))!;

    /// <summary>Reads what a <see cref="CascadeQuery(DatabaseDialect, IReadOnlyList{DatabaseCascade}, IReadOnlyList{ColumnShape}, string, string, Action{StringBuilder}?)"/> returns.</summary>
    public static Func<DbDataReader, AffectedRows> ReadCascade(int measured, string basis) => reader =>
    {
        var (count, sums, _) = ReadCountAndSizes(measured, withLargest: false)(reader);
        return new AffectedRows(count, count, sums, basis);
    };

    /// <summary>
    /// <c>SELECT COUNT(*), SUM(size(d0.c)), ... FROM dependent AS d0 WHERE chain OR chain ...</c>: each chain climbs the foreign
    /// keys with nested <c>EXISTS</c> (aliases <c>bulksafety_d0</c> at the dependent, <c>bulksafety_d1</c> one level up...)
    /// to the statement's own table under its own alias and predicate.
    /// </summary>
    public static string CascadeQuery(DatabaseDialect dialect, BulkStatement statement, IReadOnlyList<DatabaseCascade> cascades, IReadOnlyList<ColumnShape> measured)
    {
        var root = $"{(statement.Only ? "ONLY " : "")}{statement.TableText}{(statement.Alias is { } alias ? $" AS {alias}" : "")}";
        Action<StringBuilder>? condition = statement.FromList is { } from
            ? text => text.Append("EXISTS (SELECT 1 FROM ").Append(from).Append(statement.Predicate is { } joined ? $" WHERE {joined}" : "").Append(')')
            : statement.Predicate is { } predicate ? text => text.Append('(').Append(predicate).Append(')') : null;
        return CascadeQuery(dialect, cascades, measured, root, statement.Qualifier, condition);
    }

    /// <summary>
    /// The same query for any root: the chains end at <paramref name="rootFrom"/> (a table as <paramref name="rootAlias"/>),
    /// whose rows are held to <paramref name="rootCondition"/> when there is one.
    /// </summary>
    public static string CascadeQuery(DatabaseDialect dialect, IReadOnlyList<DatabaseCascade> cascades, IReadOnlyList<ColumnShape> measured, string rootFrom, string rootAlias, Action<StringBuilder>? rootCondition)
    {
        var table = cascades[0].Table;
        var text = new StringBuilder("SELECT COUNT(*)");
        foreach (var column in measured)
        {
            text.Append(", SUM(").Append(dialect.StoredBytes(DependentAlias(0), column.Name, column.Type)).Append(')');
        }

        text.Append(" FROM ").Append(dialect.QuoteTable(table.Schema, table.Name)).Append(" AS ").Append(DependentAlias(0)).Append(" WHERE ");
        for (var i = 0; i < cascades.Count; i++)
        {
            text.Append(i > 0 ? " OR " : "(");
            AppendChain(text, dialect, cascades[i].Path, cascades[i].Path.Length, rootFrom, rootAlias, rootCondition);
        }

        return text.Append(')').ToString();
    }

    // The row aliased for level (path.Length - level) descends from a row of the root: an EXISTS per foreign key, up to
    // the root read from rootFrom as rootAlias and held to rootCondition when there is one.
    private static void AppendChain(StringBuilder text, DatabaseDialect dialect, IForeignKeyConstraint[] path, int level, string rootFrom, string rootAlias, Action<StringBuilder>? rootCondition)
    {
        var foreignKey = path[level - 1];
        var child = DependentAlias(path.Length - level);
        var atRoot = level == 1;
        var parent = atRoot ? rootAlias : DependentAlias(path.Length - level + 1);
        text.Append("EXISTS (SELECT 1 FROM ");
        if (atRoot)
        {
            text.Append(rootFrom);
        }
        else
        {
            text.Append(dialect.QuoteTable(foreignKey.PrincipalTable.Schema, foreignKey.PrincipalTable.Name)).Append(" AS ").Append(parent);
        }

        text.Append(" WHERE ");
        for (var i = 0; i < foreignKey.Columns.Count; i++)
        {
            text.Append(i > 0 ? " AND " : "").Append(parent).Append('.').Append(dialect.Quote(foreignKey.PrincipalColumns[i].Name))
                .Append(" = ").Append(child).Append('.').Append(dialect.Quote(foreignKey.Columns[i].Name));
        }

        if (!atRoot)
        {
            text.Append(" AND ");
            AppendChain(text, dialect, path, level - 1, rootFrom, rootAlias, rootCondition);
        }
        else if (rootCondition is not null)
        {
            text.Append(" AND ");
            rootCondition(text);
        }

        text.Append(')');
    }

    private static string DependentAlias(int level) => string.Create(CultureInfo.InvariantCulture, $"bulksafety_d{level}");

    // COUNT(*), then a SUM per measured column, then (withLargest) a MAX per measured column; -1 for a NULL aggregate.
    private static Func<DbDataReader, (long Count, long[] Sums, long[]? Largest)> ReadCountAndSizes(int measured, bool withLargest) => reader =>
    {
        var sums = ReadSizes(reader, 1, measured);
        return (Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), sums, withLargest ? ReadSizes(reader, 1 + measured, measured) : null);
    };

    private static long[] ReadSizes(DbDataReader reader, int first, int count)
    {
        var sizes = new long[count];
        for (var i = 0; i < count; i++)
        {
            sizes[i] = reader.IsDBNull(first + i) ? -1 : Convert.ToInt64(reader.GetValue(first + i), CultureInfo.InvariantCulture);
        }

        return sizes;
    }
}
