using System.Data.Common;
using System.Globalization;
using System.Text;
using BulkSafety.Sql;

namespace BulkSafety.Databases;

/// <summary>
/// Probes on PostgreSQL: inside the caller's transaction a subtransaction made read-only and serial (<c>SAVEPOINT</c>;
/// <c>SET LOCAL transaction_read_only = on</c>, <c>max_parallel_workers_per_gather = 0</c>) and ended by <c>ROLLBACK
/// TO</c> and then <c>RELEASE</c> of the now-empty savepoint; outside one, a read-only transaction of the scope's own
/// that is rolled back. Every probe text reaches the server with positional <c>$n</c> parameters only, none of them
/// named, so that Npgsql sends it as it is, in one Parse message, and the server refuses a text that holds more than
/// one statement. A caller's predicate is evaluated only when every function it names is a built-in (<c>pg_catalog</c>)
/// marked immutable or stable, no operator it writes or implies runs a volatile function, every type it casts to is
/// built in, and no cast it may apply — one to a type it names (<c>::t</c>, <c>CAST</c>, or the function-style
/// <c>t(x)</c>), or any implicit one — runs a volatile function (a user may define a cast between built-in types).
/// </summary>
internal sealed class PostgresProbeScope : ProbeScope
{
    private const string UnsafeCallsQuery = """
        SELECT string_agg(unsafe, ', ') FROM (
            SELECT f || '()' AS unsafe FROM unnest(@functions::text[]) AS f
            WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_proc p WHERE p.proname = f)
               OR EXISTS (SELECT 1 FROM pg_catalog.pg_proc p WHERE p.proname = f AND (p.provolatile = 'v' OR p.pronamespace <> 'pg_catalog'::regnamespace))
            UNION ALL
            SELECT 'operator ' || o FROM unnest(@operators::text[]) AS o
            WHERE EXISTS (SELECT 1 FROM pg_catalog.pg_operator op JOIN pg_catalog.pg_proc p ON p.oid = op.oprcode::oid WHERE op.oprname = o AND p.provolatile = 'v')
            UNION ALL
            SELECT 'type ' || t FROM unnest(@types::text[]) AS t
            WHERE NOT EXISTS (SELECT 1 FROM pg_catalog.pg_type ty WHERE ty.oid = to_regtype(t) AND ty.typnamespace = 'pg_catalog'::regnamespace)
            UNION ALL
            SELECT 'the cast from ' || c.castsource::regtype || ' to ' || c.casttarget::regtype
            FROM pg_catalog.pg_cast c JOIN pg_catalog.pg_proc p ON p.oid = c.castfunc
            WHERE p.provolatile = 'v'
              AND (c.castcontext = 'i' OR c.casttarget IN (SELECT to_regtype(t) FROM unnest(@types::text[] || @functions::text[]) AS t))
        ) AS calls
        """;

    private readonly DbTransaction? _own;
    private string? _unreadable;

    private PostgresProbeScope(DatabaseDialect dialect, DbConnection connection, DbTransaction? callers, DbTransaction? own, int? commandTimeout)
        : base(dialect, connection, callers ?? own, commandTimeout)
        => _own = own;

    public static async ValueTask<ProbeScope> OpenAsync(DatabaseDialect dialect, DbConnection connection, DbTransaction? transaction, int? commandTimeout, bool async, CancellationToken cancellationToken)
    {
        PostgresProbeScope scope;
        if (transaction is not null)
        {
            scope = new PostgresProbeScope(dialect, connection, transaction, own: null, commandTimeout);
            await scope.ExecuteAsync($"SAVEPOINT {Savepoint}", async, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var own = async ? await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false) : connection.BeginTransaction();
            scope = new PostgresProbeScope(dialect, connection, callers: null, own, commandTimeout);
        }

        try
        {
            // SET LOCAL transaction_read_only = on and max_parallel_workers_per_gather = 0, and the setting the tokenizer
            // depends on, in one round trip. A probe runs serially: the statement it prices cannot use parallel workers
            // (PostgreSQL plans no write in parallel), and a probe that starts them takes two more backends from a busy
            // server and waits for them to be scheduled (docs/performance.md: a count took 189 ms in parallel, 66 ms
            // serially). The tokenizer reads '…' strings as standard_conforming_strings = on does (the default since 9.1).
            var standard = await scope.QueryAsync(
                "SELECT set_config('transaction_read_only', 'on', true), set_config('max_parallel_workers_per_gather', '0', true), current_setting('standard_conforming_strings')",
                null,
                [],
                r => r.GetString(2),
                async,
                cancellationToken).ConfigureAwait(false);
            scope._unreadable = standard == "on" ? null : $"the session has standard_conforming_strings = {standard}, under which the guard does not read SQL text";
        }
        catch
        {
            await scope.CloseAsync(async).ConfigureAwait(false);
            throw;
        }

        return scope;
    }

