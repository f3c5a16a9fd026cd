using System.Data;
using System.Data.Common;
using BulkSafety.Sql;

namespace BulkSafety.Databases;

/// <summary>
/// A scope in which probes can only read (<see cref="DatabaseDialect.OpenProbeScopeAsync"/>): every probe query runs
/// inside it, read-only where the engine allows, and all of it is undone by <see cref="CloseAsync"/>. A probe query is a
/// single statement the engine itself checks to be one (a text that holds more is refused, never split), built from
/// names quoted by <see cref="DatabaseDialect.Quote"/> and values bound as parameters — the command's own, lent to the
/// probe, or new ones. Where a caller's predicate is evaluated, everything it calls must be known to be free of side
/// effects (<see cref="ReadStatementAsync"/>, <see cref="ReadQueryAsync"/>); otherwise the probe refuses with a
/// <see cref="ProbeRefusedException"/>.
/// </summary>
internal abstract class ProbeScope
{
    /// <summary>The savepoint a scope inside the caller's transaction opens and rolls back.</summary>
    protected const string Savepoint = "bulksafety_probe";

    protected ProbeScope(DatabaseDialect dialect, DbConnection connection, DbTransaction? transaction, int? commandTimeout)
    {
        Dialect = dialect;
        Connection = connection;
        Transaction = transaction;
        CommandTimeout = commandTimeout;
    }

    public DatabaseDialect Dialect { get; }

    protected DbConnection Connection { get; }

    /// <summary>The transaction the probes run in: the caller's, or one of the scope's own.</summary>
    protected DbTransaction? Transaction { get; set; }

    protected int? CommandTimeout { get; }

    /// <summary>
    /// Runs one read-only SELECT and reads its first row with <paramref name="read"/> (<see langword="default"/> when
    /// there is none). <paramref name="sql"/> names its values as <c>@name</c> placeholders: those of
    /// <paramref name="lender"/> (the command being judged, whose text the probe quotes) and <paramref name="own"/>.
    /// </summary>
    /// <exception cref="ProbeRefusedException">The engine reads the text as more than one statement, or as one that could write.</exception>
    public ValueTask<T?> QueryAsync<T>(string sql, DbCommand? lender, IReadOnlyList<KeyValuePair<string, object>> own, Func<DbDataReader, T> read, bool async, CancellationToken cancellationToken)
        => RunProbeAsync(sql, lender, own, probe => ReadFirstRowAsync(probe, read, async, cancellationToken), async, cancellationToken);

    /// <summary>As <see cref="QueryAsync"/>, reading every row.</summary>
    /// <exception cref="ProbeRefusedException">The engine reads the text as more than one statement, or as one that could write.</exception>
    public ValueTask<List<T>> QueryRowsAsync<T>(string sql, DbCommand? lender, IReadOnlyList<KeyValuePair<string, object>> own, Func<DbDataReader, T> read, bool async, CancellationToken cancellationToken)
        => RunProbeAsync(sql, lender, own, probe => ReadRowsAsync(probe, read, async, cancellationToken), async, cancellationToken);

