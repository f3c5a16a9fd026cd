using System.Data.Common;
using BulkSafety.Estimation;
using BulkSafety.Sql;

namespace BulkSafety.Databases;

/// <summary>SQLite through Microsoft.Data.Sqlite: probes run under <c>PRAGMA query_only</c> in a savepoint that is rolled back.</summary>
internal sealed class SqliteDialect : DatabaseDialect
{
    public override string Name => "SQLite";

    public override SqlLexicon Lexicon => SqlLexicon.Sqlite;

    /// <inheritdoc/>
    /// <remarks>The value cast to BLOB: its bytes, whatever its storage class.</remarks>
    public override string StoredBytes(string qualifier, string column, ColumnType type) => $"length(CAST({qualifier}.{Quote(column)} AS BLOB))";

    /// <remarks>Julian days to milliseconds since 1970; <c>julianday('now')</c> has millisecond resolution.</remarks>
    public override string NowMilliseconds => "CAST((julianday('now') - 2440587.5) * 86400000.0 AS INTEGER)";

    public override async ValueTask<ProbeScope> OpenProbeScopeAsync(DbConnection connection, DbTransaction? transaction, int? commandTimeout, bool async, CancellationToken cancellationToken)
        => await SqliteProbeScope.OpenAsync(this, connection, transaction, commandTimeout, async, cancellationToken).ConfigureAwait(false);
}