    protected override async ValueTask<TResult> RunProbeAsync<TResult>(string sql, DbCommand? lender, IReadOnlyList<KeyValuePair<string, object>> own, Func<DbCommand, ValueTask<TResult>> run, bool async, CancellationToken cancellationToken)
    {
        var probe = CreateCommand("");
        try
        {
            probe.CommandText = BindPositionally(sql, probe, lender, own);
            return await run(probe).ConfigureAwait(false);
        }
        finally
        {
            await DisposeAsync(probe, async).ConfigureAwait(false);
        }
    }

    public override async ValueTask<StatementReading> ReadStatementAsync(BulkStatement statement, string? schema, string table, DbCommand command, bool async, CancellationToken cancellationToken)
    {
        await RefuseUnsafeCallsAsync(command, statement.Sql, [.. statement.EvaluatedTokens], async, cancellationToken).ConfigureAwait(false);

        // The server parses the statement (one, or it refuses) and plans it without running it.
        var plan = await ExplainAsync(command.CommandText, command, async, cancellationToken).ConfigureAwait(false);
        var expected = $"{schema ?? await CurrentSchemaAsync(async, cancellationToken).ConfigureAwait(false)}.{table}";
        if (plan.Target != expected)
        {
            throw new ProbeRefusedException($"PostgreSQL reads the statement's target as {plan.Target ?? "no table"}, not {expected}");
        }

        return new StatementReading(plan.ModifiedRows, plan);
    }

    /// <inheritdoc/>
    /// <remarks>The whole of the query's text is evaluated: every token of it is read for what it calls.</remarks>
    public override async ValueTask ReadQueryAsync(DbCommand query, bool async, CancellationToken cancellationToken)
    {
        if (SqlTokenizer.Tokenize(query.CommandText, SqlLexicon.Postgres) is not { } tokens)
        {
            throw new ProbeRefusedException("the SQL text does not tokenize as PostgreSQL reads it");
        }

        await RefuseUnsafeCallsAsync(query, query.CommandText, tokens, async, cancellationToken).ConfigureAwait(false);
    }

    // Refuses a command whose text Npgsql would send otherwise than PostgreSQL reads it, or whose evaluated tokens call a
    // function, operator or cast that is not a built-in free of side effects.
    private async ValueTask RefuseUnsafeCallsAsync(DbCommand command, string sql, IReadOnlyList<SqlToken> evaluated, bool async, CancellationToken cancellationToken)
    {
        if (_unreadable is { } reason)
        {
            throw new ProbeRefusedException(reason);
        }

        if (NpgsqlRewrite.DifferenceFromServer(command) is { } rewritten)
        {
            throw new ProbeRefusedException($"{rewritten}, so the statement that runs is not the one the guard read");
        }

        var calls = PostgresCalls.Of(sql, evaluated);
        var qualified = calls.Functions.Where(f => f.Contains('.', StringComparison.Ordinal)).ToArray();
        var foreign = qualified.Where(f => !f.StartsWith("pg_catalog.", StringComparison.Ordinal)).ToArray();
        if (foreign.Length > 0)
        {
            throw new ProbeRefusedException($"its predicate calls {string.Join(", ", foreign.Select(f => f + "()"))}, which is not a built-in function");
        }

        var functions = calls.Functions.Select(f => f.StartsWith("pg_catalog.", StringComparison.Ordinal) ? f["pg_catalog.".Length..] : f).Distinct().ToArray();
        var operators = calls.Operators.Where(o => !o.Contains('.', StringComparison.Ordinal) || o.StartsWith("pg_catalog.", StringComparison.Ordinal))
            .Select(o => o.StartsWith("pg_catalog.", StringComparison.Ordinal) ? o["pg_catalog.".Length..] : o).ToArray();
        if (operators.Length < calls.Operators.Count)
        {
            throw new ProbeRefusedException("its predicate calls an operator outside pg_catalog");
        }

        if (functions.Length + operators.Length + calls.Types.Count > 0)
        {
            var unsafeCalls = await QueryAsync(
                UnsafeCallsQuery,
                null,
                [new("functions", functions), new("operators", operators), new("types", calls.Types.ToArray())],
                r => r.IsDBNull(0) ? null : r.GetString(0),
                async,
                cancellationToken).ConfigureAwait(false);
            if (unsafeCalls is not null)
            {
                throw new ProbeRefusedException($"its predicate calls {unsafeCalls}, not known to be free of side effects (only built-in immutable or stable functions are evaluated)");
            }
        }
    }

    public override async ValueTask VerifyCountingQueryAsync(StatementReading statement, string countingQuery, DbCommand lender, bool async, CancellationToken cancellationToken)
    {
        var counting = await ExplainAsync(countingQuery, lender, async, cancellationToken).ConfigureAwait(false);
        if (statement.Plan!.DifferenceFrom(counting) is { } difference)
        {
            throw new ProbeRefusedException($"the probe would not read the rows the statement changes: {difference}");
        }
    }