    /// <summary>
    /// Checks that <paramref name="query"/> — a SELECT EF Core translated from a caller's LINQ, which a probe is about to
    /// embed — calls nothing that is not known to be free of side effects; refuses (<see cref="ProbeRefusedException"/>)
    /// otherwise. SQLite checks what every probe text calls as it prepares it (<see cref="QueryAsync"/>), so it has nothing
    /// to check beforehand.
    /// </summary>
    public virtual ValueTask ReadQueryAsync(DbCommand query, bool async, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>
    /// Checks <paramref name="sql"/> as the engine reads it (one statement, read-only), binds the values of
    /// <paramref name="lender"/> and <paramref name="own"/> on a probe command, and has <paramref name="run"/> read it.
    /// </summary>
    protected abstract ValueTask<TResult> RunProbeAsync<TResult>(string sql, DbCommand? lender, IReadOnlyList<KeyValuePair<string, object>> own, Func<DbCommand, ValueTask<TResult>> run, bool async, CancellationToken cancellationToken);

    /// <summary>
    /// How the engine reads the statement being judged, without running it: that it is one statement, that its target is
    /// the table <paramref name="statement"/> names, that what its predicate calls is free of side effects, and — where
    /// the engine plans — its plan. Refuses (<see cref="ProbeRefusedException"/>) when any of it does not hold.
    /// </summary>
    public abstract ValueTask<StatementReading> ReadStatementAsync(BulkStatement statement, string? schema, string table, DbCommand command, bool async, CancellationToken cancellationToken);

    /// <summary>
    /// Checks that the engine reads <paramref name="countingQuery"/> — the statement's predicate rebuilt as a SELECT — as
    /// it reads the statement itself; refuses when it does not. Engines that do not plan have nothing to compare.
    /// </summary>
    public virtual ValueTask VerifyCountingQueryAsync(StatementReading statement, string countingQuery, DbCommand lender, bool async, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Undoes everything the probes did and gives the connection back as it was; never throws for a probe's failure.</summary>
    public abstract ValueTask CloseAsync(bool async);

    /// <summary>A command on the scope's connection and transaction.</summary>
    protected DbCommand CreateCommand(string sql)
    {
        var command = Connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = Transaction;
        if (CommandTimeout is { } timeout)
        {
            command.CommandTimeout = timeout;
        }

        return command;
    }

    /// <summary>
    /// Has <paramref name="run"/> read <paramref name="sql"/> as a command of the scope with the parameters of
    /// <paramref name="lender"/> (moved to the probe and back: a parameter belongs to one collection at a time) and new
    /// ones for <paramref name="own"/>; for providers that bind parameters by name as they are.
    /// </summary>
    protected async ValueTask<TResult> RunWithParametersAsync<TResult>(string sql, DbCommand? lender, IReadOnlyList<KeyValuePair<string, object>> own, Func<DbCommand, ValueTask<TResult>> run, bool async)
    {
        var probe = CreateCommand(sql);
        DbParameter[] lent = lender is null ? [] : [.. lender.Parameters.Cast<DbParameter>()];
        try
        {
            lender?.Parameters.Clear();
            foreach (var parameter in lent)
            {
                probe.Parameters.Add(parameter);
            }

            foreach (var (name, value) in own)
            {
                var parameter = probe.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value;
                probe.Parameters.Add(parameter);
            }

            return await run(probe).ConfigureAwait(false);
        }
        finally
        {
            probe.Parameters.Clear();
            foreach (var parameter in lent)
            {
                lender!.Parameters.Add(parameter);
            }

            await DisposeAsync(probe, async).ConfigureAwait(false);
        }
    }

    /// <summary>Runs the scope's own bookkeeping statement (a savepoint, a setting).</summary>
    protected async ValueTask ExecuteAsync(string sql, bool async, CancellationToken cancellationToken)
    {
        var command = CreateCommand(sql);
        try
        {
            if (async)
            {
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                command.ExecuteNonQuery();
            }
        }
        finally
        {
            await DisposeAsync(command, async).ConfigureAwait(false);
        }
    }

    /// <summary>Runs <paramref name="command"/> and reads its first row; <see langword="default"/> when there is none.</summary>
    private static async ValueTask<T?> ReadFirstRowAsync<T>(DbCommand command, Func<DbDataReader, T> read, bool async, CancellationToken cancellationToken)
    {
        var reader = async
            ? await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken).ConfigureAwait(false)
            : command.ExecuteReader(CommandBehavior.SingleRow);
        try
        {
            var hasRow = async ? await reader.ReadAsync(cancellationToken).ConfigureAwait(false) : reader.Read();
            return hasRow ? read(reader) : default;
        }
        finally
        {
            await DisposeAsync(reader, async).ConfigureAwait(false);
        }
    }

    private static async ValueTask<List<T>> ReadRowsAsync<T>(DbCommand command, Func<DbDataReader, T> read, bool async, CancellationToken cancellationToken)
    {
        var rows = new List<T>();
        var reader = async ? await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false) : command.ExecuteReader();
        try
        {
            while (async ? await reader.ReadAsync(cancellationToken).ConfigureAwait(false) : reader.Read())
            {
                rows.Add(read(reader));
            }
        }
        finally
        {
            await DisposeAsync(reader, async).ConfigureAwait(false);
        }

        return rows;
    }

    protected static async ValueTask DisposeAsync(IAsyncDisposable disposable, bool async)
    {
        if (async)
        {
            await disposable.DisposeAsync().ConfigureAwait(false);
        }
        else
        {
            ((IDisposable)disposable).Dispose();
        }
    }
}

/// <summary>What the engine made of the statement being judged: the plan's row estimate and, for comparison, the plan.</summary>
/// <param name="PlanRows">The rows the planner expects the statement to change; <see langword="null"/> where the engine does not plan.</param>
/// <param name="Plan">The engine's reading to compare a counting query with.</param>
internal sealed record StatementReading(double? PlanRows, PostgresPlan? Plan);

/// <summary>A probe that would not run: what it would evaluate is not known to be safe, or the engine reads it differently.</summary>
internal sealed class ProbeRefusedException(string reason) : Exception(reason);
