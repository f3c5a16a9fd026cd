namespace BulkSafety.Estimation;

/// <summary>The server's <c>binlog_checksum</c>.</summary>
public enum BinlogChecksum
{
    /// <summary>A 4-byte CRC32 after every event (the default).</summary>
    Crc32,

    /// <summary>No checksum.</summary>
    None,
}
