namespace BulkSafety.Estimation;

/// <summary>The byte-relevant MariaDB/MySQL settings besides <c>binlog_row_image</c>. The defaults are MariaDB 10.11's.</summary>
public sealed class MySqlBinlogSettings
{
    /// <summary>MariaDB 10.11's defaults.</summary>
    public static MySqlBinlogSettings Default { get; } = new();

    /// <summary><c>binlog_annotate_row_events</c>: every statement's text is logged in an Annotate_rows event (MariaDB default ON).</summary>
    public bool AnnotateRowEvents { get; init; } = true;

    /// <summary><c>binlog_checksum</c>.</summary>
    public BinlogChecksum Checksum { get; init; } = BinlogChecksum.Crc32;

    /// <summary><c>binlog_row_metadata</c>: optional metadata in every Table_map event (MariaDB default NO_LOG).</summary>
    public BinlogRowMetadata RowMetadata { get; init; } = BinlogRowMetadata.NoLog;

    /// <summary><c>binlog_row_event_max_size</c>: rows of one statement are packed into events of at most this many bytes.</summary>
    public int RowEventMaxSize
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 256);
            field = value;
        }
    } = 8192;

    /// <summary>The database (schema) name; every Table_map event carries it.</summary>
    public string DatabaseName
    {
        get;
        init
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(value);
            field = value;
        }
    } = "app";

    /// <summary>
    /// <c>max_binlog_cache_size</c>: the most binlog bytes one transaction may cache before it commits. A statement that
    /// takes its transaction past it fails with error 1197 after doing its work, and is rolled back. <see langword="null"/>
    /// (the default; MariaDB's default is 16 EiB) for no cap.
    /// </summary>
    public long? MaxBinlogCacheSize
    {
        get;
        init
        {
            if (value is { } cap)
            {
                ArgumentOutOfRangeException.ThrowIfLessThan(cap, 4096);
            }

            field = value;
        }
    }

    /// <summary>
    /// <c>max_allowed_packet</c> of the primary: no binlog event may be larger (one row's image and a statement's text each
    /// take one event whole; only rows events holding several rows are split). Default 16 MiB, MariaDB 10.11's.
    /// </summary>
    public long MaxAllowedPacket
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1024);
            field = value;
        }
    } = 16 * 1024 * 1024;

    /// <summary>
    /// Whether the statement text the server sees has the parameter values written into it, as MySqlConnector does for
    /// the unprepared commands EF Core sends; then Annotate_rows logs every written value a second time. Only used when a
    /// statement's text length is not given.
    /// </summary>
    public bool ValuesInStatementText { get; init; } = true;
}
