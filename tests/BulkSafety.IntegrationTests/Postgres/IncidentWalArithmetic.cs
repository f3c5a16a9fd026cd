using BulkSafety.IntegrationTests.Workloads;

namespace BulkSafety.IntegrationTests.Postgres;

/// <summary>
/// The record layouts of ENGINE-NOTES.md §5 worked out by hand for the incident tables, so that each WAL test states
/// where its expected figure comes from. Like its MariaDB counterpart it knows only these tables; it is not the estimator.
/// </summary>
internal static class IncidentWalArithmetic
{
    /// <summary>COMMIT at wal_level=replica: 34 B, aligned.</summary>
    public const int ReplicaCommit = 40;

    /// <summary>COMMIT at wal_level=logical (+ xinfo + dbinfo): 46 B, aligned.</summary>
    public const int LogicalCommit = 48;

    /// <summary>Heap LOCK of the old row, written when it has out-of-line TOAST values: 54 B, aligned.</summary>
    public const int TupleLock = 56;

    /// <summary>A DELETE at wal_level=replica: 24 + 20 + 2 + xl_heap_delete 8, aligned; no tuple data.</summary>
    public const int ReplicaDelete = 56;

    /// <summary>Largest tuple PostgreSQL keeps inline (TOAST_TUPLE_THRESHOLD with 8 KB pages).</summary>
    public const int ToastTupleThreshold = 2032;

    /// <summary>A posts tuple: header 24 + id 8 + group_id 8 + body (4-byte varlena header, int-aligned) 204 + created_at
    /// (8-aligned) 8.</summary>
    public const int PostTupleLength = 256;

    /// <summary>The primary-key tuple of a deleted row (replica identity default): header 24 + BIGINT 8.</summary>
    public const int KeyTupleLength = 32;

    /// <summary>Rounds up to 8 (MAXALIGN).</summary>
    public static int Align8(int bytes) => (bytes + 7) & ~7;

    /// <summary>True when the groups row keeps its description out of line.</summary>
    public static bool IsToasted(TextSize text) => GroupTupleLength(text, inlineDescription: true) > ToastTupleThreshold;

    /// <summary>
    /// A groups tuple: header 32 (23 + a 2-byte null bitmap, aligned), id 8, name 1+24, the description (1-byte varlena
    /// header up to 126 bytes, else 4-byte header int-aligned; an 18-byte TOAST pointer when out of line), NULL html, three
    /// int-aligned INTs, two 8-aligned timestamps.
    /// </summary>
    public static int GroupTupleLength(TextSize text, bool inlineDescription)
    {
        var length = 32 + 8 + 1 + IncidentWorkloads.GroupName.Length;
        length = !inlineDescription ? length + 18
            : text.Bytes <= 126 ? length + 1 + text.Bytes
            : Align(length, 4) + 4 + text.Bytes;
        length = Align(length, 4) + (3 * 4);
        return Align(length, 8) + (2 * 8);
    }

    /// <summary>The HOT_UPDATE of one changed byte at wal_level=replica: 65 + (t_hoff - 23) + 4 + 1, aligned (the new
    /// tuple minus the prefix and suffix it shares with the old one).</summary>
    public static int ReplicaHotUpdateOfOneByte => Align8(65 + (32 - 23) + 4 + 1);

    /// <summary>The HOT_UPDATE at wal_level=logical: record header 24 + block reference 20 + main-data header (2, or 5
    /// above 255 B) + xl_heap_update 14 + the new tuple (5 + t_len - 23) + with REPLICA IDENTITY FULL the old tuple with
    /// its TOAST values inlined (5 + t_len - 23).</summary>
    public static int LogicalHotUpdate(TextSize text, ReplicaIdentity identity)
    {
        var mainData = 14 + TupleData(GroupTupleLength(text, !IsToasted(text)));
        if (identity == ReplicaIdentity.Full)
        {
            mainData += TupleData(GroupTupleLength(text, inlineDescription: true));
        }

        return Align8(24 + 20 + MainDataHeader(mainData) + mainData);
    }

    /// <summary>A DELETE at wal_level=logical: 24 + 20 + main-data header + xl_heap_delete 8 + the old key tuple
    /// (the primary key, or the whole row with REPLICA IDENTITY FULL).</summary>
    public static int LogicalDelete(int oldTupleLength)
    {
        var mainData = 8 + TupleData(oldTupleLength);
        return Align8(24 + 20 + MainDataHeader(mainData) + mainData);
    }

    private static int TupleData(int tupleLength) => 5 + tupleLength - 23;

    private static int MainDataHeader(int mainData) => mainData > 255 ? 5 : 2;

    private static int Align(int offset, int alignment) => (offset + alignment - 1) / alignment * alignment;
}
