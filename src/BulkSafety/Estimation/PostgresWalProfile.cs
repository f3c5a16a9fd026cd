namespace BulkSafety.Estimation;

/// <summary>
/// PostgreSQL 15 write-ahead log in steady state (8 KB pages), modelled record by record: heap INSERT/UPDATE/DELETE and
/// LOCK records, B-tree inserts, TOAST chunks of 1,996 bytes, HOT updates with prefix/suffix compression, COMMIT records,
/// 8-byte record alignment and the WAL page headers. Full-page images after a checkpoint are not part of the estimate
/// (docs/guard.md explains the bound).
/// </summary>
public class PostgresWalProfile : ReplicationProfile
{
    /// <summary>A tuple longer than this is TOASTed (TOAST_TUPLE_THRESHOLD for 8 KB pages).</summary>
    public const int ToastTupleThreshold = 2032;

    /// <summary>The data bytes of one TOAST chunk (TOAST_MAX_CHUNK_SIZE for 8 KB pages).</summary>
    public const int ToastChunkBytes = 1996;

    private const int ToastPointerBytes = 18;
    private const int ShortVarlenaMaxData = 126;
    private const int BTreeInsertRecordBytes = 64;
    private const int SmallRecordBytes = 56;
    private const int WalPageBytes = 8168;
    private const int WalPageHeaderBytes = 24;

    /// <summary>Creates the profile; use <see cref="ReplicationProfile.PostgresWal"/>.</summary>
    /// <param name="walLevel">The server's <c>wal_level</c>.</param>
    /// <param name="replicaIdentity">The tables' <c>REPLICA IDENTITY</c>.</param>
    protected internal PostgresWalProfile(PostgresWalLevel walLevel, PostgresReplicaIdentity replicaIdentity)
        : base((walLevel, replicaIdentity) switch
        {
            (PostgresWalLevel.Replica, PostgresReplicaIdentity.Default or PostgresReplicaIdentity.Full) => "postgres-wal-replica",
            (PostgresWalLevel.Logical, PostgresReplicaIdentity.Default) => "postgres-wal-logical",
            (PostgresWalLevel.Logical, PostgresReplicaIdentity.Full) => "postgres-wal-logical-full",
            _ => throw new ArgumentOutOfRangeException(nameof(walLevel), $"Unknown wal_level {walLevel} or replica identity {replicaIdentity}."),
        })
    {
        WalLevel = walLevel;
        ReplicaIdentity = replicaIdentity;
    }

    private static Func<TableShape, Layout> BuildLayout { get; } = static table => new Layout(table.ColumnSpan);

    /// <summary>The server's <c>wal_level</c>.</summary>
    public PostgresWalLevel WalLevel { get; }

    /// <summary>The tables' <c>REPLICA IDENTITY</c>.</summary>
    public PostgresReplicaIdentity ReplicaIdentity { get; }

    private bool LogsOldRow => WalLevel == PostgresWalLevel.Logical && ReplicaIdentity == PostgresReplicaIdentity.Full;

    /// <inheritdoc/>
    /// <remarks>Without the WAL page headers, which <see cref="EstimateTransactionOverhead"/> adds over the whole transaction.</remarks>
    public override long EstimateRow(TableShape table, in RowChange change)
    {
        change.Validate(table);
        var columns = table.LayoutFor(this, BuildLayout);
        var n = table.Columns.Count;
        Span<bool> oldExternal = n <= 256 ? stackalloc bool[n] : new bool[n];
        Span<bool> newExternal = n <= 256 ? stackalloc bool[n] : new bool[n];
        switch (change.Kind)
        {
            case RowChangeKind.Insert:
            {
                ChooseExternal(columns, change.After, newExternal);
                var tupleLength = TupleLength(columns, change.After, newExternal, keyOnly: false, default, out _, out _);
                return Align8(31 + tupleLength) + (BTreeInsertRecordBytes * (long)table.IndexCount) + NewChunkBytes(columns, change.After, newExternal, change, assignedOnly: false);
            }

            case RowChangeKind.Update:
            {
                ChooseExternal(columns, change.Before, oldExternal);
                for (var i = 0; i < n; i++)
                {
                    newExternal[i] = oldExternal[i] && !change.IsAssigned(i);
                }

                ChooseExternal(columns, change.After, newExternal);
                var newLength = TupleLength(columns, change.After, newExternal, keyOnly: false, change.Assigned, out var newHeader, out var changedBytes);
                long heap;
                if (WalLevel == PostgresWalLevel.Replica)
                {
                    // xl_heap_update + xl_heap_header, the bitmap/padding part of the header, prefix and suffix lengths, changed bytes.
                    heap = Align8(65 + (newHeader - 23) + 4 + changedBytes);
                }
                else
                {
                    var body = 42 + newLength;
                    if (LogsOldRow)
                    {
                        var oldInline = TupleLength(columns, change.Before, default, keyOnly: false, default, out _, out _);
                        body += 5 + oldInline - 23 + MainDataHeaderGrowth(14 + 5 + oldInline - 23);
                    }

                    heap = Align8(body);
                }

                var hot = !AssignsKey(columns, change);
                return (HasExternal(change.Before, oldExternal) ? SmallRecordBytes : 0)
                    + heap
                    + (hot ? 0 : BTreeInsertRecordBytes * (long)table.IndexCount)
                    + NewChunkBytes(columns, change.After, newExternal, change, assignedOnly: true)
                    + OldChunkBytes(change.Before, oldExternal, change, assignedOnly: true);
            }

            default:
            {
                ChooseExternal(columns, change.Before, oldExternal);
                long heap;
                if (WalLevel == PostgresWalLevel.Replica)
                {
                    heap = SmallRecordBytes;
                }
                else if (LogsOldRow)
                {
                    var oldInline = TupleLength(columns, change.Before, default, keyOnly: false, default, out _, out _);
                    heap = Align8(59 + oldInline - 23 + MainDataHeaderGrowth(8 + 5 + oldInline - 23));
                }
                else
                {
                    heap = Align8(59 + TupleLength(columns, change.Before, default, keyOnly: true, default, out _, out _) - 23);
                }

                return heap + OldChunkBytes(change.Before, oldExternal, change, assignedOnly: false);
            }
        }
    }

