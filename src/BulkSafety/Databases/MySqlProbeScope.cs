using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using BulkSafety.Sql;

namespace BulkSafety.Databases;

/// <summary>
/// Probes on MySQL and MariaDB. With no transaction open on the session (<c>@@in_transaction = 0</c>, which also sees one
/// begun by raw SQL that EF does not know of), the session is made read-only (<c>SET SESSION TRANSACTION READ ONLY</c>:
/// every probe is a read-only transaction of its own, or — under <c>autocommit = 0</c> — of one the scope rolls back) and
/// set back when the scope closes; not <c>START TRANSACTION READ ONLY</c>, which would release the caller's
/// <c>LOCK TABLES</c> locks. Inside the caller's transaction — where <c>START TRANSACTION</c> would commit the caller's work and
/// <c>SET TRANSACTION READ ONLY</c> cannot apply — only a savepoint, rolled back and released: that undoes what a probe
/// did to transactional (InnoDB) tables, not to non-transactional ones (MyISAM, Aria, MEMORY), so what a probe may call
/// is what keeps it from writing (<see cref="MySqlCalls"/>). Every probe text is read with the session's own lexical
/// rules — its <c>@@sql_mode</c>, read when the scope opens, <c>ANSI_QUOTES</c> and <c>NO_BACKSLASH_ESCAPES</c>
/// modelled; a session in a mode that changes the parser otherwise (<c>ORACLE</c>, <c>MSSQL</c>…) gets no scope — and must be exactly one
/// statement: MySqlConnector sends a text as the server reads it, several statements included, so a text in which the
/// tokenizer finds a <c>;</c> is refused, never split, and what passes runs through <c>PREPARE</c>, which the server
/// refuses for more than one statement (<see cref="MySqlPreparedProbe"/>). A caller's predicate is evaluated only when everything it calls
/// is a built-in free of side effects and it reads no view (a view may call a stored function).
/// </summary>
internal sealed class MySqlProbeScope : ProbeScope
{
    // sql_mode flags that leave reading a text as the guard does it: the two it models, and those that change only how
    // values are checked, compared or stored. A flag outside the list (ORACLE, MSSQL, DB2, POSTGRESQL, MAXDB, MYSQL323,
    // MYSQL40, or one the guard does not know) refuses the scope.
    private static readonly HashSet<string> ReadableModes = new(StringComparer.OrdinalIgnoreCase)
    {
        "ANSI_QUOTES", "NO_BACKSLASH_ESCAPES", "ANSI", "REAL_AS_FLOAT", "PIPES_AS_CONCAT", "IGNORE_SPACE", "IGNORE_BAD_TABLE_OPTIONS",
        "ONLY_FULL_GROUP_BY", "NO_UNSIGNED_SUBTRACTION", "NO_DIR_IN_CREATE", "NO_KEY_OPTIONS", "NO_TABLE_OPTIONS", "NO_FIELD_OPTIONS",
        "NO_AUTO_VALUE_ON_ZERO", "STRICT_TRANS_TABLES", "STRICT_ALL_TABLES", "NO_ZERO_IN_DATE", "NO_ZERO_DATE", "ALLOW_INVALID_DATES",
        "ERROR_FOR_DIVISION_BY_ZERO", "TRADITIONAL", "NO_AUTO_CREATE_USER", "HIGH_NOT_PRECEDENCE", "NO_ENGINE_SUBSTITUTION",
        "PAD_CHAR_TO_FULL_LENGTH", "EMPTY_STRING_IS_NULL", "SIMULTANEOUS_ASSIGNMENT", "TIME_ROUND_FRACTIONAL", "TIME_TRUNCATE_FRACTIONAL",
    };

    private const string ViewsQuery = """
        SELECT GROUP_CONCAT(CONCAT(TABLE_SCHEMA, '.', TABLE_NAME) SEPARATOR ', ') FROM information_schema.VIEWS
        WHERE JSON_CONTAINS(@bulksafety_names, JSON_QUOTE(LOWER(TABLE_NAME)))
        """;

