using System.Data.Common;
using BulkSafety.Sql;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace BulkSafety.Databases;

/// <summary>
/// Probes on SQLite: a savepoint that is rolled back, with <c>PRAGMA query_only</c> on for the scope's duration (a
/// rollback does not undo a pragma, so the previous value is restored when the scope closes, cancellation included).
/// Every probe text is first prepared by SQLite itself under an authorizer: it must be one statement (the text after it
/// holds nothing SQLite would run), read-only, and call only <see cref="SqliteFunctions"/> — so the functions checked are
/// the ones SQLite resolved, not the ones a tokenizer found.
/// </summary>
internal sealed class SqliteProbeScope : ProbeScope
{
    private const int Ok = 0;
    private const int Deny = 1;
    private const int DeleteAction = 9;
    private const int ReadAction = 20;
    private const int SelectAction = 21;
    private const int UpdateAction = 23;
    private const int FunctionAction = 31;
    private const int RecursiveAction = 33;

    private readonly SqliteConnection _connection;
    private long _previousQueryOnly;
    private HashSet<string>? _applicationFunctions;
    private HashSet<string>? _applicationCollations;

    private SqliteProbeScope(DatabaseDialect dialect, SqliteConnection connection, DbTransaction? transaction, int? commandTimeout)
        : base(dialect, connection, transaction, commandTimeout)
        => _connection = connection;

