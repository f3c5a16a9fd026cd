using System.Data.Common;
using System.Text;
using BulkSafety.Budgets;
using BulkSafety.Databases;
using BulkSafety.Estimation;
using BulkSafety.Sql;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Metadata;

namespace BulkSafety.Interception;

/// <summary>
/// Estimates a command that may change existing rows before it runs: reads its SQL as its engine does
/// (<see cref="BulkStatement"/>, <see cref="RawWrite"/>), finds its table in the EF model, asks the database — through
/// read-only probes (<see cref="ProbeScope"/>) — how many rows it matches and how large their stored text and binary
/// values are (<see cref="BulkStatementProbe"/>), and prices one such statement with the replication profile. The answer
/// is an estimate, or the reason there is none.
/// </summary>
internal static class BulkCommandEstimator
{
    private const string LinqOperation = "ExecuteDelete/ExecuteUpdate";
    private const string RawOperation = "raw SQL";

    /// <summary>
    /// The command, when the guard must estimate it: <c>ExecuteDelete</c>/<c>ExecuteUpdate</c> by their command source, a
    /// raw command (<c>ExecuteSql</c>, <c>FromSql</c>) when its text may change existing rows (<see cref="RawWrite.Classify"/>,
    /// read with the rules of <paramref name="dialect"/>; with both engines' rules when the engine is not one the guard
    /// knows, a write by either counting). Every other command — queries, SaveChanges batches, migrations, raw SQL without
    /// a write word — is <see langword="null"/> after a check of its source and, for raw SQL, a case-insensitive search of
    /// its text for a few words.
    /// </summary>
    /// <remarks>EF Core 10 reports <see cref="CommandSource.ExecuteUpdate"/> for the DELETE of <c>ExecuteDelete</c> too,
    /// so the operation is named after the statement once it is read.</remarks>
    public static BulkCommand? Recognize(CommandSource source, DbCommand command, DatabaseDialect? dialect) => source switch
    {
        CommandSource.ExecuteDelete or CommandSource.ExecuteUpdate => new BulkCommand(LinqOperation, null),
        CommandSource.ExecuteSqlRaw or CommandSource.FromSqlQuery when ClassifyRaw(command.CommandText, dialect) is { } write => new BulkCommand(RawOperation, write),
        _ => null,
    };

    // A DELETE, UPDATE or TRUNCATE as the first reading sees it is probed, and the probe reads the text again with the
    // session's own rules, refusing it where they differ. Otherwise a write by any reading counts, and a reading that
    // cannot price it wins over one that can.
    private static RawWrite? ClassifyRaw(string sql, DatabaseDialect? dialect)
    {
        IReadOnlyList<SqlLexicon> lexicons = dialect is { LexiconIsExact: true } ? dialect.SessionLexicons : [SqlLexicon.Sqlite, SqlLexicon.Postgres];
        if (RawWrite.Classify(sql, lexicons[0]) is { Shape: not RawWriteShape.Unpriceable } probed)
        {
            return probed;
        }

        RawWrite? found = null;
        foreach (var lexicon in lexicons)
        {
            if (RawWrite.Classify(sql, lexicon) is { } write && found is not { Shape: RawWriteShape.Unpriceable })
            {
                found = found is null || write.Shape == RawWriteShape.Unpriceable ? write : found;
            }
        }

        return found;
    }

