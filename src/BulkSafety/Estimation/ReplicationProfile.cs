namespace BulkSafety.Estimation;

/// <summary>
/// How a database engine turns row changes into replication-log bytes. The built-in profiles are
/// <see cref="MySqlRow"/> (MariaDB/MySQL row-based binlog) and <see cref="PostgresWal"/> (PostgreSQL WAL); derive from
/// this class to model another engine.
/// </summary>
/// <remarks>
/// A unit of work costs the sum of <see cref="EstimateRow"/> over its rows plus
/// <see cref="EstimateTransactionOverhead"/> once. Implementations must be thread-safe and must not allocate per
/// column: the guard calls them for every row of every SaveChanges.
/// </remarks>
public abstract class ReplicationProfile
{
    /// <summary>Creates a profile.</summary>
    /// <param name="name">A short stable name, used in reports and as the <c>profile</c> metric tag.</param>
    protected ReplicationProfile(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>A short stable name such as <c>mysql-row-full</c>.</summary>
    public string Name { get; }

    /// <summary>The MariaDB/MySQL row-based binary log with the given <c>binlog_row_image</c>.</summary>
    /// <param name="rowImage">The server's <c>binlog_row_image</c>; MySQL's default and the incident's is <see cref="BinlogRowImage.Full"/>.</param>
    /// <param name="settings">The other byte-relevant server settings; <see langword="null"/> for MariaDB's defaults.</param>
    public static MySqlRowProfile MySqlRow(BinlogRowImage rowImage = BinlogRowImage.Full, MySqlBinlogSettings? settings = null)
        => new(rowImage, settings ?? MySqlBinlogSettings.Default);

    /// <summary>The PostgreSQL write-ahead log.</summary>
    /// <param name="walLevel">The server's <c>wal_level</c>.</param>
    /// <param name="replicaIdentity">The tables' <c>REPLICA IDENTITY</c> (matters only at <see cref="PostgresWalLevel.Logical"/>).</param>
    public static PostgresWalProfile PostgresWal(PostgresWalLevel walLevel = PostgresWalLevel.Replica, PostgresReplicaIdentity replicaIdentity = PostgresReplicaIdentity.Default)
        => new(walLevel, replicaIdentity);

    /// <summary>The log bytes of one single-row statement, including its per-statement events or records.</summary>
    /// <param name="table">The table written.</param>
    /// <param name="change">The row written.</param>
    public abstract long EstimateRow(TableShape table, in RowChange change);

    /// <summary>The log bytes a transaction adds beyond its statements (begin/commit events or records).</summary>
    /// <param name="statementBytes">The sum of <see cref="EstimateRow"/> over the transaction; 0 means nothing is logged.</param>
    public abstract long EstimateTransactionOverhead(long statementBytes);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
