using System.Data.Common;
using BulkSafety.Estimation;
using BulkSafety.Sql;

namespace BulkSafety.Databases;

/// <summary>
/// MySQL and MariaDB (Pomelo, Oracle's provider, MySqlConnector): backtick quoting, stored sizes by <c>LENGTH</c> (bytes),
/// <c>INSERT IGNORE</c> for a new checkpoint; probes in a read-only transaction or, inside the caller's, a savepoint
/// (<see cref="MySqlProbeScope"/>).
/// </summary>
internal sealed class MySqlDialect : DatabaseDialect
{
    public override string Name => "MySQL/MariaDB";

    /// <summary>MySQL's rules under the default <c>sql_mode</c>; a probe reads the session's own.</summary>
    public override SqlLexicon Lexicon => SqlLexicon.MySql;

    public override IReadOnlyList<SqlLexicon> SessionLexicons => SqlLexicon.MySqlSessions;

    /// <inheritdoc/>
    /// <remarks>FULL row images, MySQL's default and the incident's; <see cref="ReplicationProfile.DetectAsync"/> reads the server's own.</remarks>
    public override ReplicationProfile DefaultProfile => ReplicationProfile.MySqlRow();

    public override string Quote(string identifier) => $"`{identifier.Replace("`", "``", StringComparison.Ordinal)}`";

    public override string StoredBytes(string qualifier, string column, ColumnType type) => $"LENGTH({qualifier}.{Quote(column)})";

    public override string NowMilliseconds => "CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED)";

    public override string InsertIfAbsent(string table, string key, IReadOnlyList<string> columns, IReadOnlyList<string> values)
        => $"INSERT IGNORE INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", values)})";

    public override async ValueTask<ProbeScope> OpenProbeScopeAsync(DbConnection connection, DbTransaction? transaction, int? commandTimeout, bool async, CancellationToken cancellationToken)
        => await MySqlProbeScope.OpenAsync(this, connection, transaction, commandTimeout, async, cancellationToken).ConfigureAwait(false);
}
