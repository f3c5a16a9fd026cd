using System.Data;
using System.Data.Common;

namespace BulkSafety.Probes;

/// <summary>
/// Runs read-only probe queries on the connection and transaction of the work being judged, so that a probe sees what
/// the statement will see (the transaction's own uncommitted rows included). Names enter a probe's text only quoted by
/// <see cref="SqlDialect.Quote"/>; values only as parameters — the command's own, lent to the probe
/// (<see cref="QueryAsync{T}(string, DbCommand?, Func{DbDataReader, T}, bool, CancellationToken)"/>), or new ones.
/// Inside a PostgreSQL transaction a probe runs under a savepoint: a failing probe would otherwise abort the caller's
/// transaction.
/// </summary>
internal sealed class ProbeSession
{
    private const string Savepoint = "bulksafety_probe";

    public ProbeSession(DbConnection connection, DbTransaction? transaction, SqlDialect dialect, int? commandTimeout)
    {
        Connection = connection;
        Transaction = transaction;
        Dialect = dialect;
        CommandTimeout = commandTimeout;
    }

    public DbConnection Connection { get; }

    public DbTransaction? Transaction { get; }

    public SqlDialect Dialect { get; }

    public int? CommandTimeout { get; }

    /// <summary>
    /// Runs <paramref name="sql"/> with the parameters of <paramref name="lender"/> (moved onto the probe for its run and
    /// back afterwards, in their order, so provider-specific typing is kept) and reads the first row with
    /// <paramref name="read"/>; <see langword="default"/> when there is none.
    /// </summary>
    public ValueTask<T?> QueryAsync<T>(string sql, DbCommand? lender, Func<DbDataReader, T> read, bool async, CancellationToken cancellationToken)
        => QueryAsync(sql, lender, static (_, _) => { }, read, async, cancellationToken);

    /// <summary>Runs <paramref name="sql"/> with the parameters <paramref name="bind"/> adds and reads its first row.</summary>
    public ValueTask<T?> QueryAsync<T>(string sql, Action<DbCommand, Func<string, object, DbParameter>> bind, Func<DbDataReader, T> read, bool async, CancellationToken cancellationToken)
        => QueryAsync(sql, null, bind, read, async, cancellationToken);

    private async ValueTask<T?> QueryAsync<T>(string sql, DbCommand? lender, Action<DbCommand, Func<string, object, DbParameter>> bind, Func<DbDataReader, T> read, bool async, CancellationToken cancellationToken)
    {
        var savepoint = Dialect.IsPostgres && Transaction is not null;
        if (savepoint)
        {
            await ExecuteAsync($"SAVEPOINT {Savepoint}", async, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            var result = await ReadAsync(sql, lender, bind, read, async, cancellationToken).ConfigureAwait(false);
            if (savepoint)
            {
                await ExecuteAsync($"RELEASE SAVEPOINT {Savepoint}", async, cancellationToken).ConfigureAwait(false);
            }

            return result;
        }
        catch when (savepoint)
        {
            await ExecuteAsync($"ROLLBACK TO SAVEPOINT {Savepoint}", async, CancellationToken.None).ConfigureAwait(false);
            await ExecuteAsync($"RELEASE SAVEPOINT {Savepoint}", async, CancellationToken.None).ConfigureAwait(false);
            throw;
        }
    }

    private async ValueTask<T?> ReadAsync<T>(string sql, DbCommand? lender, Action<DbCommand, Func<string, object, DbParameter>> bind, Func<DbDataReader, T> read, bool async, CancellationToken cancellationToken)
    {
        var probe = Create(sql);
        // A parameter belongs to one collection at a time (Npgsql checks), so the command's parameters move to the probe.
        DbParameter[]? lent = null;
        if (lender is { Parameters.Count: > 0 })
        {
            lent = new DbParameter[lender.Parameters.Count];
            for (var i = 0; i < lent.Length; i++)
            {
                lent[i] = lender.Parameters[i];
            }
        }

        try
        {
            bind(probe, (name, value) =>
            {
                var parameter = probe.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value;
                probe.Parameters.Add(parameter);
                return parameter;
            });
            if (lent is not null)
            {
                lender!.Parameters.Clear();
                AddAll(probe, lent);
            }

            var reader = async
                ? await probe.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken).ConfigureAwait(false)
                : probe.ExecuteReader(CommandBehavior.SingleRow);
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
        finally
        {
            if (lent is not null)
            {
                probe.Parameters.Clear();
                if (lender!.Parameters.Count == 0)
                {
                    AddAll(lender, lent);
                }
            }

            await DisposeAsync(probe, async).ConfigureAwait(false);
        }
    }

    // One by one: a provider's AddRange may want its own parameter type's array.
    private static void AddAll(DbCommand command, DbParameter[] parameters)
    {
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(parameter);
        }
    }

    private static async ValueTask DisposeAsync(IAsyncDisposable disposable, bool async)
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

    private async ValueTask ExecuteAsync(string sql, bool async, CancellationToken cancellationToken)
    {
        var command = Create(sql);
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

    private DbCommand Create(string sql)
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
}
