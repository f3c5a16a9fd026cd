using System.Data.Common;
using BulkSafety.Estimation;
using BulkSafety.Sql;

namespace BulkSafety.Databases;

/// <summary>
/// Everything the guard knows about one database engine: how to recognise it, how it reads SQL (<see cref="Lexicon"/>),
/// how it quotes names and measures stored values, and how a probe asks it something without being able to change
/// anything (<see cref="OpenProbeScopeAsync"/>), and the SQL of a batched job's checkpoints. Found from EF's provider
/// name or, failing that, the connection's type name. One instance per engine: <see cref="Sqlite"/>,
/// <see cref="Postgres"/>, <see cref="MySql"/>.
/// </summary>
internal abstract class DatabaseDialect
{
    public static DatabaseDialect Sqlite { get; } = new SqliteDialect();

    public static DatabaseDialect Postgres { get; } = new PostgresDialect();

    public static DatabaseDialect MySql { get; } = new MySqlDialect();

    public abstract string Name { get; }

    /// <summary>How the engine splits SQL text into tokens.</summary>
    public abstract SqlLexicon Lexicon { get; }

    /// <summary>
    /// Every way a session of the engine may read a text, <see cref="Lexicon"/> first: MySQL's depend on the session's
    /// <c>sql_mode</c>, which a raw command's classification cannot ask, so a command is taken to write when any of them
    /// reads it as a write.
    /// </summary>
    public virtual IReadOnlyList<SqlLexicon> SessionLexicons => [Lexicon];

    /// <summary>
    /// Whether <see cref="Lexicon"/> follows the engine's own rules (SQLite, PostgreSQL, MySQL). Where it does not, a raw
    /// command is taken to write when either modelled engine would read it as a write.
    /// </summary>
    public virtual bool LexiconIsExact => true;

    /// <summary>The profile of the engine's replication log when none is configured; <see langword="null"/> for an engine without one (SQLite).</summary>
    public virtual ReplicationProfile? DefaultProfile => null;

    /// <summary>Whether the engine's planner can estimate a statement's rows (then huge statements are sampled).</summary>
    public virtual bool PlansRowCounts => false;

    /// <summary>
    /// Whether a failed statement aborts the whole transaction (PostgreSQL: nothing of it can commit any more, until a
    /// rollback to a savepoint) rather than only itself (SQLite, MySQL).
    /// </summary>
    public virtual bool FailedStatementAbortsTransaction => false;

    /// <summary>The dialect of a connection, or <see langword="null"/> for an engine the guard cannot probe.</summary>
    /// <param name="providerName">EF's <c>Database.ProviderName</c>, when known.</param>
    /// <param name="connection">The ADO.NET connection.</param>
    public static DatabaseDialect? Detect(string? providerName, DbConnection connection)
        => providerName switch
        {
            "Microsoft.EntityFrameworkCore.Sqlite" => Sqlite,
            "Npgsql.EntityFrameworkCore.PostgreSQL" => Postgres,
            "Pomelo.EntityFrameworkCore.MySql" or "MySql.EntityFrameworkCore" => MySql,
            _ => connection.GetType().Name switch
            {
                "SqliteConnection" => Sqlite,
                "NpgsqlConnection" => Postgres,
                "MySqlConnection" => MySql,
                _ => null,
            },
        };

    /// <summary>An identifier quoted for the SQL text, the SQL-standard way unless the engine says otherwise; the only
    /// way a name enters a probe.</summary>
    public virtual string Quote(string identifier) => $"\"{identifier.Replace("\"", "\"\"", StringComparison.Ordinal)}\"";

    /// <summary>A table name, schema-qualified when it has one, quoted.</summary>
    public string QuoteTable(string? schema, string table) => schema is null ? Quote(table) : $"{Quote(schema)}.{Quote(table)}";

    /// <summary>
    /// The SQL expression of the database's clock now, in whole milliseconds since 1970: a batched job's lease expires by
    /// it, so that every runner of the job, on whatever machine, reads the same clock.
    /// </summary>
    public abstract string NowMilliseconds { get; }

    /// <summary>An <c>INSERT</c> of one row that inserts nothing when a row with the same <paramref name="key"/> exists.</summary>
    public virtual string InsertIfAbsent(string table, string key, IReadOnlyList<string> columns, IReadOnlyList<string> values)
        => $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", values)}) ON CONFLICT ({key}) DO NOTHING";

    /// <summary>
    /// The SQL expression of the stored byte length of a column's value (NULL for NULL): UTF-8 bytes of text, bytes of
    /// binary.
    /// </summary>
    public abstract string StoredBytes(string qualifier, string column, ColumnType type);

    /// <summary>
    /// Opens a scope in which probes can only read, on the connection and transaction of the work being judged (so that
    /// a probe sees what the statement will see, the transaction's own uncommitted rows included). Whatever a probe does
    /// is undone when the scope closes; the caller's transaction is left as it was.
    /// </summary>
    public abstract ValueTask<ProbeScope> OpenProbeScopeAsync(DbConnection connection, DbTransaction? transaction, int? commandTimeout, bool async, CancellationToken cancellationToken);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
