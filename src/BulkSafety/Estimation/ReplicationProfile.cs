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
    /// <param name="includeFullPageImages">
    /// <see langword="false"/> (default) for the steady-state WAL; <see langword="true"/> to add to every row the full-page
    /// images of the pages it writes, as if each were its pages' first change after a checkpoint: an upper bound
    /// (<see cref="PostgresWalProfile.FullPageImageBound"/>).
    /// </param>
    /// <param name="tableReplicaIdentities">
    /// Tables whose <c>REPLICA IDENTITY</c> differs from <paramref name="replicaIdentity"/>, by <c>schema.table</c> or bare
    /// table name (e.g. the one table published with <c>REPLICA IDENTITY FULL</c>).
    /// </param>
    public static PostgresWalProfile PostgresWal(
        PostgresWalLevel walLevel = PostgresWalLevel.Replica,
        PostgresReplicaIdentity replicaIdentity = PostgresReplicaIdentity.Default,
        bool includeFullPageImages = false,
        IReadOnlyDictionary<string, PostgresReplicaIdentity>? tableReplicaIdentities = null)
        => new(walLevel, replicaIdentity, includeFullPageImages, tableReplicaIdentities);

    /// <summary>
    /// Reads the live server's settings over <paramref name="connection"/> (any ADO.NET driver; opened and closed again
    /// if it is closed) and returns the profile that matches them, rather than trusting configuration.
    /// PostgreSQL: <c>SHOW wal_level</c> and every table's <c>pg_class.relreplident</c> (tables with
    /// <c>REPLICA IDENTITY FULL</c> in <see cref="PostgresWalProfile.TableReplicaIdentities"/>).
    /// MariaDB/MySQL: <c>@@log_bin</c>, <c>@@binlog_format</c>, <c>@@binlog_row_image</c>,
    /// <c>@@binlog_annotate_row_events</c> (MySQL: <c>@@binlog_rows_query_log_events</c>), <c>@@binlog_checksum</c>,
    /// <c>@@binlog_row_metadata</c> and <c>DATABASE()</c>, as the connection's session sees them. docs/estimation.md lists
    /// the queries.
    /// </summary>
    /// <param name="connection">A connection to the server the application writes to.</param>
    /// <param name="cancellationToken">Cancels the queries.</param>
    /// <returns>A <see cref="PostgresWalProfile"/> or a <see cref="MySqlRowProfile"/>.</returns>
    /// <remarks>
    /// Under <c>binlog_format</c> MIXED (MariaDB's default) or STATEMENT the MariaDB/MySQL profile is an upper bound: the
    /// session's row image with the statement text counted, which covers a statement logged as its text as well as one
    /// the server logs as rows (docs/estimation.md, "Knowing the server").
    /// </remarks>
    /// <exception cref="NotSupportedException">
    /// A MariaDB/MySQL server with binary logging off: it writes no replication log to estimate. Configure a profile
    /// explicitly if replicas will read one.
    /// </exception>
    public static Task<ReplicationProfile> DetectAsync(System.Data.Common.DbConnection connection, CancellationToken cancellationToken = default)
        => ProfileDetection.DetectAsync(connection, cancellationToken);

    /// <summary>The log bytes of one single-row statement, including its per-statement events or records.</summary>
    /// <param name="table">The table written.</param>
    /// <param name="change">The row written.</param>
    public abstract long EstimateRow(TableShape table, in RowChange change);

    /// <summary>
    /// The log bytes of one statement that writes <paramref name="rowCount"/> rows of <paramref name="table"/>, each like
    /// <paramref name="row"/>: a DELETE or UPDATE by predicate (<c>ExecuteDelete</c>, <c>ExecuteUpdate</c>, raw SQL) priced
    /// from a row count and typical stored sizes. Per-statement events are counted once, per-row bytes
    /// <paramref name="rowCount"/> times; the transaction's own bytes are not included
    /// (<see cref="EstimateTransactionOverhead"/>). A statement that changes no row logs nothing.
    /// </summary>
    /// <remarks>
    /// The default prices every row as its own statement (<see cref="EstimateRow"/> × <paramref name="rowCount"/>), which is
    /// exact for engines without per-statement records, such as PostgreSQL's WAL (one heap record per row).
    /// <see cref="MySqlRowProfile"/> overrides it: one Annotate_rows and one Table_map per statement, rows packed into
    /// Rows events of at most <see cref="MySqlBinlogSettings.RowEventMaxSize"/> bytes. Rows the database deletes itself
    /// through <c>ON DELETE CASCADE</c> are priced apart, with <see cref="EstimateCascadedDeletes"/>.
    /// </remarks>
    /// <param name="table">The table written.</param>
    /// <param name="row">A typical row of the statement; its <see cref="RowChange.StatementTextLength"/> should be the
    /// command text's length (the binlog's Annotate_rows event copies it), else the profile estimates one.</param>
    /// <param name="rowCount">The rows the statement changes.</param>
    public virtual long EstimateStatement(TableShape table, in RowChange row, long rowCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        var perRow = EstimateRow(table, row);
        return rowCount == 0 ? 0 : checked(rowCount * perRow);
    }

    /// <summary>
    /// The log bytes of <paramref name="rowCount"/> rows of <paramref name="table"/>, each like <paramref name="row"/>, that
    /// the database deletes itself through <c>ON DELETE CASCADE</c> when a statement deletes their parent rows: rows EF
    /// Core does not track and never sends a DELETE for.
    /// </summary>
    /// <remarks>
    /// The default logs each cascaded row like a DELETE of its own, which is what PostgreSQL's WAL does (the cascade runs
    /// as ordinary row deletes). <see cref="MySqlRowProfile"/> returns 0: InnoDB's cascades are not row-logged (the
    /// replica re-applies them); only a Table_map per cascading table is, and that is part of the parent's statement
    /// (<see cref="TableShape.CascadeDeleteTables"/>).
    /// </remarks>
    /// <param name="table">The dependent table the cascade reaches.</param>
    /// <param name="row">A typical cascaded row: a <see cref="RowChangeKind.Delete"/>.</param>
    /// <param name="rowCount">How many rows the cascade deletes in <paramref name="table"/>.</param>
    public virtual long EstimateCascadedDeletes(TableShape table, in RowChange row, long rowCount)
        => EachAsItsOwnStatement(table, row, rowCount, RowChangeKind.Delete);

    /// <summary>
    /// The log bytes of <paramref name="rowCount"/> rows of <paramref name="table"/>, each like <paramref name="row"/>, that
    /// the database updates itself through <c>ON DELETE SET NULL</c> or <c>SET DEFAULT</c> when a statement deletes their
    /// parent rows: rows EF Core does not track and never sends an UPDATE for.
    /// </summary>
    /// <remarks>
    /// The default logs each row like an UPDATE of its own, as PostgreSQL's WAL does. <see cref="MySqlRowProfile"/> returns
    /// 0: InnoDB's foreign-key actions are not row-logged; only a Table_map per table they write is, and that is part of the
    /// parent's statement (<see cref="TableShape.CascadeDeleteTables"/>).
    /// </remarks>
    /// <param name="table">The dependent table the action reaches.</param>
    /// <param name="row">A typical updated row: a <see cref="RowChangeKind.Update"/> that assigns the foreign key.</param>
    /// <param name="rowCount">How many rows the action updates in <paramref name="table"/>.</param>
    public virtual long EstimateCascadedUpdates(TableShape table, in RowChange row, long rowCount)
        => EachAsItsOwnStatement(table, row, rowCount, RowChangeKind.Update);

    /// <summary>Checks that a row the database writes itself through a foreign key's action is of <paramref name="kind"/>.</summary>
    private protected static void ValidateForeignKeyAction(in RowChange row, long rowCount, RowChangeKind kind)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rowCount);
        if (row.Kind != kind)
        {
            throw new ArgumentException($"A row this foreign-key action writes is a {kind}, not a {row.Kind}.", nameof(row));
        }
    }

    // rowCount rows like row, each logged like a single-row statement of its own.
    private long EachAsItsOwnStatement(TableShape table, in RowChange row, long rowCount, RowChangeKind kind)
    {
        ValidateForeignKeyAction(row, rowCount, kind);
        var perRow = EstimateRow(table, row);
        return rowCount == 0 ? 0 : checked(rowCount * perRow);
    }

    /// <summary>
    /// The bytes one row adds to a statement that writes many rows, without the statement's own events: what a batch of
    /// rows of different sizes is priced from (<see cref="EstimateStatement(TableShape, RowChangeKind, int, ReadOnlySpan{long})"/>).
    /// The default is <see cref="EstimateRow"/>, right for engines that log each row as a record of its own.
    /// <see cref="MySqlRowProfile"/> returns the row images.
    /// </summary>
    /// <param name="table">The table written.</param>
    /// <param name="change">The row written.</param>
    public virtual long RowBytesInStatement(TableShape table, in RowChange change) => EstimateRow(table, change);

    /// <summary>
    /// The log bytes of one statement that writes rows of <paramref name="table"/> whose
    /// <see cref="RowBytesInStatement"/> are <paramref name="rowBytes"/>, in statement order; the transaction's own bytes are
    /// not included. The default is their sum; <see cref="MySqlRowProfile"/> adds the statement's events and packs the rows
    /// into Rows events.
    /// </summary>
    /// <param name="table">The table written.</param>
    /// <param name="kind">What the statement does.</param>
    /// <param name="statementTextLength">The byte length of the statement text (logged where <see cref="LogsStatementText"/>).</param>
    /// <param name="rowBytes">Each row's <see cref="RowBytesInStatement"/>.</param>
    public virtual long EstimateStatement(TableShape table, RowChangeKind kind, int statementTextLength, ReadOnlySpan<long> rowBytes)
    {
        long sum = 0;
        foreach (var bytes in rowBytes)
        {
            sum += bytes;
        }

        return sum;
    }

    /// <summary>
    /// <see cref="EstimateRow"/>, and the largest single event or record the statement logs, which the engine's packet
    /// limits apply to (MariaDB/MySQL); 0 where no such limit is modelled (the default).
    /// </summary>
    internal virtual long EstimateRowWithLargestEvent(TableShape table, in RowChange change, out long largestEvent)
    {
        largestEvent = 0;
        return EstimateRow(table, change);
    }

    /// <summary><see cref="EstimateStatement(TableShape, in RowChange, long)"/>, and its largest single event (see <see cref="EstimateRowWithLargestEvent"/>).</summary>
    internal virtual long EstimateStatementWithLargestEvent(TableShape table, in RowChange row, long rowCount, out long largestEvent)
    {
        largestEvent = 0;
        return EstimateStatement(table, row, rowCount);
    }

    /// <summary><see cref="EstimateStatement(TableShape, RowChangeKind, int, ReadOnlySpan{long})"/>, and its largest single event (see <see cref="EstimateRowWithLargestEvent"/>).</summary>
    internal virtual long EstimateStatementWithLargestEvent(TableShape table, RowChangeKind kind, int statementTextLength, ReadOnlySpan<long> rowBytes, out long largestEvent)
    {
        largestEvent = 0;
        return EstimateStatement(table, kind, statementTextLength, rowBytes);
    }

    /// <summary>Whether the log copies each statement's text (MariaDB's Annotate_rows events), so its length matters.</summary>
    public virtual bool LogsStatementText => false;

    /// <summary>The log bytes a transaction adds beyond its statements (begin/commit events or records).</summary>
    /// <param name="statementBytes">The sum of <see cref="EstimateRow"/> over the transaction; 0 means nothing is logged.</param>
    public abstract long EstimateTransactionOverhead(long statementBytes);

    /// <inheritdoc/>
    public override string ToString() => Name;
}
