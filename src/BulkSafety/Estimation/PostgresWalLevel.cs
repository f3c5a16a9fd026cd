namespace BulkSafety.Estimation;

/// <summary>The server's <c>wal_level</c>.</summary>
public enum PostgresWalLevel
{
    /// <summary><c>replica</c> (the default): physical replication; HOT updates log only the changed bytes.</summary>
    Replica,

    /// <summary><c>logical</c>: logical decoding; updates log the whole new tuple and, per replica identity, old key or row.</summary>
    Logical,
}
