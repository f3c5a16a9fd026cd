namespace BulkSafety.Estimation;

/// <summary>The server's <c>binlog_row_image</c>: which columns a row event carries.</summary>
public enum BinlogRowImage
{
    /// <summary>Every column in the before and the after image (MySQL's default).</summary>
    Full,

    /// <summary>The primary key in the before image, the columns the statement assigns in the after image.</summary>
    Minimal,

    /// <summary>Like <see cref="Full"/> but TEXT/BLOB columns only when the statement assigns them.</summary>
    NoBlob,
}