    /// <summary>Estimates <paramref name="command"/>; the probes run on its connection and transaction.</summary>
    public static async ValueTask<BulkCommandEstimate> EstimateAsync(DbContext context, DbCommand command, BulkCommand bulk, BulkSafetyOptions options, DatabaseIdentity database, bool async, CancellationToken cancellationToken)
    {
        var contextName = context.GetType().Name;
        var dialect = command.Connection is { } connection ? DatabaseDialect.Detect(context.Database.ProviderName, connection) : null;
        var lexicon = dialect?.Lexicon ?? SqlLexicon.Sqlite;
        var operation = bulk.Operation;
        var probed = command;
        switch (bulk.Raw)
        {
            case { Shape: RawWriteShape.Unpriceable } raw:
                return BulkCommandEstimate.Unknown(operation, $"{raw.Description} changes rows the guard cannot count before it runs");
            case { Shape: RawWriteShape.Truncate }:
                if (TruncatedTable(command.CommandText, lexicon) is not { } delete)
                {
                    return BulkCommandEstimate.Unknown("raw TRUNCATE", "the TRUNCATE is not of one table without CASCADE, which is all the guard reads");
                }

                // A TRUNCATE deletes what a DELETE without WHERE would: it is probed and judged as that DELETE.
                operation = "raw TRUNCATE";
                probed = command.Connection!.CreateCommand();
                probed.CommandText = delete;
                probed.Transaction = command.Transaction;
                break;
        }

        try
        {
            return await EstimateStatementAsync(context, probed, dialect, lexicon, operation, options, contextName, database, async, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (!ReferenceEquals(probed, command))
            {
                await probed.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static async ValueTask<BulkCommandEstimate> EstimateStatementAsync(DbContext context, DbCommand command, DatabaseDialect? dialect, SqlLexicon lexicon, string operation, BulkSafetyOptions options, string contextName, DatabaseIdentity database, bool async, CancellationToken cancellationToken)
    {
        if (BulkStatement.TryParse(command.CommandText, lexicon, out var refusal) is not { } statement)
        {
            return BulkCommandEstimate.Unknown(operation, $"the SQL is not read: {refusal}");
        }

        var delete = statement.Kind == BulkStatementKind.Delete;
        operation = operation switch
        {
            RawOperation => delete ? "raw DELETE" : "raw UPDATE",
            LinqOperation => delete ? "ExecuteDelete" : "ExecuteUpdate",
            _ => operation,
        };

        if (dialect is null)
        {
            return BulkCommandEstimate.Unknown(operation, $"the database ({context.Database.ProviderName}) cannot be probed; the guard probes SQLite, PostgreSQL and MySQL/MariaDB");
        }

        if (FindTable(context.Model, statement) is not { } table || MappedTableOf(table) is not { } mapped)
        {
            return BulkCommandEstimate.Unknown(operation, $"the table {statement.TableText} is not mapped in the EF model of {contextName}");
        }

        var shape = mapped.Shape;
        var measured = VariableLengthColumns(shape);
        UnitOfWorkEstimate estimate;
        var tableRows = new Dictionary<string, long>(StringComparer.Ordinal);
        ProbeScope? scope = null;
        try
        {
            scope = await dialect.OpenProbeScopeAsync(command.Connection!, command.Transaction, command.CommandTimeout, async, cancellationToken).ConfigureAwait(false);
            var affected = await BulkStatementProbe.MeasureAsync(scope, statement, table, command, measured, async, cancellationToken).ConfigureAwait(false);
            estimate = new UnitOfWorkEstimate(options.EffectiveProfile, contextName, database, operation) { Basis = affected.Basis };
            if (affected.Rows > 0)
            {
                var rows = (int)Math.Min(affected.Rows, int.MaxValue);
                var change = SizedRow(statement, command, shape, measured, affected, TypicalValue);
                var bytes = options.EffectiveProfile.EstimateStatementWithLargestEvent(shape, change.Row, rows, out var largestEvent);
                if (affected.LargestBytes is not null)
                {
                    // The rows are priced at their mean sizes; one row's image is one event whatever its size, so the
                    // largest event is also that of a row with every column at its largest (no smaller than any real row).
                    var widest = SizedRow(statement, command, shape, measured, affected, WidestValue);
                    options.EffectiveProfile.EstimateStatementWithLargestEvent(shape, widest.Row, 1, out var widestEvent);
                    largestEvent = Math.Max(largestEvent, widestEvent);
                }

                var kind = statement.Kind == BulkStatementKind.Delete ? EntityStateKind.Deleted : EntityStateKind.Updated;
                estimate.AddStatement(mapped.Identity, kind, rows, bytes, largestEvent, rows == 1 ? RewrittenRow(statement, command, table, mapped) : null);
                await CountTableAsync(scope, table, affected.Rows, options, tableRows, async, cancellationToken).ConfigureAwait(false);
                if (statement.Kind == BulkStatementKind.Delete)
                {
                    await AddDatabaseCascadesAsync(scope, statement, command, mapped, estimate, options, tableRows, async, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (ProbeRefusedException refused)
        {
            return BulkCommandEstimate.Unknown(operation, $"the probe refused: {refused.Message}");
        }
        catch (DbException exception)
        {
            return BulkCommandEstimate.Unknown(operation, $"the probe failed: {exception.Message}");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            return BulkCommandEstimate.Unknown(operation, $"the estimate failed ({exception.GetType().Name}: {exception.Message})");
        }
        finally
        {
            if (scope is not null)
            {
                await scope.CloseAsync(async).ConfigureAwait(false);
            }
        }

        estimate.Complete();
        return new BulkCommandEstimate(estimate, null, tableRows);
    }

    // TRUNCATE [TABLE] [ONLY] name [*] [RESTART IDENTITY | CONTINUE IDENTITY] [RESTRICT] as DELETE FROM [ONLY] name; null
    // for several tables or CASCADE, which truncates the tables that refer to it as well.
    private static string? TruncatedTable(string sql, SqlLexicon lexicon)
    {
        if (SqlTokenizer.Tokenize(sql, lexicon) is not { } tokens)
        {
            return null;
        }

        var end = tokens.Count;
        while (end > 0 && tokens[end - 1].IsSymbol(sql, ';'))
        {
            end--;
        }

        var i = 1;
        i += i < end && tokens[i].IsWord(sql, "TABLE") ? 1 : 0;
        var only = i < end && tokens[i].IsWord(sql, "ONLY");
        i += only ? 1 : 0;
        var nameStart = i;
        while (i < end && (tokens[i].Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier || tokens[i].IsSymbol(sql, '.'))
            && !tokens[i].IsWord(sql, "RESTART") && !tokens[i].IsWord(sql, "CONTINUE") && !tokens[i].IsWord(sql, "RESTRICT") && !tokens[i].IsWord(sql, "CASCADE"))
        {
            i++;
        }

        if (i == nameStart)
        {
            return null;
        }

        var name = sql[tokens[nameStart].Start..tokens[i - 1].End];
        for (; i < end; i++)
        {
            if (!(tokens[i].IsWord(sql, "RESTART") || tokens[i].IsWord(sql, "CONTINUE") || tokens[i].IsWord(sql, "IDENTITY") || tokens[i].IsWord(sql, "RESTRICT")))
            {
                return null;
            }
        }

        return $"DELETE FROM {(only ? "ONLY " : "")}{name}";
    }

    // The rows the database deletes below the statement through ON DELETE CASCADE, or updates through ON DELETE SET NULL /
    // SET DEFAULT (EF does not know them): one probe per dependent table (per foreign key for updates), priced by the
    // profile (PostgreSQL logs each; MariaDB none) and counted for the blast radius.
    private static async ValueTask AddDatabaseCascadesAsync(ProbeScope scope, BulkStatement statement, DbCommand command, MappedTable mapped, UnitOfWorkEstimate estimate, BulkSafetyOptions options, Dictionary<string, long> tableRows, bool async, CancellationToken cancellationToken)
    {
        foreach (var cascades in mapped.DatabaseCascades.GroupBy(c => c.Target))
        {
            DatabaseCascade[] chains = [.. cascades];
            var reached = await BulkStatementProbe.MeasureCascadeAsync(scope, statement, command, chains, chains[0].Measured, async, cancellationToken).ConfigureAwait(false);
            if (reached.Rows == 0)
            {
                continue;
            }

            estimate.AddByDatabase(chains[0], TypicalRow(chains[0], reached), reached.Rows);
            await CountTableAsync(scope, cascades.Key.Table, reached.Rows, options, tableRows, async, cancellationToken).ConfigureAwait(false);
        }
    }

    // A table's row count, when touching this many of its rows could exceed the blast radius.
    private static async ValueTask CountTableAsync(ProbeScope scope, ITable table, long touched, BulkSafetyOptions options, Dictionary<string, long> tableRows, bool async, CancellationToken cancellationToken)
    {
        if (BudgetRules.MayExceedTableFraction(touched, options)
            && await TableRowCountProbe.CountAsync(scope, table.Schema, table.Name, async, cancellationToken).ConfigureAwait(false) is { } count)
        {
            tableRows[table.SchemaQualifiedName] = count.Rows;
        }
    }

    private static ColumnShape[] VariableLengthColumns(TableShape shape) => [.. shape.Columns.Where(c => c.Type.IsVariableLength)];

    // A text or binary column at its mean stored size over the measured rows (NULL when all of them are NULL; a NULL
    // among values counts as 0 bytes); fixed-width columns present.
    private static ColumnValue TypicalValue(ColumnShape column, ColumnShape[] measured, AffectedRows affected)
    {
        var index = Array.IndexOf(measured, column);
        return index < 0 ? ColumnValue.Present
            : affected.StoredBytes[index] < 0 ? ColumnValue.Null
            : ColumnValue.OfLength(CeilingDivide(affected.StoredBytes[index], Math.Max(1, affected.MeasuredRows)));
    }

    // A text or binary column at its largest stored size over the measured rows (NULL when all of them are NULL).
    private static ColumnValue WidestValue(ColumnShape column, ColumnShape[] measured, AffectedRows affected)
    {
        var index = Array.IndexOf(measured, column);
        return index < 0 ? ColumnValue.Present
            : affected.LargestBytes![index] < 0 ? ColumnValue.Null
            : ColumnValue.OfLength(affected.LargestBytes[index]);
    }

    /// <summary>A typical row of the dependents a cascade probe counted and sized (<see cref="BulkStatementProbe.ReadCascade"/>).</summary>
    public static ColumnValue[] TypicalRow(DatabaseCascade cascade, AffectedRows reached) => RowValues(cascade.Shape, cascade.Measured, reached, TypicalValue);

    // Each column of shape sized by value (TypicalValue, or WidestValue) from what the probe measured.
    private static ColumnValue[] RowValues(TableShape shape, ColumnShape[] measured, AffectedRows affected, Func<ColumnShape, ColumnShape[], AffectedRows, ColumnValue> value)
    {
        var values = new ColumnValue[shape.Columns.Count];
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = value(shape.Columns[i], measured, affected);
        }

        return values;
    }

    // A row as the statement finds it (RowValues). An UPDATE's new values are those it assigns: a parameter's or literal's
    // size, NULL, or — for an expression — the stored size again.
    private static SizedChange SizedRow(BulkStatement statement, DbCommand command, TableShape shape, ColumnShape[] measured, AffectedRows affected, Func<ColumnShape, ColumnShape[], AffectedRows, ColumnValue> value)
    {
        var columns = shape.Columns;
        var before = RowValues(shape, measured, affected, value);

        var textLength = Encoding.UTF8.GetByteCount(command.CommandText);
        if (statement.Kind == BulkStatementKind.Delete)
        {
            return new SizedChange(before, [], [], textLength);
        }

        var after = (ColumnValue[])before.Clone();
        var assigned = new bool[columns.Count];
        foreach (var assignment in statement.Assignments)
        {
            var i = IndexOf(columns, assignment.Column);
            if (i < 0)
            {
                continue;
            }

            assigned[i] = true;
            after[i] = assignment.Value.Kind switch
            {
                BulkValueKind.Null => ColumnValue.Null,
                BulkValueKind.Literal => ColumnValue.OfLength(assignment.Value.LiteralBytes),
                BulkValueKind.Parameter when FindParameter(command, assignment.Value.ParameterName!) is { } parameter => SizeOf(parameter.Value, columns[i].Type),
                _ => before[i],
            };
        }

        return new SizedChange(before, after, assigned, textLength);
    }

    private static ColumnValue SizeOf(object? value, ColumnType type) => value switch
    {
        null or DBNull => ColumnValue.Null,
        string text when type.IsVariableLength => ColumnValue.Of(text),
        byte[] bytes when type.IsVariableLength => ColumnValue.Of(bytes),
        _ when type.IsVariableLength => ColumnValue.OfLength(StoreTypeMapper.UnknownValueBytes),
        _ => ColumnValue.Present,
    };

    // An UPDATE of one row by its single-column key is a rewrite of that row: the hot-row budget counts it as it counts
    // SaveChanges' UPDATEs (the incident's per-child parent update, done with ExecuteUpdate).
    private static RowIdentity? RewrittenRow(BulkStatement statement, DbCommand command, ITable table, MappedTable mapped)
    {
        if (statement.Kind != BulkStatementKind.Update || mapped.KeyProperties is not [var key] || statement.SingleEquality() is not var (column, token))
        {
            return null;
        }

        if (key.GetColumnName(StoreObjectIdentifier.Table(table.Name, table.Schema)) is not { } keyColumn || !column.Matches(keyColumn))
        {
            return null;
        }

        var raw = token.Kind == SqlTokenKind.Parameter
            ? FindParameter(command, token.Text(command.CommandText).ToString())?.Value
            : token.Text(command.CommandText).Trim('\'').ToString();
        try
        {
            var value = raw is null || raw.GetType() == key.ClrType ? raw : Convert.ChangeType(raw, Nullable.GetUnderlyingType(key.ClrType) ?? key.ClrType, System.Globalization.CultureInfo.InvariantCulture);
            return value is null ? null : new RowIdentity(mapped.Identity, mapped.KeyNames, [value]);
        }
        catch (Exception exception) when (exception is InvalidCastException or FormatException or OverflowException)
        {
            return null;
        }
    }

    private static DbParameter? FindParameter(DbCommand command, string placeholder)
    {
        var name = placeholder.AsSpan().TrimStart("@:$");
        foreach (DbParameter parameter in command.Parameters)
        {
            if (parameter.ParameterName.AsSpan().TrimStart("@:$").Equals(name, StringComparison.Ordinal))
            {
                return parameter;
            }
        }

        return null;
    }

    private static int IndexOf(IReadOnlyList<ColumnShape> columns, SqlName name)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            if (name.Matches(columns[i].Name))
            {
                return i;
            }
        }

        return -1;
    }

    // The table the statement names: by name and, when it names one, schema; unqualified, a table of the model's default
    // schema wins over same-named tables elsewhere.
    private static ITable? FindTable(IModel model, BulkStatement statement)
    {
        var candidates = model.GetRelationalModel().Tables
            .Where(t => statement.Table.Matches(t.Name) && (statement.Schema is not { } schema || (t.Schema is { } tableSchema && schema.Matches(tableSchema))))
            .ToArray();
        if (candidates.Length <= 1)
        {
            return candidates.FirstOrDefault();
        }

        var defaultSchema = model.GetDefaultSchema();
        return candidates.SingleOrDefault(t => t.Schema == defaultSchema);
    }

    private static MappedTable? MappedTableOf(ITable table)
        => table.EntityTypeMappings.Select(m => m.TypeBase).OfType<IEntityType>().FirstOrDefault() is { } entityType
            ? MappedTable.For(entityType).FirstOrDefault(m => m.Identity == table.SchemaQualifiedName)
            : null;

    private static long CeilingDivide(long total, long count) => (total + count - 1) / count;

    /// <summary>The arrays of a typical <see cref="RowChange"/>, which as a ref struct cannot be kept itself.</summary>
    private sealed class SizedChange(ColumnValue[] before, ColumnValue[] after, bool[] assigned, int textLength)
    {
        public RowChange Row => new(
            after.Length == 0 ? RowChangeKind.Delete : RowChangeKind.Update, before, after, assigned, textLength);
    }
}

/// <summary>A command the guard estimates before it runs: its operation and, for raw SQL, what kind of write it is.</summary>
internal sealed record BulkCommand(string Operation, RawWrite? Raw);

/// <summary>A bulk command's estimate, or why there is none, and the row counts of the tables the blast radius needs.</summary>
internal sealed record BulkCommandEstimate(UnitOfWorkEstimate? Estimate, string? UnknownReason, IReadOnlyDictionary<string, long>? TableRows)
{
    /// <summary>The operation, for reports when there is no estimate.</summary>
    public string Operation { get; init; } = Estimate?.Operation ?? "";

    public static BulkCommandEstimate Unknown(string operation, string reason) => new(null, reason, null) { Operation = operation };
}
