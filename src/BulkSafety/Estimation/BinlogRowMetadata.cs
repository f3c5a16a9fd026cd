namespace BulkSafety.Estimation;

/// <summary>The server's <c>binlog_row_metadata</c>: optional column metadata every Table_map event carries.</summary>
public enum BinlogRowMetadata
{
    /// <summary>None (MariaDB's default).</summary>
    NoLog,

    /// <summary>The signedness of numeric columns and the collations of character columns (MySQL 8's default).</summary>
    Minimal,

    /// <summary><see cref="Minimal"/> plus the column names and the primary key.</summary>
    Full,
}
