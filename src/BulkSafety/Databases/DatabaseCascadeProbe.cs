using System.Data.Common;
using System.Globalization;
using System.Text;
using BulkSafety.Estimation;
using BulkSafety.Databases;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Update;

namespace BulkSafety.Databases;

/// <summary>
/// Counts the rows the database will delete itself, through <c>ON DELETE CASCADE</c>, or update, through <c>ON DELETE
/// SET NULL</c> / <c>SET DEFAULT</c>, when a unit of work deletes principals whose dependents EF Core does not track: one query per dependent table, in a read-only
/// <see cref="ProbeScope"/> on the context's connection and transaction, with the principals' keys as parameters and every
/// identifier quoted by the provider's <see cref="ISqlGenerationHelper"/>. A probe the engine refuses counts nothing. It also sums the byte length of the dependents' text and binary columns, so that a
/// profile that logs cascaded rows (PostgreSQL's WAL) prices them at their real size.
/// </summary>
/// <remarks>
/// A dependent two levels down is reached with nested <c>EXISTS</c> over the chain of foreign keys. Rows EF deletes itself
/// (tracked dependents marked Deleted) are excluded by their keys: the estimator already counts them; so are the rows EF
/// updates itself, from the rows a SET NULL would update. Rows reachable
/// from several deleted principals are counted once, because one query per dependent table ORs all the principals'
/// chains.
/// </remarks>
internal static class DatabaseCascadeProbe
{
    // Parameters per query stay far below every provider's limit (SQLite 32,766, PostgreSQL 65,535, SQL Server 2,100).
    private const int MaxParametersPerQuery = 1_000;
    private const int MaxExcludedKeys = 500;

    /// <summary>
    /// Counts and prices the dependents <paramref name="roots"/> cascade to and adds them to <paramref name="estimate"/>.
    /// </summary>
    /// <param name="estimate">The unit of work's estimate.</param>
    /// <param name="context">The context whose connection runs the probes.</param>
    /// <param name="roots">Each deleted entry with the table it deletes from, when that table has database cascades.</param>
    /// <param name="pendingCascades">Tracked dependents EF will delete during SaveChanges without being marked Deleted yet
    /// (<c>CascadeTiming.OnSaveChanges</c>): EF deletes them, not the database.</param>
    public static void AddTo(UnitOfWorkEstimate estimate, DbContext context, IReadOnlyList<(IUpdateEntry Entry, MappedTable Table)> roots, IReadOnlyList<IUpdateEntry> pendingCascades)
    {
        var reached = new Dictionary<(ITable Table, IForeignKeyConstraint? SetBy), List<(DatabaseCascade Cascade, IUpdateEntry Root)>>();
        foreach (var (entry, table) in roots)
        {
            foreach (var cascade in table.DatabaseCascades)
            {
                if (!reached.TryGetValue(cascade.Target, out var list))
                {
                    list = [];
                    reached[cascade.Target] = list;
                }

                list.Add((cascade, entry));
            }
        }

        var database = context.Database;
        var connection = database.GetDbConnection();
        if (DatabaseDialect.Detect(database.ProviderName, connection) is not { } dialect)
        {
            // An engine the guard does not probe (SQL Server…): the rows its cascades delete are as unknown as a refused
            // probe's, never zero.
            estimate.AddUncountedCascades(TableNames(reached.Keys), $"the guard does not probe {database.ProviderName ?? connection.GetType().Name}");
            return;
        }

        var sql = context.GetService<ISqlGenerationHelper>();
        var writtenByEf = WrittenEntriesByTable(context, reached.Keys.Select(target => target.Table), pendingCascades);
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            database.OpenConnection();
        }