    public override async ValueTask CloseAsync(bool async)
    {
        if (_own is { } own)
        {
            try
            {
                if (async)
                {
                    await own.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
                }
                else
                {
                    own.Rollback();
                }
            }
            finally
            {
                await DisposeAsync(own, async).ConfigureAwait(false);
            }

            return;
        }

        // The subtransaction's work and its read-only setting are undone; the caller's transaction goes on as it was.
        await ExecuteAsync($"ROLLBACK TO SAVEPOINT {Savepoint}", async, CancellationToken.None).ConfigureAwait(false);
        await ExecuteAsync($"RELEASE SAVEPOINT {Savepoint}", async, CancellationToken.None).ConfigureAwait(false);
    }

    private async ValueTask<PostgresPlan> ExplainAsync(string sql, DbCommand lender, bool async, CancellationToken cancellationToken)
    {
        var json = await QueryAsync($"EXPLAIN (VERBOSE, FORMAT JSON) {sql}", lender, [], r => r.GetString(0), async, cancellationToken).ConfigureAwait(false);
        return PostgresPlan.Parse(json ?? throw new ProbeRefusedException("EXPLAIN returned no plan"));
    }

    private async ValueTask<string> CurrentSchemaAsync(bool async, CancellationToken cancellationToken)
        => await QueryAsync("SELECT current_schema()", null, [], r => r.GetString(0), async, cancellationToken).ConfigureAwait(false) ?? "public";

    /// <summary>
    /// Rewrites every placeholder of <paramref name="sql"/> — <c>@name</c>/<c>:name</c> as Npgsql reads them, or the
    /// lender's own <c>$n</c> — to <c>$n</c>, and adds the values as unnamed parameters: the lender's (copies, in its order,
    /// so a placeholder keeps its number in every probe of the same command), then <paramref name="own"/>. A text with no
    /// parameter gets an unused one: only unnamed parameters keep Npgsql from splitting the text on its own.
    /// </summary>
    private static string BindPositionally(string sql, DbCommand probe, DbCommand? lender, IReadOnlyList<KeyValuePair<string, object>> own)
    {
        if (SqlTokenizer.Tokenize(sql, SqlLexicon.Postgres) is not { } tokens)
        {
            throw new ProbeRefusedException("the SQL text does not tokenize as PostgreSQL reads it");
        }

        DbParameter[] lent = lender is null ? [] : [.. lender.Parameters.Cast<DbParameter>()];
        var lenderIsPositional = lent.All(p => string.IsNullOrEmpty(p.ParameterName));
        var text = new StringBuilder(sql.Length);
        var copied = 0;
        foreach (var token in tokens.Where(t => t.Kind == SqlTokenKind.Parameter))
        {
            var placeholder = sql.AsSpan(token.Start, token.Length);
            string? replacement = null;
            if (placeholder[0] == '$' && !lenderIsPositional)
            {
                throw new ProbeRefusedException("the command mixes $n placeholders with named parameters");
            }

            if (placeholder[0] != '$')
            {
                var name = placeholder[1..].ToString();
                var index = Array.FindIndex(lent, p => p.ParameterName.AsSpan().TrimStart("@:").Equals(name, StringComparison.OrdinalIgnoreCase));
                var ownIndex = index >= 0 ? -1 : IndexOf(own, name);
                replacement = index >= 0 ? Positional(index) : ownIndex >= 0 ? Positional(lent.Length + ownIndex) : null;
            }

            text.Append(sql, copied, token.Start - copied).Append(replacement ?? placeholder.ToString());
            copied = token.End;
        }

        text.Append(sql, copied, sql.Length - copied);
        foreach (var parameter in lent)
        {
            probe.Parameters.Add(Unnamed(parameter, probe));
        }

        foreach (var (_, value) in own)
        {
            var parameter = probe.CreateParameter();
            parameter.Value = value;
            probe.Parameters.Add(parameter);
        }

        if (probe.Parameters.Count == 0)
        {
            var unused = probe.CreateParameter();
            unused.Value = 0;
            probe.Parameters.Add(unused);
        }

        return text.ToString();
    }

    private static string Positional(int index) => "$" + (index + 1).ToString(CultureInfo.InvariantCulture);

    private static int IndexOf(IReadOnlyList<KeyValuePair<string, object>> own, string name)
    {
        for (var i = 0; i < own.Count; i++)
        {
            if (string.Equals(name, own[i].Key, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }

    // A copy of the command's parameter, provider typing kept (Npgsql's parameters clone), without its name.
    private static DbParameter Unnamed(DbParameter parameter, DbCommand probe)
    {
        DbParameter copy;
        if (parameter is ICloneable cloneable)
        {
            copy = (DbParameter)cloneable.Clone();
        }
        else
        {
            copy = probe.CreateParameter();
            copy.DbType = parameter.DbType;
            copy.Size = parameter.Size;
            copy.Precision = parameter.Precision;
            copy.Scale = parameter.Scale;
            copy.Value = parameter.Value;
        }

        copy.ParameterName = "";
        return copy;
    }
}