    // A savepoint of the same name as one of the caller's would replace it (MySQL keeps one per name, and RELEASE would
    // then remove the caller's): each scope names its own.
    private readonly string _savepoint = $"{Savepoint}_{Guid.NewGuid():N}";
    private bool _own;
    private bool _autocommit;
    private bool _wasReadOnly;
    private SqlLexicon _lexicon = SqlLexicon.MySql;

    private MySqlProbeScope(DatabaseDialect dialect, DbConnection connection, DbTransaction? transaction, int? commandTimeout)
        : base(dialect, connection, transaction, commandTimeout)
    {
    }

    public static async ValueTask<ProbeScope> OpenAsync(DatabaseDialect dialect, DbConnection connection, DbTransaction? transaction, int? commandTimeout, bool async, CancellationToken cancellationToken)
    {
        var scope = new MySqlProbeScope(dialect, connection, transaction, commandTimeout);
        (bool InTransaction, string SqlMode, bool Autocommit, bool ReadOnly) session;
        try
        {
            session = await scope.SessionAsync(async, cancellationToken).ConfigureAwait(false);
        }
        catch (DbException exception)
        {
            // @@in_transaction and @@tx_read_only are MariaDB's (MySQL 8 has neither): without them no scope is safe.
            throw new ProbeRefusedException($"the session's transaction state cannot be read ({exception.Message})");
        }

        var (inTransaction, sqlMode, autocommit, readOnly) = session;
        var modes = sqlMode.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (modes.Where(mode => !ReadableModes.Contains(mode)).ToArray() is { Length: > 0 } unknown)
        {
            throw new ProbeRefusedException($"the session's sql_mode holds {string.Join(", ", unknown)}, under which the guard does not read SQL text");
        }

        scope._lexicon = SqlLexicon.MySqlSession(
            ansiQuotes: modes.Contains("ANSI_QUOTES", StringComparer.OrdinalIgnoreCase),
            noBackslashEscapes: modes.Contains("NO_BACKSLASH_ESCAPES", StringComparer.OrdinalIgnoreCase));
        scope._own = transaction is null && !inTransaction;
        scope._autocommit = autocommit;
        scope._wasReadOnly = readOnly;
        if (!scope._own)
        {
            await scope.ExecuteAsync($"SAVEPOINT {scope._savepoint}", async, cancellationToken).ConfigureAwait(false);
        }
        else if (!readOnly)
        {
            await scope.ExecuteAsync("SET SESSION TRANSACTION READ ONLY", async, cancellationToken).ConfigureAwait(false);
        }

        return scope;
    }

    protected override async ValueTask<TResult> RunProbeAsync<TResult>(string sql, DbCommand? lender, IReadOnlyList<KeyValuePair<string, object>> own, Func<DbCommand, ValueTask<TResult>> run, bool async, CancellationToken cancellationToken)
    {
        var tokens = Read(sql);
        if (tokens.Exists(token => token.IsSymbol(sql, ';')))
        {
            throw new ProbeRefusedException("the session reads more than one statement in it");
        }

        // The tokenizer's reading is one defence; PREPARE, which takes one statement only, is the engine's own.
        var bound = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in (lender?.Parameters.Cast<DbParameter>().Select(parameter => parameter.ParameterName) ?? []).Concat(own.Select(value => value.Key)))
        {
            bound.Add(MySqlPreparedProbe.BoundName(name));
        }

