using System.Data.Common;
using BulkSafety.Estimation;
using BulkSafety.Sql;

namespace BulkSafety.Databases;

/// <summary>PostgreSQL through Npgsql: probes run in a read-only (sub)transaction that is rolled back.</summary>
internal sealed class PostgresDialect : DatabaseDialect
{
    public override string Name => "PostgreSQL";

    public override SqlLexicon Lexicon => SqlLexicon.Postgres;

    public override bool PlansRowCounts => true;

    /// <inheritdoc/>
    /// <remarks><c>wal_level=replica</c>, the server's default; <see cref="ReplicationProfile.DetectAsync"/> reads the server's own.</remarks>
    public override ReplicationProfile DefaultProfile => ReplicationProfile.PostgresWal();

    public override bool FailedStatementAbortsTransaction => true;

    /// <inheritdoc/>
    /// <remarks><c>octet_length</c> reads a TOASTed value's length from its pointer without fetching it; text-like values
    /// (json, citext) are cast to text so they are measured too.</remarks>
    public override string StoredBytes(string qualifier, string column, ColumnType type)
        => type.Kind is ColumnTypeKind.Blob or ColumnTypeKind.VarBinary ? $"octet_length({qualifier}.{Quote(column)})" : $"octet_length({qualifier}.{Quote(column)}::text)";

    /// <remarks><c>clock_timestamp()</c>, not <c>now()</c>: the time of the statement, not of its transaction's start.</remarks>
    public override string NowMilliseconds => "CAST(EXTRACT(EPOCH FROM clock_timestamp()) * 1000 AS BIGINT)";

    public override async ValueTask<ProbeScope> OpenProbeScopeAsync(DbConnection connection, DbTransaction? transaction, int? commandTimeout, bool async, CancellationToken cancellationToken)
        => await PostgresProbeScope.OpenAsync(this, connection, transaction, commandTimeout, async, cancellationToken).ConfigureAwait(false);
}
