using System.Data.Common;
using BulkSafety.Estimation;
using BulkSafety.Sql;

namespace BulkSafety.Databases;

/// <summary>
/// MySQL and MariaDB (Pomelo, Oracle's provider, MySqlConnector): backtick quoting, stored sizes by <c>LENGTH</c> (bytes),
/// <c>INSERT IGNORE</c> for a new checkpoint. Its statements are not probed yet: a probe scope is refused, so bulk commands
/// are unknown cost and database cascades of a SaveChanges are not counted (docs/guard.md, Limits).
/// </summary>
internal sealed class MySqlDialect : DatabaseDialect
{
    public override string Name => "MySQL/MariaDB";

    /// <summary>The lexical rules closest to MySQL's among those the guard models (backticks); MySQL's own — <c>#</c>
    /// comments, backslash escapes, <c>/*! */</c> — are not modelled yet, so statements are not probed.</summary>
    public override SqlLexicon Lexicon => SqlLexicon.Sqlite;

    public override bool LexiconIsExact => false;

    /// <inheritdoc/>
    /// <remarks>FULL row images, MySQL's default and the incident's; <see cref="ReplicationProfile.DetectAsync"/> reads the server's own.</remarks>
    public override ReplicationProfile DefaultProfile => ReplicationProfile.MySqlRow();

    public override string Quote(string identifier) => $"`{identifier.Replace("`", "``", StringComparison.Ordinal)}`";

    public override string StoredBytes(string qualifier, string column, ColumnType type) => $"LENGTH({qualifier}.{Quote(column)})";

    public override string NowMilliseconds => "CAST(UNIX_TIMESTAMP(NOW(3)) * 1000 AS SIGNED)";

    public override string InsertIfAbsent(string table, string key, IReadOnlyList<string> columns, IReadOnlyList<string> values)
        => $"INSERT IGNORE INTO {table} ({string.Join(", ", columns)}) VALUES ({string.Join(", ", values)})";

    public override ValueTask<ProbeScope> OpenProbeScopeAsync(DbConnection connection, DbTransaction? transaction, int? commandTimeout, bool async, CancellationToken cancellationToken)
        => throw new ProbeRefusedException("statements on MySQL/MariaDB are not probed in this version");
}