        return await RunWithParametersAsync(MySqlPreparedProbe.Build(sql, tokens, bound), lender, own, run, async).ConfigureAwait(false);
    }

    public override async ValueTask<StatementReading> ReadStatementAsync(BulkStatement statement, string? schema, string table, DbCommand command, bool async, CancellationToken cancellationToken)
    {
        var sql = statement.Sql;
        var tokens = Read(sql);
        if (!statement.Lexicon.ReadsAs(_lexicon) && (SqlTokenizer.Tokenize(sql, statement.Lexicon) is not { } read || !read.SequenceEqual(tokens)))
        {
            throw new ProbeRefusedException($"the session reads the statement otherwise ({_lexicon}) than it was read ({statement.Lexicon})");
        }

        SqlToken[] evaluated = [.. statement.EvaluatedTokens];
        var names = MySqlCalls.Names(sql, evaluated);
        names.Add(statement.Table.Value.ToLowerInvariant());
        await RefuseAsync(sql, evaluated, names, async, cancellationToken).ConfigureAwait(false);
        return new StatementReading(null, null);
    }

    /// <inheritdoc/>
    /// <remarks>The whole of the query's text is evaluated: every token of it is read for what it calls.</remarks>
    public override async ValueTask ReadQueryAsync(DbCommand query, bool async, CancellationToken cancellationToken)
    {
        var sql = query.CommandText;
        var tokens = Read(sql);
        await RefuseAsync(sql, tokens, MySqlCalls.Names(sql, tokens), async, cancellationToken).ConfigureAwait(false);
    }

    public override async ValueTask CloseAsync(bool async)
    {
        if (_own)
        {
            // Under autocommit = 0 the probes began a transaction, which is the scope's to end.
            try
            {
                if (!_autocommit)
                {
                    await ExecuteAsync("ROLLBACK", async, CancellationToken.None).ConfigureAwait(false);
                }
            }
            finally
            {
                if (!_wasReadOnly)
                {
                    await ExecuteAsync("SET SESSION TRANSACTION READ WRITE", async, CancellationToken.None).ConfigureAwait(false);
                }
            }

            return;
        }

        // What the probes did to transactional tables is undone; the caller's transaction goes on as it was.
        await ExecuteAsync($"ROLLBACK TO SAVEPOINT {_savepoint}", async, CancellationToken.None).ConfigureAwait(false);
        await ExecuteAsync($"RELEASE SAVEPOINT {_savepoint}", async, CancellationToken.None).ConfigureAwait(false);
    }

    // The tokens of sql as the session reads it; refuses a text that does not tokenize.
    private List<SqlToken> Read(string sql)
        => SqlTokenizer.Tokenize(sql, _lexicon) ?? throw new ProbeRefusedException($"the SQL text does not tokenize as the session reads it ({_lexicon})");

    // Refuses evaluated text that calls anything not known to be free of side effects, or reads a view: a view's query may
    // call a stored function, and the probe would run it.
    private async ValueTask RefuseAsync(string sql, IReadOnlyList<SqlToken> evaluated, HashSet<string> names, bool async, CancellationToken cancellationToken)
    {
        if (MySqlCalls.Refusal(sql, evaluated) is { } refusal)
        {
            throw new ProbeRefusedException(refusal);
        }

        var views = await QueryAsync(ViewsQuery, null, [new("@bulksafety_names", JsonSerializer.Serialize(names))], r => r.IsDBNull(0) ? null : r.GetString(0), async, cancellationToken).ConfigureAwait(false);
        if (views is not null)
        {
            throw new ProbeRefusedException($"it may read the view {views}, whose query the guard does not check for side effects");
        }
    }

    // The session's state before the scope changes anything: whether a transaction is open, its sql_mode, autocommit, and
    // whether its transactions are read-only already.
    private async ValueTask<(bool InTransaction, string SqlMode, bool Autocommit, bool ReadOnly)> SessionAsync(bool async, CancellationToken cancellationToken)
        => await QueryAsync(
            "SELECT @@in_transaction, @@sql_mode, @@autocommit, @@tx_read_only",
            null,
            [],
            r => (Flag(r, 0), r.IsDBNull(1) ? "" : r.GetString(1), Flag(r, 2), Flag(r, 3)),
            async,
            cancellationToken).ConfigureAwait(false);

    private static bool Flag(DbDataReader reader, int ordinal) => Convert.ToInt64(reader.GetValue(ordinal), CultureInfo.InvariantCulture) != 0;
}