    /// <inheritdoc/>
    /// <remarks>The COMMIT record plus one 24-byte page header per 8,168 bytes of the transaction's WAL.</remarks>
    public override long EstimateTransactionOverhead(long statementBytes)
    {
        if (statementBytes <= 0)
        {
            return 0;
        }

        long commit = WalLevel == PostgresWalLevel.Replica ? 40 : 48;
        var pageHeaders = (((statementBytes + commit) * WalPageHeaderBytes) + (WalPageBytes / 2)) / WalPageBytes;
        return commit + pageHeaders;
    }

    /// <summary>The WAL bytes of the TOAST chunks of an out-of-line value of <paramref name="byteLength"/> bytes, index entries included.</summary>
    /// <param name="byteLength">The value's byte length.</param>
    public static long ToastChunksBytes(long byteLength)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(byteLength);
        var fullChunks = byteLength / ToastChunkBytes;
        var rest = byteLength % ToastChunkBytes;
        var perChunk = Align8(67 + ToastChunkBytes) + BTreeInsertRecordBytes;
        return (fullChunks * perChunk) + (rest > 0 ? Align8(67 + rest) + BTreeInsertRecordBytes : 0);
    }

    private static long ToastChunkCount(long byteLength) => (byteLength + ToastChunkBytes - 1) / ToastChunkBytes;

    private static long NewChunkBytes(Layout columns, ReadOnlySpan<ColumnValue> values, ReadOnlySpan<bool> external, in RowChange change, bool assignedOnly)
    {
        long bytes = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (external[i] && (!assignedOnly || change.IsAssigned(i)))
            {
                bytes += ToastChunksBytes(values[i].ByteLength);
            }
        }

        return bytes;
    }

    // Deleting a row, or replacing a value, deletes each old chunk: one small record per chunk.
    private static long OldChunkBytes(ReadOnlySpan<ColumnValue> values, ReadOnlySpan<bool> external, in RowChange change, bool assignedOnly)
    {
        long bytes = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (external[i] && (!assignedOnly || change.IsAssigned(i)))
            {
                bytes += SmallRecordBytes * ToastChunkCount(values[i].ByteLength);
            }
        }

        return bytes;
    }

    private static bool HasExternal(ReadOnlySpan<ColumnValue> values, ReadOnlySpan<bool> external)
    {
        for (var i = 0; i < values.Length; i++)
        {
            if (external[i] && !values[i].IsNull)
            {
                return true;
            }
        }

        return false;
    }

    // A key change cannot be a HOT update: the new tuple needs new index entries.
    private static bool AssignsKey(Layout columns, in RowChange change)
    {
        for (var i = 0; i < columns.IsKey.Length; i++)
        {
            if (columns.IsKey[i] && change.IsAssigned(i))
            {
                return true;
            }
        }

        return false;
    }

    // Main data longer than 255 bytes needs a 5-byte instead of a 2-byte main-data header.
    private static int MainDataHeaderGrowth(long mainDataBytes) => mainDataBytes > 255 ? 3 : 0;

    /// <summary>
    /// Moves the largest inline text/binary values out of line, as the TOASTer does with incompressible data, until the
    /// tuple fits under <see cref="ToastTupleThreshold"/> or nothing larger than a TOAST pointer is left inline.
    /// Values already marked out of line stay so.
    /// </summary>
    private static void ChooseExternal(Layout columns, ReadOnlySpan<ColumnValue> values, Span<bool> external)
    {
        while (TupleLength(columns, values, external, keyOnly: false, default, out _, out _) > ToastTupleThreshold)
        {
            var biggest = -1;
            long biggestBytes = 24; // MAXALIGN(TOAST_POINTER_SIZE): smaller values are never worth moving.
            for (var i = 0; i < values.Length; i++)
            {
                if (!external[i] && columns.IsToastable[i] && values[i].ByteLength > biggestBytes)
                {
                    biggest = i;
                    biggestBytes = values[i].ByteLength;
                }
            }

            if (biggest < 0)
            {
                return;
            }

            external[biggest] = true;
        }
    }

    /// <summary>
    /// The length of a heap tuple (t_len): a 23-byte header padded to 8 (with a NULL bitmap when any value is NULL), then
    /// each present value aligned to its type's alignment. Varlena values of at most 126 bytes take a 1-byte header and
    /// no alignment, larger ones a 4-byte header aligned to 4, out-of-line ones an 18-byte TOAST pointer.
    /// </summary>
    private static long TupleLength(Layout columns, ReadOnlySpan<ColumnValue> values, ReadOnlySpan<bool> external, bool keyOnly, ReadOnlySpan<bool> assigned, out int headerBytes, out long changedBytes)
    {
        var attributes = 0;
        var anyNull = false;
        for (var i = 0; i < values.Length; i++)
        {
            if (!keyOnly || columns.IsKey[i])
            {
                attributes++;
                anyNull |= values[i].IsNull;
            }
        }

        headerBytes = anyNull ? (int)Align8(23 + ((attributes + 7) / 8)) : 24;
        long offset = headerBytes;
        long changedStart = -1, changedEnd = -1;
        for (var i = 0; i < values.Length; i++)
        {
            if ((keyOnly && !columns.IsKey[i]) || values[i].IsNull)
            {
                continue;
            }

            long size;
            if (columns.FixedBytes[i] > 0)
            {
                offset = Align(offset, columns.Alignment[i]);
                size = columns.FixedBytes[i];
            }
            else
            {
                var data = columns.VarlenaDataBytes[i] >= 0 ? columns.VarlenaDataBytes[i] : values[i].ByteLength;
                if (!external.IsEmpty && external[i])
                {
                    size = ToastPointerBytes;
                }
                else if (data <= ShortVarlenaMaxData)
                {
                    size = 1 + data;
                }
                else
                {
                    offset = Align(offset, 4);
                    size = 4 + data;
                }
            }

            if (!assigned.IsEmpty && assigned[i])
            {
                changedStart = changedStart < 0 ? offset : changedStart;
                changedEnd = offset + size;
            }

            offset += size;
        }

        changedBytes = changedStart < 0 ? 0 : changedEnd - changedStart;
        return offset;
    }

    // Width and alignment of fixed-width types; 0 for varlena types.
    private static int FixedSize(ColumnType type, out int alignment)
    {
        (var size, alignment) = type.Kind switch
        {
            ColumnTypeKind.Integer => type.FixedSize switch
            {
                <= 2 => (2, 2),
                <= 4 => (4, 4),
                _ => (8, 8),
            },
            ColumnTypeKind.Boolean => (1, 1),
            ColumnTypeKind.Float => type.FixedSize == 4 ? (4, 4) : (8, 8),
            ColumnTypeKind.Date => (4, 4),
            ColumnTypeKind.DateTime or ColumnTypeKind.Time => (8, 8),
            ColumnTypeKind.Guid => (16, 1),
            _ => (0, 1),
        };
        return size;
    }

    // numeric: a 2-byte header word and 2 bytes per base-10000 digit, at most ceil(integral/4) + ceil(scale/4) of them.
    private static long NumericDataBytes(ColumnType type)
        => 2 + (2 * ((((type.Precision - type.Scale) + 3) / 4) + ((type.Scale + 3) / 4)));


    private static long Align8(long value) => Align(value, 8);

    private static long Align(long value, int alignment) => (value + alignment - 1) & ~(long)(alignment - 1);

    /// <summary>Each column's storage (attlen, attalign, varlena size, TOASTability), computed once per table.</summary>
    private sealed class Layout
    {
        public Layout(ReadOnlySpan<ColumnShape> columns)
        {
            var n = columns.Length;
            FixedBytes = new int[n];
            Alignment = new int[n];
            VarlenaDataBytes = new long[n];
            IsToastable = new bool[n];
            IsKey = new bool[n];
            for (var i = 0; i < n; i++)
            {
                var type = columns[i].Type;
                FixedBytes[i] = FixedSize(type, out Alignment[i]);
                VarlenaDataBytes[i] = type.Kind == ColumnTypeKind.Decimal ? NumericDataBytes(type) : -1;
                IsToastable[i] = type.IsVariableLength;
                IsKey[i] = columns[i].IsKey;
            }
        }

        /// <summary>The width of a fixed-width type; 0 for a varlena.</summary>
        public int[] FixedBytes { get; }

        public int[] Alignment { get; }

        /// <summary>The data bytes of a varlena whose size the type fixes (numeric); -1 when the value's length decides.</summary>
        public long[] VarlenaDataBytes { get; }

        public bool[] IsToastable { get; }

        public bool[] IsKey { get; }
    }
}