    public static async ValueTask<ProbeScope> OpenAsync(DatabaseDialect dialect, DbConnection connection, DbTransaction? transaction, int? commandTimeout, bool async, CancellationToken cancellationToken)
    {
        if (connection is not SqliteConnection sqlite)
        {
            throw new ProbeRefusedException($"the connection is a {connection.GetType().Name}, not Microsoft.Data.Sqlite's SqliteConnection");
        }

        var scope = new SqliteProbeScope(dialect, sqlite, transaction, commandTimeout);
        scope._previousQueryOnly = await scope.ScalarAsync("PRAGMA query_only", async, cancellationToken).ConfigureAwait(false);
        await scope.ExecuteAsync($"SAVEPOINT {Savepoint}", async, cancellationToken).ConfigureAwait(false);
        try
        {
            await scope.ExecuteAsync("PRAGMA query_only = 1", async, cancellationToken).ConfigureAwait(false);
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
        var applicationFunctions = _applicationFunctions ??= await NamesAsync("SELECT name FROM pragma_function_list WHERE builtin = 0", async, cancellationToken).ConfigureAwait(false);
        // SQLite's own collations, and EF Core's decimal ordering, compare without side effects.
        var applicationCollations = _applicationCollations ??= await NamesAsync("SELECT name FROM pragma_collation_list WHERE name NOT IN ('BINARY', 'NOCASE', 'RTRIM', 'EF_DECIMAL')", async, cancellationToken).ConfigureAwait(false);
        var tables = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        Prepare(sql, readOnly: true, (action, first, second, database, view) =>
        {
            if (action == ReadAction)
            {
                tables.Add(database is "" or "main" or "temp" ? first : $"{database}.{first}");
                if (view is not null)
                {
                    tables.Add(view);
                }
            }

            return action switch
            {
                ReadAction or SelectAction or RecursiveAction => null,
                FunctionAction when SqliteFunctions.IsAllowed(second, applicationFunctions) => null,
                FunctionAction => $"it calls {second}(), which is not known to be free of side effects",
                _ => $"SQLite would authorize {ActionName(action)} ({first}) for it, and a probe only reads",
            };
        });
        if (applicationCollations.Count > 0)
        {
            await RefuseApplicationCollationsAsync(sql, tables, applicationCollations, async, cancellationToken).ConfigureAwait(false);
        }

        return await RunWithParametersAsync(sql, lender, own, run, async).ConfigureAwait(false);
    }

    public override ValueTask<StatementReading> ReadStatementAsync(BulkStatement statement, string? schema, string table, DbCommand command, bool async, CancellationToken cancellationToken)
    {
        // SQLite prepares the statement (nothing runs) and names the table it deletes from or updates first; the tables its
        // foreign keys cascade to come after.
        string? target = null;
        Prepare(command.CommandText, readOnly: false, (action, first, _, _, trigger) =>
        {
            if (trigger is null && action is DeleteAction or UpdateAction)
            {
                target ??= first;
            }

            return null;
        });
        if (target is null || !new SqlName(target, SqlNameMatch.IgnoreAsciiCase).Matches(table))
        {
            throw new ProbeRefusedException($"SQLite reads the statement's target as {target ?? "no table"}, not {table}");
        }

        return ValueTask.FromResult(new StatementReading(null, null));
    }

    public override async ValueTask CloseAsync(bool async)
    {
        // Each step runs whatever the one before did; none of them may be skipped by a cancellation.
        try
        {
            await ExecuteAsync($"PRAGMA query_only = {_previousQueryOnly}", async, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            try
            {
                await ExecuteAsync($"ROLLBACK TO {Savepoint}", async, CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                await ExecuteAsync($"RELEASE {Savepoint}", async, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    // The authorizer's action codes a probe meets most (sqlite3.h); others by number.
    private static string ActionName(int action) => action switch
    {
        DeleteAction => "DELETE",
        UpdateAction => "UPDATE",
        18 => "INSERT",
        19 => "PRAGMA",
        22 => "a TRANSACTION statement",
        24 => "ATTACH",
        32 => "a SAVEPOINT",
        _ => $"action {action}",
    };

    // Prepares sql under an authorizer (action, its two names, the database, the innermost trigger or view -> a denial
    // reason or null) and checks that it is exactly one statement, read-only if asked; nothing is executed. Throws
    // ProbeRefusedException with the reason otherwise.
    private void Prepare(string sql, bool readOnly, Func<int, string, string, string, string?, string?> authorize)
    {
        var db = _connection.Handle ?? throw new ProbeRefusedException("the SQLite connection is not open");
        string? denied = null;
        raw.sqlite3_set_authorizer(db, (_, action, first, second, database, trigger) =>
        {
            var reason = authorize(action, first.utf8_to_string() ?? "", second.utf8_to_string() ?? "", database.utf8_to_string() ?? "", trigger.utf8_to_string());
            denied ??= reason;
            return reason is null ? Ok : Deny;
        }, null);
        try
        {
            var rc = raw.sqlite3_prepare_v2(db, sql, out var statement, out var tail);
            using (statement)
            {
                if (rc != Ok || statement.IsInvalid)
                {
                    throw new ProbeRefusedException(denied ?? $"SQLite cannot prepare it: {raw.sqlite3_errmsg(db).utf8_to_string()}");
                }

                if (readOnly && raw.sqlite3_stmt_readonly(statement) == 0)
                {
                    throw new ProbeRefusedException("SQLite reads it as a statement that writes");
                }
            }

            while (!string.IsNullOrWhiteSpace(tail))
            {
                rc = raw.sqlite3_prepare_v2(db, tail, out var next, out var rest);
                using (next)
                {
                    if (rc != Ok || !next.IsInvalid || rest.Length >= tail.Length)
                    {
                        throw new ProbeRefusedException("SQLite reads more than one statement in it");
                    }
                }

                tail = rest;
            }
        }
        finally
        {
            raw.sqlite3_set_authorizer(db, (delegate_authorizer?)null, null);
        }
    }

    // An application's collation runs its code on every comparison it decides, and SQLite's authorizer does not report
    // collations: a probe is refused when one of them is named in its text or in the schema of a table or view it reads
    // (a column's declared collation, an index, a view's own text). Tables of attached databases are not looked up.
    private async ValueTask RefuseApplicationCollationsAsync(string sql, HashSet<string> tables, HashSet<string> collations, bool async, CancellationToken cancellationToken)
    {
        if (tables.FirstOrDefault(name => name.Contains('.', StringComparison.Ordinal)) is { } attached)
        {
            throw new ProbeRefusedException($"it reads {attached}, and the connection defines collations ({string.Join(", ", collations)})");
        }

        var command = CreateCommand("""
            SELECT sql FROM sqlite_schema WHERE tbl_name IN (SELECT value FROM json_each(@names)) OR name IN (SELECT value FROM json_each(@names))
            UNION ALL SELECT sql FROM sqlite_temp_schema WHERE tbl_name IN (SELECT value FROM json_each(@names)) OR name IN (SELECT value FROM json_each(@names))
            """);
        var names = command.CreateParameter();
        names.ParameterName = "@names";
        names.Value = System.Text.Json.JsonSerializer.Serialize(tables);
        command.Parameters.Add(names);
        var texts = new List<string> { sql };
        try
        {
            var reader = async ? await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false) : command.ExecuteReader();
            try
            {
                while (async ? await reader.ReadAsync(cancellationToken).ConfigureAwait(false) : reader.Read())
                {
                    texts.Add(reader.IsDBNull(0) ? "" : reader.GetString(0));
                }
            }
            finally
            {
                await DisposeAsync(reader, async).ConfigureAwait(false);
            }
        }
        finally
        {
            await DisposeAsync(command, async).ConfigureAwait(false);
        }

        if (collations.FirstOrDefault(collation => texts.Exists(text => text.Contains(collation, StringComparison.OrdinalIgnoreCase))) is { } named)
        {
            throw new ProbeRefusedException($"it may compare with {named}, a collation the application defines");
        }
    }

    // The names a pragma lists: the functions or collations the application has defined on this connection (EF Core's
    // among them), whose code may have any effect, and which may take a built-in's name.
    private async ValueTask<HashSet<string>> NamesAsync(string pragma, bool async, CancellationToken cancellationToken)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var command = CreateCommand(pragma);
        try
        {
            var reader = async ? await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false) : command.ExecuteReader();
            try
            {
                while (async ? await reader.ReadAsync(cancellationToken).ConfigureAwait(false) : reader.Read())
                {
                    names.Add(reader.GetString(0));
                }
            }
            finally
            {
                await DisposeAsync(reader, async).ConfigureAwait(false);
            }
        }
        finally
        {
            await DisposeAsync(command, async).ConfigureAwait(false);
        }

        return names;
    }

    private async ValueTask<long> ScalarAsync(string sql, bool async, CancellationToken cancellationToken)
    {
        var command = CreateCommand(sql);
        try
        {
            var value = async ? await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) : command.ExecuteScalar();
            return Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
        }
        finally
        {
            await DisposeAsync(command, async).ConfigureAwait(false);
        }
    }
}