        try
        {
            var scope = dialect.OpenProbeScopeAsync(connection, database.CurrentTransaction?.GetDbTransaction(), database.GetCommandTimeout(), async: false, CancellationToken.None).GetAwaiter().GetResult();
            try
            {
                foreach (var ((table, setBy), chains) in reached)
                {
                    var cascade = chains[0].Cascade;
                    var columns = cascade.Columns;
                    var excluded = writtenByEf.TryGetValue(table, out var written) ? (setBy is null ? written.Deleted : written.All) : [];
                    var (rows, lengths) = Count(scope, connection, sql, table, columns, chains, excluded);
                    if (rows == 0)
                    {
                        continue;
                    }

                    var typical = new ColumnValue[columns.Length];
                    for (var i = 0; i < columns.Length; i++)
                    {
                        typical[i] = cascade.Shape.Columns[i].Type.IsVariableLength ? ColumnValue.OfLength(lengths[i] / rows) : ColumnValue.Present;
                    }

                    estimate.AddByDatabase(cascade, typical, rows);
                }
            }
            finally
            {
                scope.CloseAsync(async: false).GetAwaiter().GetResult();
            }
        }
        catch (ProbeRefusedException refused)
        {
            // A probe the session refuses (a MySQL sql_mode the guard does not read, MySQL without @@in_transaction): the
            // rows the database deletes are unknown, which OnUnknown judges — never a silent zero.
            estimate.AddUncountedCascades(TableNames(reached.Keys), refused.Message);
        }
        finally
        {
            if (opened)
            {
                database.CloseConnection();
            }
        }
    }

    private static string[] TableNames(IEnumerable<(ITable Table, IForeignKeyConstraint? SetBy)> targets)
        => [.. targets.Select(target => target.Table.SchemaQualifiedName).Distinct()];

    // The rows of the dependent tables that EF itself writes in this unit of work, read without detecting changes again:
    // those it deletes (a cascade has nothing left to delete there), and with them those it updates (it has already set
    // or changed their foreign key, so a SET NULL has nothing left to update there either).
    private static Dictionary<ITable, (List<IUpdateEntry> Deleted, List<IUpdateEntry> All)> WrittenEntriesByTable(DbContext context, IEnumerable<ITable> tables, IReadOnlyList<IUpdateEntry> pendingCascades)
    {
        var wanted = new HashSet<ITable>(tables);
        var written = new Dictionary<ITable, (List<IUpdateEntry> Deleted, List<IUpdateEntry> All)>();
        foreach (var entry in pendingCascades)
        {
            Add(entry, deleted: true);
        }

        var tracker = context.ChangeTracker;
        var detect = tracker.AutoDetectChangesEnabled;
        tracker.AutoDetectChangesEnabled = false;
        try
        {
            foreach (var entry in tracker.Entries())
            {
                if (entry.State is EntityState.Deleted or EntityState.Modified)
                {
#pragma warning disable EF1001 // IUpdateEntry reads original values without boxing; see UnitOfWorkEstimator.
                    Add(entry.GetInfrastructure(), entry.State == EntityState.Deleted);
#pragma warning restore EF1001
                }
            }
        }
        finally
        {
            tracker.AutoDetectChangesEnabled = detect;
        }

        return written;

        void Add(IUpdateEntry entry, bool deleted)
        {
            foreach (var mapping in entry.EntityType.GetTableMappings())
            {
                if (wanted.Contains(mapping.Table))
                {
                    if (!written.TryGetValue(mapping.Table, out var lists))
                    {
                        lists = ([], []);
                        written[mapping.Table] = lists;
                    }

                    if (deleted)
                    {
                        lists.Deleted.Add(entry);
                    }

                    lists.All.Add(entry);
                }
            }
        }
    }

    private static (long Rows, long[] Lengths) Count(
        ProbeScope scope,
        DbConnection connection,
        ISqlGenerationHelper sql,
        ITable table,
        IColumn[] columns,
        List<(DatabaseCascade Cascade, IUpdateEntry Root)> chains,
        List<IUpdateEntry> excluded)
    {
        long rows = 0;
        var lengths = new long[columns.Length];
        var keyColumns = chains[0].Cascade.Path[0].PrincipalColumns.Count;
        var batch = Math.Max(1, MaxParametersPerQuery / keyColumns);
        for (var start = 0; start < chains.Count; start += batch)
        {
            var (batchRows, batchLengths) = CountBatch(scope, connection, sql, table, columns, chains.GetRange(start, Math.Min(batch, chains.Count - start)), excluded);
            rows += batchRows;
            for (var i = 0; i < lengths.Length; i++)
            {
                lengths[i] += batchLengths[i];
            }
        }

        return (rows, lengths);
    }

    private static (long Rows, long[] Lengths) CountBatch(
        ProbeScope scope,
        DbConnection connection,
        ISqlGenerationHelper sql,
        ITable table,
        IColumn[] columns,
        List<(DatabaseCascade Cascade, IUpdateEntry Root)> chains,
        List<IUpdateEntry> excluded)
    {
        // The query is built on a command of its own, which lends its parameters to the probe scope that runs it.
        using var command = connection.CreateCommand();
        var text = new StringBuilder("SELECT COUNT(*)");
        var sized = new List<int>();
        for (var i = 0; i < columns.Length; i++)
        {
            var type = chains[0].Cascade.Shape.Columns[i].Type;
            if (type.IsVariableLength)
            {
                text.Append(", SUM(").Append(scope.Dialect.StoredBytes("t0", columns[i].Name, type)).Append(')');
                sized.Add(i);
            }
        }

        text.Append(" FROM ").Append(sql.DelimitIdentifier(table.Name, table.Schema)).Append(" AS t0 WHERE (");
        var byCascade = chains.GroupBy(c => c.Cascade).ToList();
        for (var i = 0; i < byCascade.Count; i++)
        {
            text.Append(i > 0 ? " OR " : "");
            AppendChain(text, command, sql, byCascade[i].Key.Path, byCascade[i].Key.Path.Length, [.. byCascade[i].Select(c => c.Root)]);
        }

        text.Append(')');
        var excludeInSql = excluded.Count > 0 && excluded.Count <= MaxExcludedKeys && table.PrimaryKey is not null;
        if (excludeInSql)
        {
            IColumn[] primaryKey = [.. table.PrimaryKey!.Columns];
            text.Append(" AND NOT ");
            AppendKeyMatch(text, command, sql, "t0", primaryKey, primaryKey, excluded);
        }

        var (rows, lengths) = scope.QueryAsync(text.ToString(), command, [], reader =>
        {
            var lengths = new long[columns.Length];
            for (var i = 0; i < sized.Count; i++)
            {
                lengths[sized[i]] = reader.IsDBNull(i + 1) ? 0 : Convert.ToInt64(reader.GetValue(i + 1), CultureInfo.InvariantCulture);
            }

            return (Convert.ToInt64(reader.GetValue(0), CultureInfo.InvariantCulture), lengths);
        }, async: false, CancellationToken.None).GetAwaiter().GetResult();

        // Too many (or keyless) rows EF deletes itself to exclude by key: assume they all descend from these principals.
        return (excludeInSql ? rows : Math.Max(0, rows - excluded.Count), lengths);
    }

    /// <summary>
    /// The condition that a row of the dependent at <paramref name="level"/> of the chain descends from one of
    /// <paramref name="roots"/>: at the first level its foreign key equals a root's key; further down, an <c>EXISTS</c> over
    /// its parent row one level up. The table <paramref name="path"/> ends at is alias <c>t0</c>, its parent <c>t1</c>, and
    /// so on up.
    /// </summary>
    private static void AppendChain(StringBuilder text, DbCommand command, ISqlGenerationHelper sql, IForeignKeyConstraint[] path, int level, IUpdateEntry[] roots)
    {
        var foreignKey = path[level - 1];
        var alias = Alias(path.Length - level);
        if (level == 1)
        {
            AppendKeyMatch(text, command, sql, alias, [.. foreignKey.Columns], [.. foreignKey.PrincipalColumns], roots);
            return;
        }

        var parent = Alias(path.Length - level + 1);
        text.Append("EXISTS (SELECT 1 FROM ").Append(sql.DelimitIdentifier(foreignKey.PrincipalTable.Name, foreignKey.PrincipalTable.Schema)).Append(" AS ").Append(parent).Append(" WHERE ");
        for (var i = 0; i < foreignKey.Columns.Count; i++)
        {
            text.Append(parent).Append('.').Append(sql.DelimitIdentifier(foreignKey.PrincipalColumns[i].Name))
                .Append(" = ").Append(alias).Append('.').Append(sql.DelimitIdentifier(foreignKey.Columns[i].Name)).Append(" AND ");
        }

        AppendChain(text, command, sql, path, level - 1, roots);
        text.Append(')');
    }

    /// <summary>
    /// <c>alias.c IN (@p0, @p1, ...)</c> for a single column, <c>((alias.a = @p0 AND alias.b = @p1) OR ...)</c> for a
    /// composite key: the row's <paramref name="columns"/> equal the <paramref name="keyColumns"/> of one of
    /// <paramref name="entries"/> (their original values, as parameters typed by the column's mapping).
    /// </summary>
    private static void AppendKeyMatch(StringBuilder text, DbCommand command, ISqlGenerationHelper sql, string alias, IColumn[] columns, IColumn[] keyColumns, IReadOnlyList<IUpdateEntry> entries)
    {
        if (columns.Length == 1)
        {
            text.Append(alias).Append('.').Append(sql.DelimitIdentifier(columns[0].Name)).Append(" IN (");
            for (var e = 0; e < entries.Count; e++)
            {
                text.Append(e > 0 ? ", " : "").Append(AddParameter(command, sql, keyColumns[0], entries[e]));
            }

            text.Append(')');
            return;
        }

        text.Append('(');
        for (var e = 0; e < entries.Count; e++)
        {
            text.Append(e > 0 ? " OR (" : "(");
            for (var c = 0; c < columns.Length; c++)
            {
                text.Append(c > 0 ? " AND " : "").Append(alias).Append('.').Append(sql.DelimitIdentifier(columns[c].Name))
                    .Append(" = ").Append(AddParameter(command, sql, keyColumns[c], entries[e]));
            }

            text.Append(')');
        }

        text.Append(')');
    }

    // The entry's original value of the property mapped to the key column, as a parameter the column's type mapping
    // creates (value converters applied); returns the placeholder to write into the SQL.
    private static string AddParameter(DbCommand command, ISqlGenerationHelper sql, IColumn keyColumn, IUpdateEntry entry)
    {
        var mapping = keyColumn.FindColumnMapping(entry.EntityType)
            ?? throw new InvalidOperationException($"{entry.EntityType.DisplayName()} maps no property to {keyColumn.Table.Name}.{keyColumn.Name}.");
        var name = "p" + command.Parameters.Count.ToString(CultureInfo.InvariantCulture);
        var value = ColumnReader.CanHaveOriginalValue(entry, mapping.Property) ? entry.GetOriginalValue(mapping.Property) : entry.GetCurrentValue(mapping.Property);
        command.Parameters.Add(mapping.TypeMapping.CreateParameter(command, sql.GenerateParameterName(name), value, keyColumn.IsNullable));
        return sql.GenerateParameterNamePlaceholder(name);
    }

    private static string Alias(int index) => "t" + index.ToString(CultureInfo.InvariantCulture);
}
